// Prints one suite run (`runTests`'s { passed, failed, results }, or
// { fatal }) the same way for every runner: one line per test, then the
// closing `<label>: N passed, M failed` line that scripts/test adds up.
// Returns the number of failures (1 for a run that could not start).
export function reportSuite(label, r, logs = []) {
  if (r.fatal) {
    if (logs.length) console.error(logs.join("\n"));
    console.error(`${label}: ${r.fatal}`);
    return 1;
  }
  for (const t of r.results) console.log(`${t.ok ? "ok  " : "FAIL"} ${label}: ${t.name}${t.ok ? "" : `\n     ${t.error}`}`);
  console.log(`${label}: ${r.passed} passed, ${r.failed} failed`);
  return r.failed;
}
