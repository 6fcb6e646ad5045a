// Compiled (never run) by types.mjs against the packed expense-auth-sandbox's
// declarations: every export and method, pinned result types, and calls that
// must not compile.
import { createSandbox, type Fault, type FaultKind, type RefreshTokenState, type Sandbox, type SandboxStats } from "expense-auth-sandbox";
import { loadSandbox } from "expense-auth-sandbox/lazy";

const sandbox: Sandbox = createSandbox();
createSandbox({ startTime: 1_700_000_000 });
const handled: Promise<Response> = sandbox.fetch(new Request("http://127.0.0.1:8787/oauth/token", { method: "POST" }));
sandbox.fetch("http://127.0.0.1:8787/pleo/v1/expenses", { headers: { authorization: "Bearer x" } });
sandbox.fetch(new URL("http://127.0.0.1:8787/_sandbox/stats"));
const worker = { fetch: sandbox.fetch } satisfies { fetch: (request: Request) => Promise<Response> };
const client: { fetch: typeof fetch } = { fetch: sandbox.fetch };
sandbox.reset();
const now: number = sandbox.now();
const later: number = sandbox.advanceClock(600);
const kind: FaultKind = "slow";
const fault: Fault = sandbox.injectFault("/pleo/oauth/token", kind, { times: 2, delayMs: 500 });
sandbox.injectFault("/", "drop");
const faults: Fault[] = sandbox.faults();
sandbox.clearFaults();
const stats: SandboxStats = sandbox.stats();
const refreshes: number | undefined = stats.tokenRequests["pleo:refresh_token"];
const state: RefreshTokenState = sandbox.refreshTokenState("token");
sandbox.setPleoExpiresUnit("millis");
const prospend: string = sandbox.mintProSpendToken({ site: "acme", lifetimeSecs: 60 });
sandbox.mintProSpendToken();
sandbox.revokeProSpendToken(prospend);
const callback: Promise<string> = sandbox.consent("http://127.0.0.1:8787/pleo/oauth/authorize?…", { decision: "deny", wallet: "wallet-2" });
const lazy: Promise<Sandbox> = loadSandbox({ startTime: 0 });

// @ts-expect-error not a fault kind
sandbox.injectFault("/", "explode");
// @ts-expect-error Pleo units are default, seconds or millis
sandbox.setPleoExpiresUnit("minutes");
// @ts-expect-error startTime is a number of unix seconds
createSandbox({ startTime: "now" });
// @ts-expect-error decision is approve or deny
sandbox.consent("http://127.0.0.1:8787/", { decision: "maybe" });

export { handled, worker, client, now, later, fault, faults, refreshes, state, callback, lazy };
