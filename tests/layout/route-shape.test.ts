// Route shapes (layout/route-shape.ts): packing on the nm grid loses nothing, and a route longer
// than a GDSII element holds is cut into pieces that abut, square, in the middle of a straight
// horizontal stretch; a route with nowhere to cut is refused, not drawn wrong.
import { describe, expect, it } from "vitest";
import type { Shape } from "../../layout/cell.ts";
import { sbend, tidy, type Pt } from "../../layout/geometry.ts";
import { pack, routeShapes, unpack } from "../../layout/route-shape.ts";

/** A route of S-bends with straight leads, as place-route draws a feed-through track. */
function wiggle(bends: number): Pt[] {
  const pts: Pt[] = [[0, 0]];
  let [x, y] = [0, 0];
  for (let i = 0; i < bends; i++) {
    const h = i % 2 ? -7.5 : 12.25;
    pts.push(...sbend(x, y, 40, h));
    [x, y] = [x + 40, y + h];
    pts.push([x + 3, y]);
    x += 3;
  }
  return tidy(pts);
}

const piecesOf = (shapes: Shape[]): Pt[][] => shapes.map((s) => (s.kind === "route" ? unpack(s.nm) : []));

describe("route shapes", () => {
  it("packs snapped points on the nm grid and unpacks the same numbers", () => {
    const pts = wiggle(3);
    expect(unpack(pack(pts))).toEqual(pts);
  });

  it("keeps a short route whole", () => {
    const pts = wiggle(2);
    const shapes = routeShapes(pts, 0.5, 4095);
    expect(shapes).toHaveLength(1);
    expect(piecesOf(shapes)[0]).toEqual(pts);
  });

  it("cuts a long route into pieces of at most max points that abut on straight horizontal stretches", () => {
    const pts = wiggle(12);
    const max = 40;
    expect(pts.length).toBeGreaterThan(3 * max);
    const pieces = piecesOf(routeShapes(pts, 0.5, max));
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(max);
    for (let i = 1; i < pieces.length; i++) {
      const [a, b] = [pieces[i - 1]!, pieces[i]!];
      const joint = a[a.length - 1]!;
      expect(b[0]).toEqual(joint); // the pieces meet exactly
      expect(a[a.length - 2]![1]).toBe(joint[1]); // horizontal on both sides of the cut
      expect(b[1]![1]).toBe(joint[1]);
      expect(pts.some((p) => p[0] === joint[0] && p[1] === joint[1])).toBe(false); // a new point inside a stretch
    }
    // together they are the route: the same points in the same order, plus one point per cut
    const joined = pieces.flatMap((p, i) => (i ? p.slice(1) : p));
    expect(joined.filter((p) => pts.some((q) => q[0] === p[0] && q[1] === p[1]))).toEqual(pts);
    expect(joined.length).toBe(pts.length + pieces.length - 1);
  });

  it("refuses a route with no straight stretch to cut at", () => {
    const zigzag: Pt[] = Array.from({ length: 30 }, (_, i) => [i, i % 2 ? 1 : 0]);
    expect(() => routeShapes(zigzag, 0.5, 10)).toThrow(/no straight stretch/);
  });
});
