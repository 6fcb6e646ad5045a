// A module service worker that answers the suite's sandbox URL from the
// in-process sandbox (expense-auth-sandbox/lazy: no top-level await, which
// service workers refuse). Everything else goes to the network as usual.
import { loadSandbox } from "/sandbox-pkg/lazy.js";
import { IN_PROCESS_ORIGIN } from "./route.mjs";

const sandbox = loadSandbox();
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  if (new URL(event.request.url).origin === IN_PROCESS_ORIGIN) event.respondWith(sandbox.then((s) => s.fetch(event.request)));
});
