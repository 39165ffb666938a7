// Waveguide centrelines as polylines on the 1 nm grid: straights, cosine S-bends, and the trim bump
// that lengthens a route by less than one period so that its drawn length is a whole number of
// periods λ/n_eff (docs/design/layout.md §9). Lengths are measured on the snapped
// points, i.e. on what is written into the GDSII file.
import { RULES } from "./layers.ts";

export type Pt = [number, number];

/** Snap a coordinate (µm) to the 1 nm database grid. */
export function snap(x: number): number {
  const v = Math.round(x * 1000) / 1000;
  return v === 0 ? 0 : v;
}

export function snapPt(p: Pt): Pt {
  return [snap(p[0]), snap(p[1])];
}

/** Length of a polyline (µm) after snapping its points to the grid. */
export function drawnLength(points: Pt[]): number {
  let s = 0;
  for (let i = 1; i < points.length; i++) {
    const dx = Math.round(points[i]![0] * 1000) - Math.round(points[i - 1]![0] * 1000);
    const dy = Math.round(points[i]![1] * 1000) - Math.round(points[i - 1]![1] * 1000);
    s += Math.hypot(dx, dy);
  }
  return s / 1000;
}

/** Shortest section length of a cosine S-bend of height h: slope ≤ maxSlope and radius ≥ minRadius. */
export function sbendLength(h: number): number {
  const a = Math.abs(h);
  if (a < 1e-9) return 0;
  // 10 % above the radius limit: the sampled, snapped curve bends a little tighter than the cosine
  return Math.max((Math.PI * a) / (2 * RULES.maxSlope), Math.PI * Math.sqrt((a * 1.1 * RULES.minRadius) / 2)) + 2 * LEAD;
}

/** Straight lead at both ends of every curve: a flush path end is then square to its pin. */
export const LEAD = 1;

/** A cosine S-bend of height h over [x0, x0 + len] with a straight lead at each end, without the first point. */
export function sbend(x0: number, y0: number, len: number, h: number): Pt[] {
  if (Math.abs(h) < 1e-9) return [[x0 + len, y0]];
  const inner = len - 2 * LEAD;
  // an offset of a few tens of nanometres: one slightly tilted straight between the leads
  if (Math.abs(h) < 0.05)
    return [
      [x0 + LEAD, y0],
      [x0 + LEAD + inner, y0 + h],
      [x0 + len, y0 + h],
    ];
  return [[x0 + LEAD, y0], ...curve(x0 + LEAD, y0, inner, h, 0, samples(inner)), [x0 + len, y0 + h]];
}

/** Points of y(t) = y0 + h·(1 − cos πt)/2 + b·sin²(πt)·bump over [x0, x0 + len], t ∈ [0, 1], without the first point. */
export function curve(x0: number, y0: number, len: number, h: number, b: number, n: number): Pt[] {
  const out: Pt[] = [];
  for (let i = 1; i <= n; i++) {
    const t = i / n;
    out.push([x0 + len * t, y0 + (h * (1 - Math.cos(Math.PI * t))) / 2 + b * Math.sin(Math.PI * t) ** 2]);
  }
  return out;
}

/**
 * Sample count for a curved section: points 1 to 2 µm apart (4 to 256 of them). Closer points
 * would turn the 1 nm grid's rounding into curvature noise (a radius check reads the points).
 */
export function samples(len: number): number {
  return Math.max(4, Math.min(256, Math.ceil(len / 1.5)));
}

/** Smallest radius of a polyline's discrete curvature (circumradius of consecutive point triples). */
export function minRadius(points: Pt[]): number {
  let r = Infinity;
  for (let i = 1; i + 1 < points.length; i++) {
    const [a, b, c] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const ab = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const bc = Math.hypot(c[0] - b[0], c[1] - b[1]);
    const ca = Math.hypot(a[0] - c[0], a[1] - c[1]);
    const cross = Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
    if (cross < 1e-12) continue;
    r = Math.min(r, (ab * bc * ca) / (2 * cross));
  }
  return r;
}

/** Remove consecutive duplicates and collinear interior points of horizontal runs (after snapping). */
export function tidy(points: Pt[]): Pt[] {
  const s = points.map(snapPt);
  const out: Pt[] = [];
  for (const p of s) {
    const last = out[out.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    if (out.length >= 2) {
      const a = out[out.length - 2]!;
      const b = last!;
      if (a[1] === b[1] && b[1] === p[1]) out.pop();
    }
    out.push(p);
  }
  return out;
}
