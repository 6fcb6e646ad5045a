// The package as a Vite app imports it: named imports from a bare specifier,
// resolved by the package's exports map and tree-shaken by `vite build` with
// no configuration. (Named imports are what would expose a wrong
// "sideEffects" flag: the bundler would drop the entry's wasm initialisation.)
import { ExpenseAuthError, Findity, OAuth2Client, Pleo, ProSpend, Spendesk, TokenSession, buildAuthorizationUrl, createPkce, decodeJwtUnverified, parseCallback, parseTokenResponse, pkceChallenge, pleoAuthorizationUrl, randomState, spendeskAuthorizationUrl, spendeskWalletClaims, spendeskWalletId, statesEqual, isExpenseAuthError } from "expense-auth";
import { defineSuite } from "../suite/suite.mjs";
import { runOnPage } from "../suite/harness.mjs";

const lib = { ExpenseAuthError, Findity, OAuth2Client, Pleo, ProSpend, Spendesk, TokenSession, buildAuthorizationUrl, createPkce, decodeJwtUnverified, parseCallback, parseTokenResponse, pkceChallenge, pleoAuthorizationUrl, randomState, spendeskAuthorizationUrl, spendeskWalletClaims, spendeskWalletId, statesEqual, isExpenseAuthError };
await runOnPage(defineSuite, lib);
