// Type-checks the packed expense-auth-sandbox (node_modules/expense-auth-sandbox,
// from `scripts/build-sandbox --pack`) as TypeScript users compile it: strict,
// no skipLibCheck, once with "nodenext" and once with "bundler" resolution.
// Prints "sandbox types: N passed, M failed" (N, M count configurations).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const out = `${root}target/sandbox-types`;
mkdirSync(out, { recursive: true });
const configs = {
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
};
let passed = 0;
let failed = 0;
for (const [name, resolution] of Object.entries(configs)) {
  const project = `${out}/tsconfig.${name}.json`;
  const compilerOptions = { strict: true, exactOptionalPropertyTypes: true, noEmit: true, target: "es2022", lib: ["es2022", "dom"], types: [], ...resolution };
  writeFileSync(project, JSON.stringify({ compilerOptions, files: [`${root}tests/in-process/types.mts`] }, null, 2));
  const r = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", project], { encoding: "utf8" });
  const ok = r.status === 0;
  console.log(`${ok ? "ok  " : "FAIL"} sandbox types: ${name}${ok ? "" : `\n${r.stdout}${r.stderr}`}`);
  ok ? passed++ : failed++;
}
console.log(`sandbox types: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
