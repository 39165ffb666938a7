// A drawn route as Si path shapes: its points packed on the nm grid, and cut into pieces of at most
// MAX_SPINE_POINTS, so that each piece's outline (2n + 1 points, outline.ts) fits one GDSII element.
// A feed-through track of a deep mesh bends in every channel it passes (over 15,000 points on
// paper-4x8-trained). Each cut is at the middle of a straight horizontal stretch, so the two flush
// ends abut square, their outlines share their end edge exactly and the Si stays one waveguide; the
// KLayout check joins pieces whose ends meet away from any pin (docs/reference/layout-files.md §2.1).
import type { Shape } from "./cell.ts";
import { MAX_SPINE_POINTS } from "./outline.ts";
import { snap, type Pt } from "./geometry.ts";

/** Snapped µm points → nm integers, x0, y0, x1, y1, … */
export function pack(points: Pt[]): Int32Array {
  const nm = new Int32Array(2 * points.length);
  points.forEach(([x, y], i) => {
    nm[2 * i] = Math.round(x * 1000);
    nm[2 * i + 1] = Math.round(y * 1000);
  });
  return nm;
}

/** nm integers → µm points (the snapped values they were packed from). */
export function unpack(nm: Int32Array): Pt[] {
  const out: Pt[] = [];
  for (let i = 0; i < nm.length; i += 2) out.push([nm[i]! / 1000, nm[i + 1]! / 1000]);
  return out;
}

/** The route's shapes: one packed path, or pieces of at most `max` points cut on straight stretches. */
export function routeShapes(points: Pt[], width: number, max = MAX_SPINE_POINTS): Shape[] {
  const out: Shape[] = [];
  let rest = points;
  while (rest.length > max) {
    // the last horizontal stretch of at least 2 nm that ends within the first max − 1 points
    let cut = -1;
    for (let i = max - 2; i >= 1 && cut < 0; i--)
      if (rest[i - 1]![1] === rest[i]![1] && Math.abs(rest[i]![0] - rest[i - 1]![0]) >= 0.002) cut = i;
    if (cut < 0) throw new Error(`a route of ${points.length} points has no straight stretch to cut it at within ${max} points`);
    const [a, b] = [rest[cut - 1]!, rest[cut]!];
    const mid: Pt = [snap((a[0] + b[0]) / 2), a[1]];
    out.push({ kind: "route", layer: "si", width, nm: pack([...rest.slice(0, cut), mid]) });
    rest = [mid, ...rest.slice(cut)];
  }
  out.push({ kind: "route", layer: "si", width, nm: pack(rest) });
  return out;
}
