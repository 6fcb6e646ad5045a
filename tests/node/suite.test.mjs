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

// scripts/build runs wasm-opt with --low-memory-unused, which is right only if
// nothing touches the lowest 1 KiB of the wasm's memory. The stack comes first
// there, growing down from 1 MiB, and starts zeroed: after the whole suite its
// deepest written byte must still be far above 1 KiB. (The driver's default
// export returns the already-loaded module's exports.)
test("the wasm stack never reaches the lowest KiB (scripts/build's --low-memory-unused)", async () => {
  const { default: load } = await import(new URL("../../node_modules/expense-auth/api.js", import.meta.url));
  const mem = new Uint8Array(load().memory.buffer, 0, 1 << 20);
  const deepest = mem.findIndex((b) => b !== 0);
  if (deepest === -1) throw new Error("no stack byte written: is the stack still at the start of memory?");
  if (deepest < 64 * 1024) throw new Error(`the stack reached address ${deepest}`);
  console.log(`deepest stack byte written: ${deepest} (${((1 << 20) - deepest) / 1024} KiB used)`);
});
