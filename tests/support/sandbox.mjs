// Starts the provider sandbox binary on a free loopback port and stops it.
// Used by the Node, browser and workerd test runners and by the demo.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const SANDBOX_BIN = process.env.SANDBOX_BIN ?? `${root}target/release/expense-auth-sandbox`;

/** Starts the sandbox; `statics` are `--static` mounts like "/pkg=pkg". */
export async function startSandbox({ statics = [], quiet = true, port = 0 } = {}) {
  const args = ["--host", "127.0.0.1", "--port", String(port)];
  for (const s of statics) args.push("--static", s);
  const child = spawn(SANDBOX_BIN, args, { cwd: root, stdio: ["ignore", "pipe", quiet ? "ignore" : "inherit"] });
  const url = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error("the sandbox did not start within 10 s")), 10_000);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the sandbox exited with ${code}`)));
    rl.once("line", (line) => {
      clearTimeout(timer);
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      m ? resolve(m[1]) : reject(new Error(`unexpected first line: ${line}`));
    });
  });
  return {
    url,
    stop: () => new Promise((resolve) => { child.once("exit", resolve); child.kill(); }),
  };
}
