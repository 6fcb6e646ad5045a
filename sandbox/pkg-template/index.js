// Entry for browsers (an ES module with no bundler, or a service worker that
// supports module scripts) and bundlers such as Vite: fetches and instantiates
// the wasm next to this file with top-level await.
import init, { SandboxCore } from "./expense_auth_sandbox.js";
import { sandboxFactory } from "./driver.js";
await init({ module_or_path: new URL("./expense_auth_sandbox_bg.wasm", import.meta.url) });
export const createSandbox = sandboxFactory(SandboxCore);
