// Route segments trimmed to whole periods: the last trim bump of a segment is solved so that its
// drawn (grid-snapped) length is a whole number of periods λ/n_eff, so routing adds no phase.
import { toWholePeriods } from "./cells.ts";
import { curve, drawnLength, LEAD, snap, tidy, type Pt } from "./geometry.ts";
import { RULES } from "./layers.ts";

const BUMP_SAMPLES = 24;

/** A drawn route segment between two pins (its points become shapes: route-shape.ts). */
export interface Segment {
  length: number;
  /** Distance of the drawn length from the nearest whole number of periods, µm. */
  residual: number;
  from: string;
  to: string;
}

/** Sample points t of the trim bump (curve(…, 24)) and sin²(πt) there, computed as curve() does. */
const BUMP_T = Array.from({ length: BUMP_SAMPLES }, (_, i) => (i + 1) / BUMP_SAMPLES);
const BUMP_S2 = BUMP_T.map((t) => Math.sin(Math.PI * t) ** 2);

export type Part = { kind: "pts"; pts: Pt[] } | { kind: "trim"; x: number; y: number; b: number };

export interface SegBuild {
  parts: Part[];
  from: string;
  to: string;
}

/** Points of a segment with its last trim bump set so that its drawn length is a whole number of periods. */
export function trimSegment(s: SegBuild, period: number): Segment & { points: Pt[] } {
  const lt = RULES.trimLength;
  const lastTrim = s.parts.map((p) => p.kind).lastIndexOf("trim");
  const flatten = (parts: Part[]): Pt[] =>
    parts.flatMap((p): Pt[] =>
      p.kind === "pts"
        ? p.pts
        : [
            [p.x, p.y],
            [snap(p.x + lt), p.y],
          ],
    );
  if (lastTrim < 0) return finish(s, tidy(flatten(s.parts)), period);
  // The drawn length is additive over the snapped points: the bump is solved on its own section.
  const trim = s.parts[lastTrim] as Extract<Part, { kind: "trim" }>;
  const pre = flatten(s.parts.slice(0, lastTrim));
  const post = flatten(s.parts.slice(lastTrim + 1));
  const bump = (b: number): Pt[] =>
    b > 0
      ? [
          [trim.x, trim.y],
          [trim.x + LEAD, trim.y],
          ...curve(trim.x + LEAD, trim.y, lt - 2 * LEAD, 0, b, BUMP_SAMPLES),
          [snap(trim.x + lt), trim.y],
        ]
      : [
          [trim.x, trim.y],
          [snap(trim.x + lt), trim.y],
        ];
  // The bisection measures the bump 50 times: on the nm grid, without building its points (the
  // same roundings and the same sum as drawnLength(bump(b))).
  const xs = [trim.x, trim.x + LEAD, ...BUMP_T.map((t) => trim.x + LEAD + (lt - 2 * LEAD) * t), snap(trim.x + lt)].map((x) =>
    Math.round(x * 1000),
  );
  const bumpLength = (b: number): number => {
    if (!(b > 0)) return drawnLength(bump(b));
    const y0 = Math.round(trim.y * 1000);
    let sum = Math.hypot(xs[1]! - xs[0]!, 0);
    let prev = y0;
    for (let i = 0; i < BUMP_S2.length; i++) {
      const y = Math.round((trim.y + b * BUMP_S2[i]!) * 1000);
      sum += Math.hypot(xs[i + 2]! - xs[i + 1]!, y - prev);
      prev = y;
    }
    sum += Math.hypot(xs[xs.length - 1]! - xs[xs.length - 2]!, y0 - prev);
    return sum / 1000;
  };
  const fixed = drawnLength([...pre, [trim.x, trim.y]]) + drawnLength([[snap(trim.x + lt), trim.y], ...post]);
  const base = fixed + drawnLength(bump(0));
  const need = toWholePeriods(base, period);
  let b = 0;
  if (need > 0) {
    // excess length of the bump ≈ b²π²/(4·(lt − 2·LEAD)): bisection on the drawn (snapped) length
    const target = base + need;
    let [lo, hi] = [0, 2 * Math.sqrt((4 * (lt - 2 * LEAD) * period) / (Math.PI * Math.PI))];
    // Once lo and hi put every bump point on the same nm, so does every b between them (the
    // points grow with b): the drawn bump, the only output, is settled.
    const settled = (): boolean => BUMP_S2.every((s2) => Math.round((trim.y + lo * s2) * 1000) === Math.round((trim.y + hi * s2) * 1000));
    for (let i = 0; i < 50 && !settled(); i++) {
      const m = (lo + hi) / 2;
      if (fixed + bumpLength(m) < target) lo = m;
      else hi = m;
    }
    b = Math.abs(fixed + drawnLength(bump(lo)) - target) <= Math.abs(fixed + drawnLength(bump(hi)) - target) ? lo : hi;
  }
  return finish(s, tidy([...pre, ...bump(b), ...post]), period);
}

function finish(s: SegBuild, pts: Pt[], period: number): Segment & { points: Pt[] } {
  const length = drawnLength(pts);
  const r = length / period;
  return { points: pts, length, residual: Math.abs(r - Math.round(r)) * period, from: s.from, to: s.to };
}
