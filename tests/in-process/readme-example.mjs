// Extracts the ```javascript blocks of README.md's "Test your integration
// offline" section, so the README's example is the test (it cannot drift):
//   node tests/in-process/readme-example.mjs OUT_DIR
// writes OUT_DIR/pleo.test.mjs (the node:test example) and OUT_DIR/server.mjs
// (the Node http mount).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SECTION = "## Test your integration offline";
const NAMES = ["pleo.test.mjs", "server.mjs"];

export function readmeBlocks(readmePath = fileURLToPath(new URL("../../README.md", import.meta.url))) {
  const text = readFileSync(readmePath, "utf8");
  const start = text.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const end = text.indexOf("\n## ", start + SECTION.length + 2);
  const section = text.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/^```javascript\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  if (blocks.length !== NAMES.length) throw new Error(`expected ${NAMES.length} javascript blocks in "${SECTION}", found ${blocks.length}`);
  return Object.fromEntries(NAMES.map((n, i) => [n, blocks[i]]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: node tests/in-process/readme-example.mjs OUT_DIR");
  mkdirSync(out, { recursive: true });
  for (const [name, code] of Object.entries(readmeBlocks())) writeFileSync(`${out}/${name}`, code);
  console.error(`wrote ${NAMES.map((n) => `${out}/${n}`).join(", ")} from README.md`);
}
