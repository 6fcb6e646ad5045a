#!/usr/bin/env bash
# Issue 12, "done means": the packed expense-auth-sandbox installs and runs in
# a fresh project with no Rust. Makes an empty project in a temp dir, installs
# the two tarballs with npm (offline: the packages have no dependencies and no
# install scripts), and runs README.md's node:test example there, with a PATH
# that holds only node and npm (no cargo, rustc or wasm tools reachable).
# Needs target/npm/expense-auth-*.tgz (pack_package) and
# target/sandbox-npm/expense-auth-sandbox-*.tgz (scripts/build-sandbox --pack).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ea=$(ls "$ROOT"/target/npm/expense-auth-*.tgz)
sb=$(ls "$ROOT"/target/sandbox-npm/expense-auth-sandbox-*.tgz)
dir=$(mktemp -d /tmp/expense-auth-fresh.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/bin" "$dir/project"
ln -s "$(command -v node)" "$dir/bin/node"
ln -s "$(command -v npm)" "$dir/bin/npm"
node "$ROOT/tests/in-process/readme-example.mjs" "$dir/project" 2>/dev/null
cd "$dir/project"
printf '{ "name": "fresh-project", "private": true, "type": "module" }\n' > package.json
run() { env -i HOME="$dir" PATH="$dir/bin" "$@"; }
if run sh -c 'command -v cargo || command -v rustc' >/dev/null 2>&1; then echo "a Rust toolchain is reachable" >&2; exit 1; fi
run npm install --offline --no-audit --no-fund --save-dev "$ea" "$sb" >/dev/null
run node -e '
  for (const p of ["expense-auth", "expense-auth-sandbox"]) {
    const pkg = JSON.parse(require("fs").readFileSync(`node_modules/${p}/package.json`, "utf8"));
    if (pkg.scripts || pkg.dependencies) throw new Error(`${p}: has scripts or dependencies`);
  }'
echo "installed $(basename "$ea") and $(basename "$sb") into a fresh project ($(du -sk node_modules | cut -f1) KB in node_modules)"
run node --test --test-reporter=tap pleo.test.mjs
