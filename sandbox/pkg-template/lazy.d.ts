import type { Sandbox, SandboxOptions } from "./index.js";
export type * from "./index.js";

/**
 * Instantiates the wasm on first use (fetching `expense_auth_sandbox_bg.wasm` next to this
 * module) and resolves to a new sandbox, like {@link import("./index.js").createSandbox}.
 * For service workers, which refuse the top-level await of the main entry:
 * ```js
 * import { loadSandbox } from "expense-auth-sandbox/lazy";
 * const sandbox = loadSandbox();
 * self.addEventListener("fetch", (event) => {
 *   if (new URL(event.request.url).origin === "http://127.0.0.1:8787")
 *     event.respondWith(sandbox.then((s) => s.fetch(event.request)));
 * });
 * ```
 * Rejects with a `TypeError` for bad options.
 */
export function loadSandbox(options?: SandboxOptions): Promise<Sandbox>;
