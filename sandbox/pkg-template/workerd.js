// Entry for Cloudflare Workers / workerd, which refuse to compile wasm from
// bytes at run time: the .wasm is imported as a module (wrangler and
// miniflare turn it into a WebAssembly.Module) and instantiated synchronously.
import wasmModule from "./expense_auth_sandbox_bg.wasm";
import { initSync, SandboxCore } from "./expense_auth_sandbox.js";
import { sandboxFactory } from "./driver.js";
initSync({ module: wasmModule });
export const createSandbox = sandboxFactory(SandboxCore);
