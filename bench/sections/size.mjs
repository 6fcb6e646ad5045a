// Size: raw, gzip -9 and brotli (quality 11) of
//  - expense-auth per entry point: the entry + the glue + the wasm, each
//    compressed on its own (they are served as separate files);
//  - each peer's file as published, and (arctic, jose: the main file only
//    re-exports) the whole package bundled;
//  - minified esbuild bundles of the specific import a user would make.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { sizeBundles } from "../lib/build.mjs";
import { ROOT } from "../lib/env.mjs";

export function measureBuf(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length,
  };
}
const measure = (file) => measureBuf(readFileSync(file));
const add = (...xs) => ({ raw: xs.reduce((a, x) => a + x.raw, 0), gzip: xs.reduce((a, x) => a + x.gzip, 0), brotli: xs.reduce((a, x) => a + x.brotli, 0) });

const PUBLISHED = {
  oauth4webapi: "build/index.js",
  arctic: "dist/index.js",
  "oidc-client-ts": "dist/esm/oidc-client-ts.js",
  jose: "dist/webapi/index.js",
  "jwt-decode": "build/esm/index.js",
  "pkce-challenge": "dist/index.browser.js",
};

export async function run({ pkgDir, bundles }) {
  const files = {};
  for (const f of ["expense_auth_bg.wasm", "api.js", "node.js", "index.js", "workerd.js"]) files[f] = measure(join(pkgDir, f));
  // The module: the wasm and the JS driver with its loader (api.js).
  const core = add(files["expense_auth_bg.wasm"], files["api.js"]);
  const entries = {};
  for (const e of ["node.js", "index.js", "workerd.js"]) entries[e] = add(files[e], files["api.js"], files["expense_auth_bg.wasm"]);

  const published = {};
  for (const [p, f] of Object.entries(PUBLISHED)) published[p] = { file: f, ...measure(join(ROOT, "node_modules", p, f)) };
  const whole = {};
  for (const [p, f] of Object.entries(bundles.whole)) whole[p] = measure(f);

  const defs = sizeBundles(pkgDir);
  const minified = {};
  for (const [id, f] of Object.entries(bundles.size)) {
    const m = measure(f);
    minified[id] = { pkg: defs[id].pkg, what: defs[id].what, js: m };
    if (defs[id].pkg === "expense-auth") {
      minified[id].withWasm = add(m, files["expense_auth_bg.wasm"]);
    }
  }
  return { files, core, entries, published, whole, minified };
}
