// A module service worker that uses the package and runs worker-checks.mjs
// when the page asks (a MessagePort in the message). Service workers refuse
// top-level await, so it cannot import the browser entry (/pkg/index.js):
// it imports the driver and instantiates the wasm itself.
import load, * as lib from "/pkg/api.js";
import { workerChecks } from "./worker-checks.mjs";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("message", (event) => {
  const port = event.ports[0];
  const { sandbox, kind } = event.data;
  event.waitUntil(
    (async () => {
      try {
        await load(new URL("/pkg/expense_auth_bg.wasm", self.location.href));
        port.postMessage(await workerChecks(lib, sandbox, kind));
      } catch (e) {
        port.postMessage({ fatal: `${kind}: ${String(e?.stack ?? e)}` });
      }
    })(),
  );
});
