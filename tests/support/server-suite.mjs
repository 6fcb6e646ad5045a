// Runs the behaviour suite in a server runtime other than Node's test runner
// (Deno, Bun): the sandbox binary on loopback, the suite through the
// package the runtime's own script imported, the results in the shared
// format. Only node:* built-ins, which Deno and Bun both provide.
import process from "node:process";
import { fileURLToPath } from "node:url";
import { relative } from "node:path";
import { startSandbox } from "./sandbox.mjs";
import { defineSuite } from "../suite/suite.mjs";
import { runTests } from "../suite/harness.mjs";
import { reportSuite } from "./suite-report.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * `lib`: the imported package; `entry`: the file its bare specifier resolved
 * to (import.meta.resolve in the caller); `version`: the runtime's version.
 * Prints both first, so a log shows which entry ran where. Exits the process.
 */
export async function runServerSuite({ lib, label, version, entry, timeoutMs = 300_000 }) {
  const entryPath = entry.startsWith("file:") ? fileURLToPath(entry) : entry;
  console.log(`${label} ${version}, expense-auth entry ${relative(root, entryPath)}`);
  // A hung test must not hang CI: give up after timeoutMs.
  const watchdog = setTimeout(() => {
    console.error(`${label}: the suite did not finish within ${timeoutMs / 1000} s`);
    process.exit(1);
  }, timeoutMs);
  let failed = 1;
  let sandbox;
  try {
    sandbox = await startSandbox();
    const r = await runTests(defineSuite({ lib, sandboxUrl: sandbox.url, runtime: label }));
    failed = reportSuite(label, r);
  } catch (e) {
    failed = reportSuite(label, { fatal: String(e?.stack ?? e) });
  } finally {
    await sandbox?.stop();
    clearTimeout(watchdog);
  }
  process.exit(failed ? 1 : 0);
}
