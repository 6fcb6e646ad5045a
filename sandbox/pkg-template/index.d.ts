/**
 * expense-auth-sandbox: the Spendesk, Pleo, Findity, ProSpend and generic OAuth 2.0 auth
 * endpoints as an in-process `fetch` handler, for tests. Same rules as the
 * `expense-auth-sandbox` binary (one WebAssembly build of the same Rust handler); routes,
 * credentials and token rules: see README.md.
 *
 * Every provider lives under its own path prefix (`/oauth`, `/spendesk`, `/pleo`, `/findity`,
 * `/prospend`); the host part of a URL is ignored, so any loopback base URL works, e.g.
 * `http://127.0.0.1:8787/pleo`.
 */

/** Fault kinds for {@link Sandbox.injectFault}. */
export type FaultKind = "status_500" | "status_503" | "slow" | "html" | "not_json" | "drop" | "huge";

/** An armed fault. */
export interface Fault {
  /** Path prefix the fault applies to (`/` = every provider route). */
  path: string;
  kind: FaultKind;
  /** How many more requests get it. */
  times: number;
  /** Delay of a `slow` fault, in ms. */
  delayMs: number;
}

/** What the sandbox has seen since the last reset. */
export interface SandboxStats {
  /** Requests that reached a token endpoint, by `"<provider>:<grant or endpoint>"`, e.g. `"pleo:refresh_token"`. */
  tokenRequests: Record<string, number>;
  /** Every non-control request. */
  requests: number;
  /** Requests answered by an injected fault. */
  faultsServed: number;
}

export type RefreshTokenState = "valid" | "used" | "revoked" | "expired" | "unknown";

export interface SandboxOptions {
  /**
   * Fixes the sandbox clock at this unix time (seconds); it then moves only with
   * {@link Sandbox.advanceClock}. Default: the real time (`Date.now()`), plus any advance.
   */
  startTime?: number;
}

/** One sandbox: all five providers, their tokens and codes, a clock, faults and statistics. */
export interface Sandbox {
  /**
   * The request handler: a standard `fetch(request) → Promise<Response>`, already bound.
   * Pass it as a client's `fetch` option (it also takes fetch's own `(input, init)`
   * arguments), use it as a Worker (`export default { fetch: sandbox.fetch }`), in a service
   * worker (`event.respondWith(sandbox.fetch(event.request))`, with `loadSandbox` from
   * `expense-auth-sandbox/lazy`) or behind a Node `http` server.
   *
   * It is a server, not a browser: redirects (authorize → consent → your redirect_uri) are
   * returned as 302 responses, never followed; {@link Sandbox.consent} walks them for you.
   * The control endpoints (`/_sandbox/...`, as on the binary) are reachable through it too.
   *
   * Faults the handler cannot perform are emulated: `drop` rejects with
   * `TypeError("fetch failed")` (as fetch does when a connection closes without an answer);
   * `slow` resolves after the delay, or rejects with the request's `AbortSignal` reason when
   * it is aborted first. The request's signal is honoured before the request is handled.
   */
  fetch(request: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** Forgets every token, code, fault and statistic; the clock offset goes back to 0. */
  reset(): void;
  /** The sandbox clock, in unix seconds. */
  now(): number;
  /** Moves the sandbox clock forward (tokens and codes expire accordingly); returns the new time. */
  advanceClock(seconds: number): number;
  /**
   * Arms a fault: the next `times` (default 1) requests whose path starts with `path` get
   * `kind` instead of the normal answer. `delayMs` (default 2000) is the delay of `slow`.
   * Throws an `Error` for a bad path, kind, `times` (1…1 000 000) or `delayMs` (≤ 600 000).
   */
  injectFault(path: string, kind: FaultKind, options?: { times?: number; delayMs?: number }): Fault;
  /** The armed faults. */
  faults(): Fault[];
  /** Disarms every fault. */
  clearFaults(): void;
  /** Request counts since the last reset. */
  stats(): SandboxStats;
  /** Whether a refresh token is still usable, was rotated (`used`), revoked, expired or never issued. */
  refreshTokenState(token: string): RefreshTokenState;
  /**
   * How Pleo expresses `expires_in`. `"default"` follows Pleo's docs: seconds on code exchange,
   * milliseconds on refresh.
   */
  setPleoExpiresUnit(unit: "default" | "seconds" | "millis"): void;
  /** Mints a ProSpend API token (a JWT; ProSpend admins mint them in its UI). Default lifetime 2 years. */
  mintProSpendToken(options?: { site?: string; lifetimeSecs?: number }): string;
  /** Revokes a ProSpend API token. */
  revokeProSpendToken(token: string): void;
  /**
   * The provider's consent step, as the user's browser walks it: fetches the authorize URL,
   * approves (or denies) on the consent page, and resolves to the URL the provider redirects
   * back to — your `redirect_uri` with `code` and `state`, or with `error`. Rejects with an
   * `Error` if the authorize URL is refused without a redirect (unknown client, bad redirect URI).
   * `wallet` picks the Spendesk wallet (`"wallet-1"` or `"wallet-2"`).
   */
  consent(authorizeUrl: string | URL, options?: { decision?: "approve" | "deny"; wallet?: string }): Promise<string>;
}

/** Creates an independent sandbox. Throws a `TypeError` for bad options. */
export function createSandbox(options?: SandboxOptions): Sandbox;
