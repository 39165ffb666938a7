// "Did you mean" suggestions by edit distance (optimal string alignment: a swap of neighbours costs 1).

export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/** The closest candidate within a length-dependent budget, or undefined. Ties go to the earlier candidate. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const budget = word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    // The distance is at least the difference in length: skip the table for hopeless candidates
    // (a 1 MB identifier must not cost a 1 MB-row table per candidate).
    if (Math.abs(c.length - word.length) > Math.max(budget, bestD)) continue;
    // Case-only differences (gb/s vs Gb/s) count as 0.5 so they beat any real edit.
    const d = c === word ? 0 : c.toLowerCase() === word.toLowerCase() ? 0.5 : editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (bestD <= budget) return best;
  // A unique candidate that extends what was written (resnet50 → resnet50-cifar100) is also a good guess.
  const lw = word.toLowerCase();
  const ext = lw.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(lw)) : [];
  return ext.length === 1 ? ext[0] : undefined;
}

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const c = closest(word, candidates);
  return c === undefined ? undefined : `did you mean '${c}'?`;
}
