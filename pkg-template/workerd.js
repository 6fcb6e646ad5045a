// Entry for Cloudflare Workers / workerd, which refuse to compile wasm from
// bytes at run time: the .wasm is imported as a module (wrangler and
// miniflare turn it into a WebAssembly.Module) and instantiated synchronously.
import wasmModule from "./expense_auth_bg.wasm";
import load from "./api.js";
load(wasmModule, true);
export * from "./api.js";
