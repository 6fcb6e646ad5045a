// Prints the shipped files' sizes (raw, gzip -9, brotli) and the packed
// total (wasm + the JS driver and loader api.js), and optionally writes
// them as JSON. Usage: node scripts/sizes.mjs pkg [out.json]
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { join } from "node:path";

const dir = process.argv[2] ?? "pkg";
const files = ["expense_auth_bg.wasm", "api.js", "index.js", "node.js", "workerd.js"];
const sizes = {};
for (const f of files) {
  const buf = readFileSync(join(dir, f));
  sizes[f] = {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}
const sum = (names, k) => names.reduce((a, n) => a + sizes[n][k], 0);
const core = ["expense_auth_bg.wasm", "api.js"];
const total = { raw: sum(core, "raw"), gzip: sum(core, "gzip"), brotli: sum(core, "brotli") };
const pad = (s, n) => String(s).padStart(n);
console.log("file                      raw     gzip   brotli");
for (const f of files) console.log(`${f.padEnd(22)}${pad(sizes[f].raw, 8)}${pad(sizes[f].gzip, 9)}${pad(sizes[f].brotli, 9)}`);
console.log(`packed size (wasm + JS driver and loader): ${total.raw} B raw, ${total.gzip} B gzipped, ${total.brotli} B brotli`);
if (process.argv[3]) writeFileSync(process.argv[3], JSON.stringify({ files: sizes, total }, null, 2));
