// What the README's examples leave to the reader (tests/types/run.mjs checks
// every README code block as its own module with these in scope). A block's
// own declarations shadow these. `process` is declared as @types/node does.
declare const S: string; // the sandbox's URL
declare const clientId: string;
declare const redirectUri: string;
declare const code: string;
declare const codeVerifier: string;
declare const callbackUrl: string;
declare const token: string;
declare const accessToken: string;
declare const id: string;
declare const pleo: import("expense-auth").Pleo;
declare const db: {
  load(id: string): Promise<import("expense-auth").TokenSet | undefined>;
  save(id: string, next: import("expense-auth").TokenSet, previous?: import("expense-auth").TokenSet): Promise<void>;
};
// Imported by an earlier block of the same README section.
declare const Pleo: typeof import("expense-auth").Pleo;
declare const Spendesk: typeof import("expense-auth").Spendesk;
declare const Findity: typeof import("expense-auth").Findity;
declare const ProSpend: typeof import("expense-auth").ProSpend;
declare const TokenSession: typeof import("expense-auth").TokenSession;
declare const parseCallback: typeof import("expense-auth").parseCallback;
declare const process: { env: Record<string, string | undefined> };
