// Entry for Node 20+: reads and instantiates the wasm synchronously at import.
import { readFileSync } from "node:fs";
import { initSync, SandboxCore } from "./expense_auth_sandbox.js";
import { sandboxFactory } from "./driver.js";
initSync({ module: readFileSync(new URL("./expense_auth_sandbox_bg.wasm", import.meta.url)) });
export const createSandbox = sandboxFactory(SandboxCore);
