// The wasm's loader and its one call (hand-written instead of wasm-bindgen's
// generated glue: 1.5 KB gzipped less, see src/wasm/mod.rs). The module
// exports `buf(len) -> ptr`, `call(op, la, lb, lr, lx) -> len` (bitwise
// negated for an error) and `out() -> ptr`; the strings cross as UTF-8 in
// its memory.
let w;
const enc = new TextEncoder();
const dec = new TextDecoder();
// wasm-bindgen (which cleans the module at build time) leaves one import:
// the externref table's set-up, unused here since nothing crosses as a JS
// value (its `__wbindgen_start` export is that import itself: not called).
const imports = { "./expense_auth_bg.js": { __wbindgen_init_externref_table() {} } };
const ready = (i) => (w = (i.instance ?? i).exports);

// `{ module }`: a WebAssembly.Module or the wasm's bytes.
export function initSync(o) {
  if (w) return w;
  let m = o?.module ?? o;
  if (!(m instanceof WebAssembly.Module)) m = new WebAssembly.Module(m);
  return ready(new WebAssembly.Instance(m, imports));
}

// `{ module_or_path }`: a URL (string, URL or Request), a Response, a
// WebAssembly.Module or the wasm's bytes; default: expense_auth_bg.wasm next to this file.
export default async function init(o) {
  if (w) return w;
  let s = o?.module_or_path ?? o ?? new URL("expense_auth_bg.wasm", import.meta.url);
  if (typeof s === "string" || s instanceof URL || (typeof Request === "function" && s instanceof Request)) s = fetch(s);
  s = await s;
  if (typeof Response === "function" && s instanceof Response) {
    if (!s.ok) throw new Error(`failed to fetch the wasm: HTTP ${s.status}`);
    if (typeof WebAssembly.instantiateStreaming === "function" && s.headers.get("content-type") === "application/wasm")
      return ready(await WebAssembly.instantiateStreaming(s, imports));
    s = await s.arrayBuffer();
  }
  return ready(await WebAssembly.instantiate(s, imports));
}

// Whether the last call failed (its answer is then the error).
export let failed;
// Runs operation `op` on strings `a`, `b` and `rest` (and the random bytes
// `x`, written after them); returns the answer.
export function call(op, a, b, rest, x) {
  const k = x ? x.length : 0;
  const n = (a.length + b.length + rest.length) * 3 + k;
  // buf() first: it may grow the memory, which replaces memory.buffer.
  const p = w.buf(n);
  const m = new Uint8Array(w.memory.buffer, p, n);
  const la = enc.encodeInto(a, m).written;
  const lb = enc.encodeInto(b, m.subarray(la)).written;
  const lr = enc.encodeInto(rest, m.subarray(la + lb)).written;
  if (k) m.set(x, la + lb + lr);
  const len = w.call(op, la, lb, lr, k);
  failed = len < 0;
  const q = w.out();
  return dec.decode(new Uint8Array(w.memory.buffer, q, failed ? ~len : len));
}
