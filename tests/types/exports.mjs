// Checks that the packed package's declarations (node_modules/expense-auth/index.d.ts,
// hand-written) are true of its JavaScript: imports the package in Node and
// compares what it exports with what the declarations promise:
//  - every declared function and class is exported, as a function;
//  - nothing else is exported (an undeclared export is API nobody checks);
//  - an instance of every declared class has each declared method (a function)
//    and each declared non-optional property or getter;
//  - errors, thrown and rejected, are `instanceof ExpenseAuthError`, pass
//    `isExpenseAuthError`, and have `name` "ExpenseAuthError" and a `code`
//    from the declared `ErrorCode` union; an async method given a bad argument
//    returns a rejected Promise instead of throwing.
// Prints "types vs runtime: N passed, M failed" and exits 1 on any failure.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dts = join(root, "node_modules/expense-auth/index.d.ts");
const lib = await import("expense-auth");

const program = ts.createProgram([dts], { strict: true, target: ts.ScriptTarget.ES2022, lib: ["lib.es2022.d.ts", "lib.dom.d.ts"], types: [], noEmit: true });
const checker = program.getTypeChecker();
const mod = checker.getSymbolAtLocation(program.getSourceFile(dts));
const exportsOf = mod ? checker.getExportsOfModule(mod) : [];

let passed = 0;
let failed = 0;
const result = (ok, what) => {
  if (ok) passed++;
  else {
    failed++;
    console.log(`not ok ${what}`);
  }
};

// A syntactically valid, unexpired JWT (ProSpend checks only shape and exp).
const b64url = (s) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const jwt = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 }))}.c2ln`;
const tokens = { accessToken: "at", tokenType: "Bearer", raw: {} };
// One instance per class, built offline (no request is sent).
const instances = {
  OAuth2Client: () => new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "c" }),
  Pleo: () => new lib.Pleo({ clientId: "c", clientSecret: "s", redirectUri: "https://app.example/cb" }),
  Spendesk: () => new lib.Spendesk({ clientId: "c", clientSecret: "s", redirectUri: "https://app.example/cb" }),
  Findity: () => new lib.Findity({ clientId: "c", clientSecret: "s" }),
  ProSpend: () => new lib.ProSpend({ token: jwt }),
  TokenSession: () => new lib.TokenSession({ renew: async () => tokens, tokens }),
  ExpenseAuthError: () => {
    try {
      lib.pkceChallenge("too-short");
    } catch (e) {
      return e;
    }
    throw new Error("pkceChallenge(\"too-short\") did not throw");
  },
};

const declared = new Set();
let errorCodes = [];
for (let sym of exportsOf) {
  const name = sym.getName();
  if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  if (name === "ErrorCode") {
    const t = checker.getDeclaredTypeOfSymbol(sym);
    errorCodes = (t.isUnion() ? t.types : [t]).filter((u) => u.isStringLiteral()).map((u) => u.value);
  }
  if (!(sym.flags & ts.SymbolFlags.Value)) continue;
  declared.add(name);
  result(typeof lib[name] === "function", `${name}: declared, but the package exports ${typeof lib[name]}`);
  if (!(sym.flags & ts.SymbolFlags.Class) || typeof lib[name] !== "function") continue;
  let instance;
  try {
    instance = instances[name]?.();
  } catch (e) {
    result(false, `${name}: could not build an instance: ${e?.code ?? ""} ${e?.message ?? e}`);
    continue;
  }
  if (instance === undefined) {
    result(false, `${name}: no instance recipe in tests/types/exports.mjs`);
    continue;
  }
  result(instance instanceof lib[name], `${name}: an instance is not instanceof ${name}`);
  for (const p of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(sym))) {
    const member = p.getName();
    const decl = p.declarations?.[0];
    if (!decl || !decl.getSourceFile().fileName.endsWith("expense-auth/index.d.ts")) continue; // inherited from Error
    const isMethod = ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl);
    if (isMethod) result(typeof instance[member] === "function", `${name}.${member}(): declared, but it is ${typeof instance[member]}`);
    else if (!(p.flags & ts.SymbolFlags.Optional)) result(member in instance, `${name}.${member}: declared, but missing`);
  }
}
result(exportsOf.length > 0, "index.d.ts declares no exports");
result(errorCodes.length > 0, "index.d.ts declares no ErrorCode union");
for (const name of Object.keys(lib)) result(declared.has(name), `${name}: exported by the package, but not declared in index.d.ts`);

// Errors, thrown and rejected: the declared class, the guard, the name and a declared code.
const checkError = (e, how) => {
  result(typeof lib.ExpenseAuthError === "function" && e instanceof lib.ExpenseAuthError, `${how}: not instanceof ExpenseAuthError`);
  result(typeof lib.isExpenseAuthError === "function" && lib.isExpenseAuthError(e) === true, `${how}: isExpenseAuthError() is not true`);
  result(e instanceof Error && e.name === "ExpenseAuthError", `${how}: not an Error named ExpenseAuthError`);
  result(errorCodes.includes(e?.code), `${how}: code ${JSON.stringify(e?.code)} is not in ErrorCode`);
};
try {
  lib.createPkce(42);
  result(false, "createPkce(42) did not throw");
} catch (e) {
  checkError(e, "createPkce(42) throws");
}
// Declared as returning a Promise: a bad argument rejects it, never throws.
let pending;
try {
  pending = instances.OAuth2Client().refresh(undefined);
  result(pending instanceof Promise, "refresh(undefined) did not return a Promise");
} catch (e) {
  result(false, "refresh(undefined) threw synchronously instead of returning a rejected Promise");
}
try {
  await pending;
  if (pending) result(false, "refresh(undefined) did not reject");
} catch (e) {
  checkError(e, "refresh(undefined) rejects");
}
if (typeof lib.isExpenseAuthError === "function") {
  result(lib.isExpenseAuthError(new Error("x")) === false, "isExpenseAuthError(new Error()) is not false");
  result(lib.isExpenseAuthError(undefined) === false, "isExpenseAuthError(undefined) is not false");
}

console.log(`types vs runtime: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
