# Sourced by the other scripts: finds the toolchain and defines how to build
# for wasm32. Two ways, chosen automatically:
#  - rustup with the wasm32-unknown-unknown target installed: plain
#    `cargo build --target wasm32-unknown-unknown` (stable; a larger binary,
#    since the prebuilt std keeps its panic machinery);
#  - otherwise Debian's rustc-web + rust-web-src: `-Zbuild-std` with
#    `-Cpanic=immediate-abort`, which drops panic formatting from the binary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
WASM_TARGET=wasm32-unknown-unknown
# The wasm-bindgen version pinned in Cargo.toml (wasm-bindgen-cli must match it exactly).
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$ROOT/Cargo.toml")"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

have_rustup_wasm() {
  command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"
}

# Runs `cargo <args>` for the wasm32 target with the right toolchain and flags.
# GETRANDOM_CFG: getrandom 0.3 needs its JS backend chosen by cfg; RUSTFLAGS
# replaces .cargo/config.toml's target rustflags, so it is repeated here.
GETRANDOM_CFG='--cfg getrandom_backend="wasm_js"'
# No Debug formatting and no panic locations in the wasm (the binary formats
# nothing; -260 B gzipped, bench/size-breakdown.md). build-std path only.
# LLVM's inline threshold at 12 (opt-level z's default is lower): -154 B
# gzipped, measured at 6, 10, 12, 15 (one plateau: 10 and below gave less)
# and 18 (+168 B over no flag); re-measure it when the code changes much
# (bench/size-breakdown.md s. 9.0).
WASM_SIZE_FLAGS='-Zfmt-debug=none -Zlocation-detail=none -Cllvm-args=-inline-threshold=12'
wasm_cargo() {
  local sub="$1"; shift
  if have_rustup_wasm; then
    RUSTFLAGS="$GETRANDOM_CFG" cargo "$sub" --target "$WASM_TARGET" "$@"
  else
    RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
      RUSTFLAGS="$GETRANDOM_CFG -Zunstable-options -Cpanic=immediate-abort $WASM_SIZE_FLAGS" \
      /usr/bin/cargo "$sub" --target "$WASM_TARGET" -Zbuild-std=std,panic_abort "$@"
  fi
}

# Clippy for wasm32: rustup's clippy with the target, or Debian's rust-web-clippy.
wasm_clippy() {
  if have_rustup_wasm; then
    RUSTFLAGS="$GETRANDOM_CFG" cargo clippy --target "$WASM_TARGET" "$@"
  else
    PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS="$GETRANDOM_CFG" \
      CARGO_TARGET_DIR="$ROOT/target/clippy-wasm" \
      /usr/bin/cargo clippy --target "$WASM_TARGET" -Zbuild-std=std,panic_abort "$@"
  fi
}

# wasm-bindgen-test-runner, for `cargo test --target wasm32` in headless Chromium.
wasm_test() {
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
  export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
  if have_rustup_wasm; then
    RUSTFLAGS="$GETRANDOM_CFG" cargo test --target "$WASM_TARGET" "$@"
  else
    RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS="$GETRANDOM_CFG" \
      CARGO_TARGET_DIR="$ROOT/target/wasm-test" \
      /usr/bin/cargo test --target "$WASM_TARGET" -Zbuild-std=std,panic_abort "$@"
  fi
}

# Packs pkg/ with npm and installs the tarball as node_modules/expense-auth,
# so tests and the demo import the package exactly as a user's project does.
pack_package() {
  (cd "$ROOT" &&
    rm -rf target/npm node_modules/expense-auth && mkdir -p target/npm node_modules/expense-auth &&
    (cd pkg && npm pack --silent --pack-destination ../target/npm >/dev/null) &&
    tar xzf target/npm/expense-auth-*.tgz -C node_modules/expense-auth --strip-components=1 &&
    echo "packed $(ls target/npm) and installed it as node_modules/expense-auth")
}
