// Entry for browsers (an ES module with no bundler) and bundlers such as Vite:
// fetches and instantiates the wasm next to this file, with top-level await,
// so every export is ready once the import resolves.
import load from "./api.js";
await load(new URL("./expense_auth_bg.wasm", import.meta.url));
export * from "./api.js";
