// Packaging checks on the packed tarball (target/npm/expense-auth-*.tgz, made
// by `pack_package` from scripts/env.sh), as a user's install would see it:
//  - publint --strict: package.json fields, `exports`, `files` and the files
//    they point to; any error, warning or suggestion fails;
//  - @arethetypeswrong/cli: every entry point resolves to declarations that
//    match the JavaScript, for node10, node16 and bundler resolution. The
//    package is ESM only (index.js uses top-level await), so CommonJS
//    consumers use `await import()`: attw's `cjs-resolves-to-esm` rule (a
//    `require()` that finds ESM) is ignored, every other rule counts.
// Prints "publint: N passed, M failed" and "attw: N passed, M failed", exits 1
// on any failure.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const npmDir = join(root, "target/npm");
let tarballs = [];
try {
  tarballs = readdirSync(npmDir).filter((f) => /^expense-auth-.*\.tgz$/.test(f));
} catch {}
if (tarballs.length !== 1) {
  console.error(`expected one expense-auth-*.tgz in target/npm (run pack_package from scripts/env.sh), found ${tarballs.length}`);
  console.log("publint: 0 passed, 1 failed");
  console.log("attw: 0 passed, 1 failed");
  process.exit(1);
}
const tarball = join(npmDir, tarballs[0]);
const bin = (name) => join(root, "node_modules/.bin", name);
const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };

function check(label, cmd, args, clean) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (out.trim()) console.log(out.trimEnd().replace(/^/gm, `  ${label} | `));
  const ok = r.status === 0 && clean(out);
  if (!ok) console.log(`not ok ${label}: exit ${r.status ?? r.signal ?? r.error}`);
  console.log(`${label}: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
  return ok;
}

const publintOk = check("publint", bin("publint"), ["--strict", tarball], (out) => !/^(Errors|Warnings|Suggestions):/m.test(out));
const attwOk = check("attw", bin("attw"), ["--ignore-rules", "cjs-resolves-to-esm", "--format", "ascii", "--no-color", "--no-emoji", tarball], () => true);
process.exit(publintOk && attwOk ? 0 : 1);
