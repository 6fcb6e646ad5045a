// The suite's sandbox-backed cases in Node, against the in-process sandbox
// (the packed expense-auth-sandbox package, imported as a user imports it):
// no binary, no port. Prints "sandbox in-process node: N passed, M failed".
import * as lib from "expense-auth";
import { createSandbox } from "expense-auth-sandbox";
import { defineSuite } from "../suite/suite.mjs";
import { runTests } from "../suite/harness.mjs";
import { routeFetch, sandboxBackedTests } from "./route.mjs";

globalThis.fetch = routeFetch(createSandbox());
const label = "sandbox in-process node";
const r = await runTests(sandboxBackedTests(defineSuite, { lib, runtime: "node" }), {
  log: (line) => console.log(line.replace(/^(ok  |FAIL) /, `$1 ${label}: `)),
});
console.log(`${label}: ${r.passed} passed, ${r.failed} failed`);
process.exit(r.failed || r.passed === 0 ? 1 : 0);
