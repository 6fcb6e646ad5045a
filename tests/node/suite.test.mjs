// The behaviour suite in Node, through the packed npm package as a user
// imports it (`import ... from "expense-auth"`, resolved by the package's
// exports map to its Node entry), against the provider sandbox on loopback.
import { test, before, after } from "node:test";
import * as lib from "expense-auth";
import { startSandbox } from "../support/sandbox.mjs";
import { defineSuite } from "../suite/suite.mjs";

const sandbox = await startSandbox();
after(() => sandbox.stop());

for (const t of defineSuite({ lib, sandboxUrl: sandbox.url, runtime: "node" })) {
  test(t.name, t.fn);
}
