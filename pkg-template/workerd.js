// Entry for Cloudflare Workers / workerd, which refuse to compile wasm from
// bytes at run time: the .wasm is imported as a module (wrangler and
// miniflare turn it into a WebAssembly.Module) and instantiated synchronously.
import wasmModule from "./expense_auth_bg.wasm";
import { initSync } from "./expense_auth.js";
initSync({ module: wasmModule });
export * from "./api.js";
