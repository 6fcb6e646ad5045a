// Builds tests/vite-app with Vite (no config file: defaults only) and runs the
// bundled suite in headless Chromium against the sandbox.
import { build } from "vite";
import { fileURLToPath } from "node:url";
import { startSandbox } from "../support/sandbox.mjs";
import { runSuitePage } from "../support/chromium.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
await build({
  root: `${root}tests/vite-app`,
  base: "/vite/",
  logLevel: "warn",
  configFile: false,
  build: { outDir: `${root}target/vite-dist`, emptyOutDir: true },
});
const sandbox = await startSandbox({ statics: ["/vite=target/vite-dist"] });
let failed = 1;
try {
  const port = new URL(sandbox.url).port;
  failed = await runSuitePage(`http://localhost:${port}/vite/index.html?sandbox=${encodeURIComponent(sandbox.url)}`, "chromium (vite)");
} finally {
  await sandbox.stop();
}
process.exit(failed ? 1 : 0);
