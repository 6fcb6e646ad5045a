// The secret-in-browser guard (issue 10 item 4) is for browsers only: in a
// server runtime's Worker (Deno's define WorkerGlobalScope, as browsers'
// do) a client with a secret needs no opt-in. Defined for the Deno and Bun
// runs of the suite (runtime "deno" / "bun"); the browsers' workers are
// tested by tests/browser/workers.mjs.
import { eq } from "./harness.mjs";

export function defineWorkerGuard({ sandboxUrl, runtime }) {
  if (runtime !== "deno" && runtime !== "bun") return [];
  return [
    {
      name: `client secrets in a ${runtime} Worker need no opt-in (a server, not a browser)`,
      async fn() {
        // The URL is built apart from `new Worker(...)`: bundlers (Vite) would
        // otherwise bundle this server-only worker into the browser build.
        const url = new URL("./server-worker.mjs", import.meta.url).href;
        const w = new Worker(url, { type: "module" });
        try {
          const answer = await new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error("the worker did not answer within 10 s")), 10_000);
            w.onmessage = (e) => {
              clearTimeout(timer);
              resolve(e.data);
            };
            w.onerror = (e) => {
              clearTimeout(timer);
              e.preventDefault?.();
              reject(new Error(`the worker failed: ${e.message}`));
            };
            w.postMessage(sandboxUrl ?? "http://127.0.0.1:9");
          });
          eq(answer.code ?? null, null, `the worker's error code (${answer.message ?? ""})`);
          eq(answer.ok, true, "built with secrets");
        } finally {
          w.terminate();
        }
      },
    },
  ];
}
