// A Worker that imports the npm package the way a Worker project does
// (bundled with the "workerd" export condition; the .wasm imported as a
// module, since workerd refuses to compile wasm from bytes at run time) and
// runs the shared suite when fetched.
import * as lib from "expense-auth";
import { defineSuite } from "../suite/suite.mjs";
import { runTests } from "../suite/harness.mjs";

export default {
  async fetch(request, env) {
    try {
      const tests = defineSuite({ lib, sandboxUrl: env.SANDBOX_URL, runtime: "workerd" });
      return Response.json(await runTests(tests));
    } catch (e) {
      return Response.json({ fatal: String(e?.stack ?? e) });
    }
  },
};
