// A dedicated or shared module worker that imports the package's browser
// entry (/pkg/index.js) and runs worker-checks.mjs when the page asks (a
// MessagePort in the message). The entry is imported dynamically, after the
// handlers are set: its top-level await must not delay them.
import { workerChecks } from "./worker-checks.mjs";

const run = async (port, { sandbox, kind }) => {
  try {
    port.postMessage(await workerChecks(await import("/pkg/index.js"), sandbox, kind));
  } catch (e) {
    port.postMessage({ fatal: `${kind}: ${String(e?.stack ?? e)}` });
  }
};
// Dedicated: the page posts { sandbox, kind } with a port.
self.onmessage = (e) => run(e.ports[0], e.data);
// Shared: the page connects, then posts { sandbox, kind } with a port.
self.onconnect = (e) => {
  const port = e.ports[0];
  port.onmessage = (m) => run(m.ports[0], m.data);
};
