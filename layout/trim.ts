// Route segments trimmed to whole periods: the last trim bump of a segment is solved so that its
// drawn (grid-snapped) length is a whole number of periods λ/n_eff, so routing adds no phase.
import { toWholePeriods } from "./cells.ts";
import { curve, drawnLength, LEAD, snap, tidy, type Pt } from "./geometry.ts";
import { RULES } from "./layers.ts";

/** A drawn route segment between two pins. */
export interface Segment {
  points: Pt[];
  length: number;
  /** Distance of the drawn length from the nearest whole number of periods, µm. */
  residual: number;
  from: string;
  to: string;
}

export type Part = { kind: "pts"; pts: Pt[] } | { kind: "trim"; x: number; y: number; b: number };

export interface SegBuild {
  parts: Part[];
  from: string;
  to: string;
}

/** Points of a segment with its last trim bump set so that its drawn length is a whole number of periods. */
export function trimSegment(s: SegBuild, period: number): Segment {
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
      ? [[trim.x, trim.y], [trim.x + LEAD, trim.y], ...curve(trim.x + LEAD, trim.y, lt - 2 * LEAD, 0, b, 24), [snap(trim.x + lt), trim.y]]
      : [
          [trim.x, trim.y],
          [snap(trim.x + lt), trim.y],
        ];
  const fixed = drawnLength([...pre, [trim.x, trim.y]]) + drawnLength([[snap(trim.x + lt), trim.y], ...post]);
  const base = fixed + drawnLength(bump(0));
  const need = toWholePeriods(base, period);
  let b = 0;
  if (need > 0) {
    // excess length of the bump ≈ b²π²/(4·(lt − 2·LEAD)): bisection on the drawn (snapped) length
    const target = base + need;
    let [lo, hi] = [0, 2 * Math.sqrt((4 * (lt - 2 * LEAD) * period) / (Math.PI * Math.PI))];
    for (let i = 0; i < 50; i++) {
      const m = (lo + hi) / 2;
      if (fixed + drawnLength(bump(m)) < target) lo = m;
      else hi = m;
    }
    b = Math.abs(fixed + drawnLength(bump(lo)) - target) <= Math.abs(fixed + drawnLength(bump(hi)) - target) ? lo : hi;
  }
  return finish(s, tidy([...pre, ...bump(b), ...post]), period);
}

function finish(s: SegBuild, pts: Pt[], period: number): Segment {
  const length = drawnLength(pts);
  const r = length / period;
  return { points: pts, length, residual: Math.abs(r - Math.round(r)) * period, from: s.from, to: s.to };
}
