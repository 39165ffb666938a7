// The die packing (layout/pack.ts): boxes never overlap, the box stays within 2:1, the same input
// gives the same places, a mix of wide and narrow copies packs tighter than one per row, and
// cluster-16's copies fill at least 90 % of their box.
import { describe, expect, it } from "vitest";
import { packBoxes, type PackBox } from "../../layout/pack.ts";

const overlaps = (boxes: PackBox[], at: [number, number][]): number => {
  let n = 0;
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [at[i]!, at[j]!];
      const dx = Math.min(a[0] + boxes[i]!.w, b[0] + boxes[j]!.w) - Math.max(a[0], b[0]);
      const dy = Math.min(a[1] + boxes[i]!.h, b[1] + boxes[j]!.h) - Math.max(a[1], b[1]);
      if (dx > 1e-9 && dy > 1e-9) n++;
    }
  return n;
};

// cluster-16's copies, rounded (mm): a cascade's levels beside small merge and flag designs
const mix: PackBox[] = [
  ...Array.from({ length: 12 }, () => ({ w: 9.77, h: 1.17 })),
  ...Array.from({ length: 5 }, () => ({ w: 9.11, h: 0.98 })),
  { w: 10.15, h: 1.17 },
  { w: 12.08, h: 1.53 },
  { w: 11.43, h: 1.25 },
  { w: 11.1, h: 1.25 },
  { w: 4.86, h: 0.39 },
  { w: 5.67, h: 0.46 },
];

describe("packBoxes", () => {
  it("places every box apart, within 2:1, the same way twice", () => {
    const p = packBoxes(mix);
    expect(overlaps(mix, p.at)).toBe(0);
    for (const [i, [x, y]] of p.at.entries()) {
      expect(x + mix[i]!.w).toBeLessThanOrEqual(p.width + 1e-9);
      expect(y + mix[i]!.h).toBeLessThanOrEqual(p.height + 1e-9);
    }
    expect(Math.max(p.width / p.height, p.height / p.width)).toBeLessThanOrEqual(2);
    expect(packBoxes(mix)).toEqual(p);
  });

  it("fills a mix tighter than one copy per row, and the overlap count catches a planted overlap", () => {
    const p = packBoxes(mix);
    const rows = Math.max(...mix.map((b) => b.w)) * mix.reduce((a, b) => a + b.h, 0);
    const filled = mix.reduce((a, b) => a + b.w * b.h, 0);
    expect(p.width * p.height).toBeLessThan(0.95 * rows);
    expect(filled / (p.width * p.height)).toBeGreaterThan(0.85);
    const planted = p.at.map((a) => [...a] as [number, number]);
    planted[1] = [...planted[0]!];
    expect(overlaps(mix, planted)).toBe(1);
  });

  it("fills at least 90 % of the box with cluster-16's copies as drawn (a uniform grid of widths alone, 85 %)", () => {
    // µm, each grown by the 30 µm gap between copies (layout/chip.ts)
    const drawn: [number, number, number][] = [
      [11000, 1078, 12],
      [10237, 903, 5],
      [11428, 1078, 1],
      [13434, 1280, 1],
      [12702, 1150, 1],
      [12355, 1150, 1],
      [4614, 287, 1],
      [5723, 282, 1],
    ];
    const c16 = drawn.flatMap(([w, h, n]) => Array.from({ length: n }, () => ({ w: w + 30, h: h + 30 })));
    const p = packBoxes(c16);
    expect(overlaps(c16, p.at)).toBe(0);
    expect(Math.max(p.width / p.height, p.height / p.width)).toBeLessThanOrEqual(2);
    const filled = c16.reduce((a, b) => a + b.w * b.h, 0);
    expect(filled / (p.width * p.height)).toBeGreaterThan(0.9);
  });

  it("packs nothing into nothing", () => {
    expect(packBoxes([])).toEqual({ at: [], width: 0, height: 0 });
  });
});
