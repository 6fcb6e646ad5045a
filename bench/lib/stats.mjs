// Small statistics helpers (no Node APIs: also loaded in Chromium).

export function median(xs) {
  const a = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  if (a.length === 0) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

export function summary(xs) {
  const a = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  return {
    n: a.length,
    median: median(a),
    min: a.length ? a[0] : NaN,
    max: a.length ? a[a.length - 1] : NaN,
    samples: xs,
  };
}
