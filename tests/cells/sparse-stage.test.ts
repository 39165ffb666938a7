// A sparse real matrix as a passive stage of fan-out trees, one attenuator per entry and fan-in
// trees: the stage matrix rebuilt from the emitted elements must equal rowScale · W (bias column
// fed by its source amplitude), every |σ| ≤ headroom, and outputs land on the listed modes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { balanceScales } from "../../compiler/cells/balance.ts";
import { entrySigma, sparseLayout, sparseStage } from "../../compiler/cells/sparse-stage.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import { parsePhaseTable, phaseTableToJson, buildPhaseTable } from "../../netlist/formats/phase-table.ts";

const sparseMatrix = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 6 }), seed: fc.integer() })
  .chain(({ rows, cols }) =>
    fc.array(
      fc.array(
        fc.oneof(
          fc.constant(0),
          fc.constant(0),
          fc.integer({ min: -9, max: 9 }).map((x) => x / 2),
        ),
        { minLength: cols + 1, maxLength: cols + 1 },
      ),
      { minLength: rows, maxLength: rows },
    ),
  )
  .filter((W) => W.every((row) => row.some((w) => w !== 0)));

describe("sparse stage", () => {
  it("realizes rowScale · W exactly (property test, seeded)", () => {
    fc.assert(
      fc.property(sparseMatrix, (W) => {
        const layout = sparseLayout("s", W);
        const [scales] = balanceScales([layout], 0.25, 0.9);
        const stage = sparseStage(layout, scales!);
        // Round trip through the phase-table file, then rebuild the matrix from the elements alone.
        const table = parsePhaseTable(phaseTableToJson(buildPhaseTable([stage])));
        const M = stageMatrix(table.pipeline[0] as typeof stage);
        const cols = W[0]!.length;
        // A zero bias column means no bias source: the stage then has one input fewer.
        const inputs = W.some((row) => row[cols - 1] !== 0) ? cols : cols - 1;
        expect(M.cols).toBe(inputs);
        for (let r = 0; r < W.length; r++) {
          for (let j = 0; j < inputs; j++) {
            const amp = j === cols - 1 ? scales!.biasAmplitude : scales!.inputScale[j]!;
            const want = (scales!.rowScale[r]! * W[r]![j]!) / amp;
            expect(Math.abs(M.re[r * inputs + j]! - want)).toBeLessThan(1e-12);
            expect(Math.abs(M.im[r * inputs + j]!)).toBeLessThan(1e-12);
            if (W[r]![j] !== 0) expect(entrySigma(layout, scales!, r, j)).toBeLessThanOrEqual(0.9 * (1 + 1e-9));
          }
        }
      }),
      { seed: 11, numRuns: 150 },
    );
  });

  it("lists the output modes when rows do not end on modes 0..rows−1", () => {
    // The bias feeds rows 0 and 2: row 2 reads it on a fresh mode (3), which is where its result leaves.
    const layout = sparseLayout("s", [
      [1, 0, 1],
      [0, 1, 0],
      [0, 0, 2],
    ]);
    const stage = sparseStage(layout, balanceScales([layout], 1, 0.9)[0]!);
    expect(stage.outputModes).toEqual([0, 1, 3]);
    const wide = sparseLayout("w", [
      [1, 1, 0],
      [2, 0, 1],
    ]);
    expect(sparseStage(wide, balanceScales([wide], 1, 0.9)[0]!).outputModes).toEqual([0, 3]);
  });

  it("refuses a zero row (its output mode would carry nothing) and an empty matrix", () => {
    expect(() =>
      sparseLayout("z", [
        [1, 0],
        [0, 0],
      ]),
    ).toThrow(/row 1 is zero/);
    expect(() => sparseLayout("e", [])).toThrow("stage e: empty matrix");
    expect(() => sparseLayout("e", [[]])).toThrow("stage e: empty matrix");
  });

  it("rows that end on modes 0..rows−1 need no outputModes; a fixed stage is no mesh (mesh = none)", () => {
    const layout = sparseLayout("d", [
      [2, 0, 0],
      [0, -1, 0],
    ]);
    const stage = sparseStage(layout, balanceScales([layout], 1, 0.9)[0]!);
    expect(stage.outputModes).toBeUndefined();
    expect(stage.mesh).toBe("none");
    expect(stage.role).toBe("sparse");
    expect(stage.inputs).toBe(2); // no bias column in use: no bias input
    expect(stage.biasInput).toBeUndefined();
  });

  it("one attenuator per entry, at the |σ| entrySigma states; a pre-scaled bias source is what the stage emits", () => {
    fc.assert(
      fc.property(sparseMatrix, (W) => {
        const layout = sparseLayout("s", W);
        const [scales] = balanceScales([layout], 0.5, 0.9);
        const stage = sparseStage(layout, scales!);
        const att = stage.elements
          .filter((e) => e.kind === "attenuator")
          .map((e) => Math.hypot(...(e as { sigma: [number, number] }).sigma));
        const want = W.flatMap((row, r) => row.flatMap((w, j) => (w === 0 ? [] : [entrySigma(layout, scales!, r, j)])));
        expect(att.length).toBe(want.length);
        att.sort((a, b) => a - b);
        want.sort((a, b) => a - b);
        att.forEach((a, k) => expect(Math.abs(a - want[k]!)).toBeLessThan(1e-12));
        const biasUsed = W.some((row) => row[row.length - 1] !== 0);
        const pre = sparseStage(layout, { ...scales!, biasSource: 0.123 });
        expect(pre.biasInput).toBe(biasUsed ? 0.123 : undefined);
        expect(stage.biasInput).toBe(biasUsed ? scales!.biasAmplitude : undefined);
      }),
      { seed: 5, numRuns: 60 },
    );
  });

  it("layout: elements on a mode sit in strictly increasing columns, in light order", () => {
    fc.assert(
      fc.property(sparseMatrix, (W) => {
        const layout = sparseLayout("s", W);
        const stage = sparseStage(layout, balanceScales([layout], 0.5, 0.9)[0]!);
        const last = new Map<number, number>();
        for (const e of [...stage.elements].sort((a, b) => a.index - b.index)) {
          for (const m of e.modes) {
            expect(e.column, `element ${e.index} on mode ${m}`).toBeGreaterThan(last.get(m) ?? -1);
            last.set(m, e.column);
          }
        }
        expect(stage.elements.map((e) => e.index)).toEqual(stage.elements.map((_, i) => i));
      }),
      { seed: 7, numRuns: 60 },
    );
  });
});
