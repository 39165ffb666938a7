// A slow settling tail fitted to held readings (settling.ts): each hold is one setting read at
// several times after its change, y(t) = A + B·e^{−t/τ}, one τ shared by every hold (one thermal
// path) and A, B per hold (each heater's fringe turns the same phase tail into its own current).
// τ is searched on a log grid, then refined by golden section; A and B are linear at each τ.

export interface Hold {
  /** Time of each reading after the change, ms. */
  timesMs: number[];
  values: number[];
}

export interface TailFit {
  tauMs: number;
  /** Per hold: the tail's size at the change (B) and the settled level (A). */
  amplitudes: number[];
  levels: number[];
  /** Squared residual of the tail model, and of a constant per hold (no tail). */
  sse: number;
  sseFlat: number;
}

function atTau(holds: Hold[], tau: number): { sse: number; a: number[]; b: number[] } {
  let sse = 0;
  const a: number[] = [];
  const b: number[] = [];
  for (const h of holds) {
    const n = h.values.length;
    const x = h.timesMs.map((t) => Math.exp(-t / tau));
    const mx = x.reduce((s, v) => s + v, 0) / n;
    const my = h.values.reduce((s, v) => s + v, 0) / n;
    let sxx = 0;
    let sxy = 0;
    x.forEach((xi, k) => {
      sxx += (xi - mx) ** 2;
      sxy += (xi - mx) * (h.values[k]! - my);
    });
    // A τ so short (or long) that every reading sees the same e^{−t/τ} fits no tail.
    const B = sxx > 1e-12 ? sxy / sxx : 0;
    const A = my - B * mx;
    h.values.forEach((y, k) => (sse += (y - A - B * x[k]!) ** 2));
    a.push(A);
    b.push(B);
  }
  return { sse, a, b };
}

/** The tail that best explains the holds, τ within [tauMinMs, tauMaxMs]. */
export function fitTail(holds: Hold[], tauMinMs: number, tauMaxMs: number, grid = 100): TailFit {
  const lo = Math.log(tauMinMs);
  const step = (Math.log(tauMaxMs) - lo) / (grid - 1);
  let best = 0;
  let bestSse = Number.POSITIVE_INFINITY;
  for (let i = 0; i < grid; i++) {
    const s = atTau(holds, Math.exp(lo + i * step)).sse;
    if (s < bestSse) [best, bestSse] = [i, s];
  }
  // Golden section on log τ between the best point's neighbours.
  let a = lo + Math.max(0, best - 1) * step;
  let b = lo + Math.min(grid - 1, best + 1) * step;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 40; it++) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (atTau(holds, Math.exp(c)).sse <= atTau(holds, Math.exp(d)).sse) b = d;
    else a = c;
  }
  const tauMs = Math.exp((a + b) / 2);
  const r = atTau(holds, tauMs);
  const sseFlat = holds.reduce((s, h) => {
    const m = h.values.reduce((x, v) => x + v, 0) / h.values.length;
    return s + h.values.reduce((x, v) => x + (v - m) ** 2, 0);
  }, 0);
  return { tauMs, amplitudes: r.b, levels: r.a, sse: r.sse, sseFlat };
}
