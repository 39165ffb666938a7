// The Si outline the writer computes for every waveguide (layout/outline.ts): exact on straights,
// each corner within a rounding of the exact mitre (no spike at a vertex next to a 45° segment,
// where KLayout's own conversion of a path leaves one), mirror-symmetric, pieces of a cut route
// sharing their end edge exactly; a side that would fold back is refused. The library writes every
// Si path and route as its outline on 1/0 and its spine on the Waveguide layer 1/99.
import { describe, expect, it } from "vitest";
import { MAX_SPINE_POINTS, outline } from "../../layout/outline.ts";
import { pack, routeShapes } from "../../layout/route-shape.ts";
import { sbend, tidy, type Pt } from "../../layout/geometry.ts";
import { toLibrary } from "../../layout/library.ts";
import { EBEAM_LAYERS } from "../../layout/layers.ts";
import { straight } from "../../layout/cells.ts";

const pts = (nm: Int32Array): Pt[] => Array.from({ length: nm.length / 2 }, (_, i) => [nm[2 * i]!, nm[2 * i + 1]!]);

/** Distance (nm) from p to the line through a and b shifted by `off` to its left. */
function offsetLineDistance(p: Pt, a: Pt, b: Pt, off: number): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const len = Math.hypot(dx, dy);
  return Math.abs(((p[0] - a[0]) * -dy + (p[1] - a[1]) * dx) / len - off);
}

describe("waveguide outlines on the nm grid", () => {
  it("outlines a straight as its rectangle, the left side forward and the right side back, closed", () => {
    expect(pts(outline(Int32Array.from([0, 0, 10000, 0]), 500))).toEqual([
      [0, 250],
      [10000, 250],
      [10000, -250],
      [0, -250],
      [0, 250],
    ]);
  });

  it("puts every corner of a sampled S-bend with ±45° segments within a rounding of both its sides' lines", () => {
    // a spine through a 45° segment with 0.1–1.9° turns either side, as in the cosine S-bends
    // where KLayout's conversion left its spikes
    const spine: Pt[] = [
      [0, 0],
      [1000, 0],
      [2414, 1414],
      [3800, 2777],
      [5214, 4191],
      [6597, 5545],
      [8000, 6900],
    ];
    const nm = pack(spine.map(([x, y]) => [x / 1000, y / 1000]));
    const o = pts(outline(nm, 500));
    expect(o).toHaveLength(2 * spine.length + 1);
    for (let i = 0; i < spine.length; i++) {
      const left = o[i]!;
      const right = o[2 * spine.length - 1 - i]!;
      for (const s of [i - 1, i].filter((s) => s >= 0 && s + 1 < spine.length)) {
        expect(offsetLineDistance(left, spine[s]!, spine[s + 1]!, 250)).toBeLessThanOrEqual(Math.SQRT1_2 + 1e-9);
        expect(offsetLineDistance(right, spine[s]!, spine[s + 1]!, -250)).toBeLessThanOrEqual(Math.SQRT1_2 + 1e-9);
      }
    }
  });

  it("gives a mirrored spine the mirrored outline", () => {
    const spine = tidy([[0, 0], ...sbend(0, 0, 40, 7.25)]);
    const up = pts(outline(pack(spine), 500));
    const down = pts(outline(pack(spine.map(([x, y]) => [x, -y] as Pt)), 500));
    // mirroring swaps the sides: the left side of one is the right side of the other
    const n = spine.length;
    for (let i = 0; i < n; i++) expect(down[2 * n - 1 - i]).toEqual([up[i]![0], -up[i]![1] || 0]);
  });

  it("lets the pieces of a cut route share their end edge exactly", () => {
    const route: Pt[] = [[0, 0]];
    let [x, y] = [0, 0];
    for (let i = 0; i < 12; i++) {
      const h = i % 2 ? -7.5 : 12.25;
      route.push(...sbend(x, y, 40, h), [x + 43, y + h]);
      [x, y] = [x + 43, y + h];
    }
    const pieces = routeShapes(tidy(route), 0.5, 40).map((s) => (s.kind === "route" ? s.nm : new Int32Array()));
    expect(pieces.length).toBeGreaterThan(3);
    for (let i = 1; i < pieces.length; i++) {
      const a = pts(outline(pieces[i - 1]!, 500));
      const b = pts(outline(pieces[i]!, 500));
      const na = pieces[i - 1]!.length / 2;
      // a's end edge (left end → right end) is b's start edge (right start → left start) reversed
      expect([a[na - 1], a[na]]).toEqual([b[0], b[b.length - 2]]);
    }
  });

  it("refuses a side that folds back and a repeated point", () => {
    // a 20 nm segment between two 60° turns the same way: the inner mitres take 143 nm of it each
    expect(() => outline(Int32Array.from([0, 0, 1000, 0, 1010, 17, 510, 883]), 500)).toThrow(/folds back/);
    expect(() => outline(Int32Array.from([0, 0, 0, 0, 1000, 0]), 500)).toThrow(/repeats/);
  });

  it("writes a Si path as its outline on 1/0 and its spine on 1/99; a spine too long for one outline is refused", () => {
    const lib = toLibrary("T", straight(10), EBEAM_LAYERS);
    const els = lib.structures[0]!.elements;
    const si = els.filter((e) => e.kind === "boundary" && e.layer === 1 && e.datatype === 0);
    const spine = els.filter((e) => e.kind === "path" && e.layer === 1 && e.datatype === 99);
    expect(els.filter((e) => e.kind === "path" && e.datatype === 0)).toEqual([]);
    expect(si.map((e) => (e.kind === "boundary" ? Array.from(e.points as Int32Array) : []))).toEqual([
      [0, 250, 10000, 250, 10000, -250, 0, -250, 0, 250],
    ]);
    expect(spine.map((e) => (e.kind === "path" ? [e.width, Array.from(e.points as Int32Array)] : []))).toEqual([[0.5, [0, 0, 10000, 0]]]);
    const long = straight(10);
    long.shapes = [
      {
        kind: "route",
        layer: "si",
        width: 0.5,
        nm: Int32Array.from({ length: 2 * (MAX_SPINE_POINTS + 1) }, (_, i) => (i % 2 ? 0 : i * 10)),
      },
    ];
    expect(() => toLibrary("T", long, EBEAM_LAYERS)).toThrow(/exceeds the GDSII limit/);
  });
});
