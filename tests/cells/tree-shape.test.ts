// The shape of a sparse stage's trees (compiler/cells/sparse-stage.ts, docs/design/digit-cells.md §2.2):
// every fan-out tree is cut from one halving of the stage's rows (a unit keeps blocks of rows
// together, a rank reorders them), and the split ratios give each leaf its share of the input's
// light. Whatever the shape, the stage realizes rowScale · W exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { balanceScales } from "../../compiler/cells/balance.ts";
import { oneEntryRowsLast } from "../../compiler/cells/cell-circuit.ts";
import { type FanOutShape, sparseLayout, type SparseLayout, sparseStage } from "../../compiler/cells/sparse-stage.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import type { CouplerElement } from "../../netlist/ir.ts";

/** The root coupler of input j's fan-out tree: its two modes, as the rows whose entries start there. */
function rootRows(layout: SparseLayout, j: number): number[] {
  const W = layout.weights;
  const used = (c: number): number[] => W.map((_, r) => r).filter((r) => W[r]![c] !== 0);
  // the fan-out trees are built input by input, root first; a tree over k rows has k − 1 couplers
  let at = 0;
  for (let c = 0; c < j; c++) at += Math.max(0, used(c).length - 1);
  const root = layout.builder.elements[at] as CouplerElement;
  expect(root.kind).toBe("coupler");
  return used(j)
    .filter((r) => root.modes.includes(layout.entryMode.get(`${r},${j}`)!))
    .sort((a, b) => a - b);
}

const ones = (rows: number, cols: number, used: (r: number, c: number) => boolean): number[][] =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (__, c) => (used(r, c) ? 1 : 0)));

describe("the trees' common shape", () => {
  it("cuts an input's tree from the halving of all rows: rows 2–4 of 5 split {2} | {3, 4}", () => {
    // input 0 feeds all five rows, input 1 rows 2–4; the shape halves rows [0, 5) at 3
    const W = ones(5, 3, (r, c) => c === 0 || (c === 1 && r >= 2));
    const layout = sparseLayout("s", W);
    expect(rootRows(layout, 0)).toEqual([0, 3]);
    // halving input 1's own three rows would join rows 2 and 4 (the trees then split unlike)
    expect(rootRows(layout, 1)).toEqual([2, 3]);
  });

  it("keeps blocks of `unit` rows together: six rows split {0–3} | {4, 5} at unit 2, {0–2} | {3–5} at 1", () => {
    const W = ones(6, 2, (_, c) => c === 0);
    expect(rootRows(sparseLayout("s", W, { unit: 2 }), 0)).toEqual([0, 4]);
    expect(rootRows(sparseLayout("s", W), 0)).toEqual([0, 3]);
  });

  it("orders rows by rank: row 1 ranked last splits off first", () => {
    const W = ones(3, 2, (_, c) => c === 0);
    // ranks 0, 2, 1: the shape's order is rows 0, 2, 1, halved {0, 2} | {1}
    expect(rootRows(sparseLayout("s", W, { rowRank: [0, 2, 1] }), 0)).toEqual([0, 1]);
    expect(rootRows(sparseLayout("s", W), 0)).toEqual([0, 2]);
  });

  it("ranks a cell's last layer with its one-entry rows after the rows that sum several, each group in row order", () => {
    expect(
      oneEntryRowsLast([
        [1, 1, 0],
        [0, 1, 0],
        [1, 1, 1],
        [0, 0, 1],
        [2, 0, 1],
      ]),
    ).toEqual([0, 3, 1, 4, 2]);
  });

  it("gives each leaf its share of the input's light: |path|² = share / Σ share", () => {
    const shares = [0.5, 3, 1, 0.25, 2];
    const W = ones(5, 2, (_, c) => c === 0);
    const layout = sparseLayout("s", W, { share: (r) => shares[r]! });
    const total = shares.reduce((a, b) => a + b, 0);
    shares.forEach((s, r) => expect(layout.pathMag[r]![0]! ** 2).toBeCloseTo(s / total, 12));
    // without shares every leaf takes a fifth
    const equal = sparseLayout("s", W);
    shares.forEach((_, r) => expect(equal.pathMag[r]![0]! ** 2).toBeCloseTo(1 / 5, 12));
  });

  it("realizes rowScale · W exactly whatever the rank, unit and shares (property test, seeded)", () => {
    const shaped = fc
      .record({ rows: fc.integer({ min: 1, max: 7 }), cols: fc.integer({ min: 1, max: 5 }) })
      .chain(({ rows, cols }) =>
        fc.record({
          W: fc.array(
            fc.array(
              fc.oneof(
                fc.constant(0),
                fc.integer({ min: -6, max: 6 }).map((x) => x / 2),
              ),
              { minLength: cols + 1, maxLength: cols + 1 },
            ),
            {
              minLength: rows,
              maxLength: rows,
            },
          ),
          rank: fc.shuffledSubarray([...Array(rows).keys()], { minLength: rows, maxLength: rows }),
          unit: fc.integer({ min: 1, max: 3 }),
          share: fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 64, maxLength: 64 }),
        }),
      )
      .filter(({ W }) => W.every((row) => row.some((w) => w !== 0)));
    fc.assert(
      fc.property(shaped, ({ W, rank, unit, share }) => {
        const shape: FanOutShape = { rowRank: rank, unit, share: (r, j) => share[(r * 11 + j) % 64]! };
        const layout = sparseLayout("s", W, shape);
        const [scales] = balanceScales([layout], 0.25, 0.9);
        const stage = sparseStage(layout, scales!);
        const M = stageMatrix(stage);
        const cols = W[0]!.length;
        const inputs = W.some((row) => row[cols - 1] !== 0) ? cols : cols - 1;
        for (let r = 0; r < W.length; r++)
          for (let j = 0; j < inputs; j++) {
            const amp = j === cols - 1 ? scales!.biasAmplitude : scales!.inputScale[j]!;
            expect(Math.abs(M.re[r * inputs + j]! - (scales!.rowScale[r]! * W[r]![j]!) / amp)).toBeLessThan(1e-12);
            expect(Math.abs(M.im[r * inputs + j]!)).toBeLessThan(1e-12);
          }
      }),
      { seed: 13, numRuns: 150 },
    );
  });
});
