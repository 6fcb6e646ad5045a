// Fails when the shipped package (wasm + JS driver and loader, gzipped) is over budget.
// The budget guards against regressions; bench/ compares the size with the
// JS libraries users would otherwise pick.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const dir = process.argv[2] ?? "pkg";
const budget = JSON.parse(readFileSync(new URL("./size-budget.json", import.meta.url)));
const gz = (f) => gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
const total = gz("expense_auth_bg.wasm") + gz("api.js");
const ok = total <= budget.maxGzipBytes;
console.log(`packed size ${total} B gzipped (wasm + JS driver and loader); budget ${budget.maxGzipBytes} B: ${ok ? "within" : "OVER"}`);
console.log(`size: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
