// Paths, the pkg/ snapshot, library versions and machine facts (Node only).
import { createHash } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BENCH = join(ROOT, "bench");
export const BUILD = join(BENCH, ".build");
export const SNAPSHOT = join(BUILD, "pkg");
export const PEERS_DIR = join(BUILD, "peers");

export const PKG_FILES = ["expense_auth_bg.wasm", "api.js", "node.js", "index.js", "workerd.js"];
export const PEER_PACKAGES = ["oauth4webapi", "arctic", "oidc-client-ts", "jose", "jwt-decode", "pkce-challenge"];
export const TOOL_PACKAGES = ["esbuild", "playwright-core", "miniflare", "workerd"];

export const log = (m) => process.stderr.write(`${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Copies pkg/ (or BENCH_PKG_SRC) into bench/.build/pkg so that every section measures the same
 * build even if someone rebuilds pkg/ meanwhile (scripts/build deletes it
 * first). Retries while pkg/ is missing or half-written, up to `waitMs`.
 */
export async function snapshotPkg(waitMs = 300_000) {
  // BENCH_PKG_SRC: measure another copy of the package (e.g. a packed one
  // kept aside while others rebuild pkg/).
  const src = process.env.BENCH_PKG_SRC || join(ROOT, "pkg");
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const before = PKG_FILES.map((f) => statSync(join(src, f)).mtimeMs);
      rmSync(SNAPSHOT, { recursive: true, force: true });
      mkdirSync(SNAPSHOT, { recursive: true });
      for (const f of PKG_FILES) copyFileSync(join(src, f), join(SNAPSHOT, f));
      // Kept apart: its "sideEffects" would change how esbuild bundles the
      // snapshot; bench/lib/build.mjs checks it separately (bundlerCheck).
      if (existsSync(join(src, "package.json"))) copyFileSync(join(src, "package.json"), join(BUILD, "pkg.package.json"));
      const after = PKG_FILES.map((f) => statSync(join(src, f)).mtimeMs);
      if (before.some((t, i) => t !== after[i])) throw new Error("pkg/ changed while copying");
      // The copy must load and work (glue and wasm from the same build).
      const check = spawnSync(process.execPath, ["--input-type=module", "-e",
        `const m = await import(${JSON.stringify(join(SNAPSHOT, "node.js"))}); if (!m.createPkce().codeChallenge) process.exit(3);`], { encoding: "utf8" });
      if (check.status !== 0) throw new Error(`snapshot does not load: ${check.stderr.trim().split("\n").slice(-3).join(" | ")}`);
      const wasm = readFileSync(join(SNAPSHOT, "expense_auth_bg.wasm"));
      return {
        dir: SNAPSHOT,
        wasmSha256: createHash("sha256").update(wasm).digest("hex"),
        builtAt: new Date(Math.max(...after)).toISOString(),
      };
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`could not snapshot pkg/: ${e.message}`);
      log(`  pkg/ not usable yet (${e.message}); retrying in 5 s (attempt ${attempt})`);
      await sleep(5000);
    }
  }
}

export function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function machine() {
  let cpuModel = null;
  try {
    cpuModel = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? null;
  } catch {}
  const gitHead = sh("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]);
  // --no-optional-locks: read-only, never touches the index others use.
  const dirty = sh("git", ["-C", ROOT, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"]);
  return {
    date: new Date().toISOString(),
    nproc: Number(sh("nproc", [])) || cpus().length,
    cpuModel: cpuModel ?? cpus()[0]?.model ?? null,
    loadavg: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    git: gitHead ? `${gitHead}${dirty ? " (uncommitted changes in the tree)" : ""}` : null,
  };
}

export function versions() {
  const v = {};
  for (const p of [...PEER_PACKAGES, ...TOOL_PACKAGES]) v[p] = pkgVersion(p);
  try {
    v["expense-auth"] = JSON.parse(readFileSync(join(ROOT, "pkg-template", "package.json"), "utf8")).version;
  } catch {
    v["expense-auth"] = existsSync(join(ROOT, "pkg", "package.json")) ? JSON.parse(readFileSync(join(ROOT, "pkg", "package.json"), "utf8")).version : null;
  }
  return v;
}
