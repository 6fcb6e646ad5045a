// The behaviour suite in Deno, through the packed npm package as a Deno
// project with a package.json imports it: the bare specifier resolves from
// node_modules (Deno's "manual" node_modules mode, no registry access), with
// Deno's export conditions. Run by scripts/test as
//   deno run --no-lock --node-modules-dir=manual --allow-read=. \
//     --allow-net=127.0.0.1,localhost --allow-env --allow-run tests/deno/run.mjs
// (network for loopback only; the run permission starts the sandbox binary).
import * as lib from "expense-auth";
import { runServerSuite } from "../support/server-suite.mjs";

await runServerSuite({
  lib,
  label: "deno",
  version: `${Deno.version.deno} (V8 ${Deno.version.v8})`,
  entry: import.meta.resolve("expense-auth"),
});
