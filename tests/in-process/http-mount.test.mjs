// The README's Node `http` mount of the in-process sandbox
// (target/readme-example/server.mjs, extracted from README.md by
// readme-example.mjs), driven over loopback HTTP by the packed expense-auth
// package and the suite's sandbox helpers, as the binary is.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { OAuth2Client, Pleo, parseCallback } from "expense-auth";
import { sandboxControl } from "../suite/sandbox-client.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
let child;
let S;

before(async () => {
  child = spawn(process.execPath, [`${root}target/readme-example/server.mjs`], {
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  S = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the README server did not start within 10 s")), 10_000);
    child.once("exit", (code) => reject(new Error(`the README server exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      m ? resolve(m[1]) : reject(new Error(`unexpected first line: ${line}`));
    });
  });
});
after(() => child?.kill());

test("http mount: client credentials over loopback, control endpoints reachable", async () => {
  const sb = sandboxControl(S);
  await sb.reset();
  const c = new OAuth2Client({ tokenEndpoint: `${S}/oauth/token`, clientId: "sandbox-client", clientSecret: "sandbox-secret" });
  assert.ok((await c.clientCredentials()).accessToken);
  assert.equal((await sb.stats()).token_requests["oauth:client_credentials"], 1);
});

test("http mount: Pleo consent through real redirects, refresh rotates", async () => {
  const sb = sandboxControl(S);
  await sb.reset();
  const pleo = new Pleo({ clientId: "pleo-client", clientSecret: "pleo-secret", redirectUri: `${S}/callback`, baseUrl: `${S}/pleo`, apiBaseUrl: `${S}/pleo` });
  const auth = pleo.authorizationUrl();
  const callback = await sb.consent(auth.url);
  const t = await pleo.exchangeCode(parseCallback(callback, auth.state).code, auth.codeVerifier);
  const t2 = await pleo.refresh(t.refreshToken);
  assert.notEqual(t2.refreshToken, t.refreshToken);
  assert.equal(await sb.refreshState(t.refreshToken), "used");
});

test("http mount: a drop fault closes the socket (NETWORK_ERROR), then it works again", async () => {
  const sb = sandboxControl(S);
  await sb.reset();
  const c = new OAuth2Client({ tokenEndpoint: `${S}/oauth/token`, clientId: "sandbox-client", clientSecret: "sandbox-secret" });
  await sb.fault("/oauth/token", "drop", { times: 2 });
  await assert.rejects(c.clientCredentials(), { code: "NETWORK_ERROR" });
  await sb.clearFaults();
  assert.ok((await c.clientCredentials()).accessToken);
});
