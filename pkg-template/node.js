// Entry for Node 20+: reads and instantiates the wasm synchronously at import.
import { readFileSync } from "node:fs";
import load from "./api.js";
load(readFileSync(new URL("./expense_auth_bg.wasm", import.meta.url)), true);
export * from "./api.js";
