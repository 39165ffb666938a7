// Linear and log scales with "nice" tick values.

export interface Scale {
  (v: number): number;
  ticks: number[];
  domain: [number, number];
}

/** Round a step to 1, 2 or 5 × 10^k. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

export function linearScale(lo: number, hi: number, r0: number, r1: number, tickCount = 5): Scale {
  if (hi === lo) hi = lo + 1;
  const step = niceStep(hi - lo, tickCount);
  const d0 = Math.floor(lo / step + 1e-9) * step;
  const d1 = Math.ceil(hi / step - 1e-9) * step;
  const f = ((v: number) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0)) as Scale;
  const ticks: number[] = [];
  for (let t = d0; t <= d1 + step * 1e-9; t += step) ticks.push(Math.round(t / step) * step);
  f.ticks = ticks;
  f.domain = [d0, d1];
  return f;
}

/** log10 scale for counts ≥ 1; decades as ticks. */
export function logScale(maxValue: number, r0: number, r1: number): Scale {
  const top = Math.max(1, Math.ceil(Math.log10(Math.max(1, maxValue)) + 1e-9));
  const f = ((v: number) => r0 + (Math.log10(Math.max(1, v)) / top) * (r1 - r0)) as Scale;
  f.ticks = Array.from({ length: top + 1 }, (_, i) => 10 ** i);
  f.domain = [1, 10 ** top];
  return f;
}

/** Shortest readable tick label. */
export function tickLabel(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace("e+", "e");
  return String(Number(v.toPrecision(4)));
}

/** The same mapping with other tick values. */
export function withTicks(s: Scale, ticks: number[]): Scale {
  const f = ((v: number) => s(v)) as Scale;
  f.ticks = ticks;
  f.domain = s.domain;
  return f;
}

/** log10 scale over [lo, hi] (both > 0), widened to whole decades; decades as ticks. */
export function logRangeScale(lo: number, hi: number, r0: number, r1: number): Scale {
  const d0 = Math.floor(Math.log10(lo) + 1e-9);
  const d1 = Math.max(d0 + 1, Math.ceil(Math.log10(hi) - 1e-9));
  const f = ((v: number) => r0 + ((Math.log10(v) - d0) / (d1 - d0)) * (r1 - r0)) as Scale;
  f.ticks = Array.from({ length: d1 - d0 + 1 }, (_, i) => 10 ** (d0 + i));
  f.domain = [10 ** d0, 10 ** d1];
  return f;
}
