// The behaviour suite in Bun, through the packed npm package: the bare
// specifier resolves from node_modules with Bun's export conditions. Run by
// scripts/test as `bun tests/bun/run.mjs`.
import * as lib from "expense-auth";
import { runServerSuite } from "../support/server-suite.mjs";

await runServerSuite({
  lib,
  label: "bun",
  version: `${Bun.version} (${Bun.revision.slice(0, 9)})`,
  entry: import.meta.resolve("expense-auth"),
});
