// Entry for Node 20+: reads and instantiates the wasm synchronously at import.
import { readFileSync } from "node:fs";
import { initSync } from "./expense_auth.js";
initSync({ module: readFileSync(new URL("./expense_auth_bg.wasm", import.meta.url)) });
export * from "./api.js";
