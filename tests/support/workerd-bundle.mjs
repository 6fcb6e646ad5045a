// Bundles a Worker the way wrangler does, for the workerd runners: esbuild
// with the "workerd" export condition, `.wasm` files (and `cloudflare:*`
// modules) left as separate modules, and the packages' `.wasm` files copied
// next to the bundle, where workerd imports them as compiled modules.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * `entryPoints` as esbuild takes them; the bundle goes to `outfile`, or to
 * `outdir` for several entries. `wasm`: the packages whose `.wasm` the bundle
 * imports, as paths below node_modules (default: the expense-auth package's).
 */
export async function bundleForWorkerd({ entryPoints, outfile, outdir, wasm = ["expense-auth/expense_auth_bg.wasm"] }) {
  const dir = outdir ?? outfile.slice(0, outfile.lastIndexOf("/"));
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints,
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["*.wasm", "cloudflare:*"],
    ...(outfile ? { outfile } : { outdir }),
    logLevel: "warning",
  });
  for (const w of wasm) copyFileSync(`${root}node_modules/${w}`, `${dir}/${basename(w)}`);
}
