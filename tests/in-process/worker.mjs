// A Worker that runs the suite's sandbox-backed cases against the in-process
// sandbox, both packages bundled as a Worker project bundles them.
import * as lib from "expense-auth";
import { createSandbox } from "expense-auth-sandbox";
import { defineSuite } from "../suite/suite.mjs";
import { runTests } from "../suite/harness.mjs";
import { routeFetch, sandboxBackedTests } from "./route.mjs";

export default {
  async fetch() {
    try {
      globalThis.fetch = routeFetch(createSandbox());
      return Response.json(await runTests(sandboxBackedTests(defineSuite, { lib, runtime: "workerd" })));
    } catch (e) {
      return Response.json({ fatal: String(e?.stack ?? e) });
    }
  },
};
