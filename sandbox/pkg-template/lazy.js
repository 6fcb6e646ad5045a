// Entry for browsers without top-level await, for service workers (which refuse it) and any
// module that must not wait at import: `loadSandbox(options?)` instantiates the
// wasm next to this file on first use and resolves to a sandbox.
import init, { SandboxCore } from "./expense_auth_sandbox.js";
import { sandboxFactory } from "./driver.js";

let factory;
export async function loadSandbox(options) {
  factory ??= init({ module_or_path: new URL("./expense_auth_sandbox_bg.wasm", import.meta.url) }).then(
    () => sandboxFactory(SandboxCore),
    (e) => {
      factory = undefined; // let a later call try again
      throw e;
    },
  );
  return (await factory)(options);
}
