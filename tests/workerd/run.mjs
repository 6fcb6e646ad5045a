// Runs the shared suite inside workerd (miniflare carries the real workerd
// binary). The Worker is bundled as wrangler would: esbuild with the
// "workerd" condition and .wasm files left as separate modules.
import { Miniflare } from "miniflare";
import { fileURLToPath } from "node:url";
import { startSandbox } from "../support/sandbox.mjs";
import { bundleForWorkerd } from "../support/workerd-bundle.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const out = `${root}target/workerd`;
await bundleForWorkerd({ entryPoints: [`${root}tests/workerd/worker.mjs`], outfile: `${out}/worker.js` });

const sandbox = await startSandbox();
let failed = 1;
const mf = new Miniflare({
  modules: true,
  scriptPath: `${out}/worker.js`,
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate: "2025-01-01",
  bindings: { SANDBOX_URL: sandbox.url },
});
try {
  const res = await mf.dispatchFetch("http://worker.local/");
  const r = await res.json();
  if (r.fatal) {
    console.error(`workerd: ${r.fatal}`);
  } else {
    for (const t of r.results) console.log(`${t.ok ? "ok  " : "FAIL"} workerd: ${t.name}${t.ok ? "" : `\n     ${t.error}`}`);
    console.log(`workerd: ${r.passed} passed, ${r.failed} failed`);
    failed = r.failed;
  }
} finally {
  await mf.dispose();
  await sandbox.stop();
}
process.exit(failed ? 1 : 0);
