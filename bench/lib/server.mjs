// A tiny static file server on 127.0.0.1 (loopback only) for the Chromium
// sections. `mounts` maps URL prefixes to directories. Every answer is
// `Cache-Control: no-store`, so no sample is served from the HTTP cache (and
// V8 cannot reuse cached wasm code across samples). `answers` maps exact
// paths to fixed answers ({ type, body }), e.g. the hot-path benchmark's
// loopback API endpoint.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

export async function serve(mounts, answers = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    const a = answers[path];
    if (a) {
      const body = Buffer.from(a.body);
      return res.writeHead(200, { "content-type": a.type, "cache-control": "no-store", "content-length": body.length }).end(body);
    }
    const prefix = Object.keys(mounts).filter((p) => path.startsWith(p)).sort((a, b) => b.length - a.length)[0];
    if (prefix === undefined) return res.writeHead(404).end();
    const dir = mounts[prefix];
    const file = normalize(join(dir, path.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store", "content-length": body.length });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}
