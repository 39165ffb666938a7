// Stage circuits against an independent product of 2×2 blocks, and physical invariants:
// unitarity when lossless, power never grows with loss, reciprocity of the bidirectional S-matrix.
import { describe, expect, it } from "vitest";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { netlistSMatrix } from "../../netlist/sim/smatrix.ts";
import { circuitLookup } from "../../netlist/formats/spice-write.ts";
import type { CMat } from "../../math/cmat.ts";
import { clementsStage, referenceMatrix, svdStage, table } from "./fixtures.ts";

function maxDiff(m: CMat, ref: { re: number[][]; im: number[][] }): number {
  let e = 0;
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) e = Math.max(e, Math.hypot(m.re[i * m.cols + j] - ref.re[i][j], m.im[i * m.cols + j] - ref.im[i][j]));
  return e;
}

function unitarityError(m: CMat): number {
  let e = 0;
  const n = m.cols;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let re = 0;
      let im = 0;
      for (let k = 0; k < m.rows; k++) {
        // (M† M)_ij = Σ conj(M_ki) M_kj
        re += m.re[k * n + i] * m.re[k * n + j] + m.im[k * n + i] * m.im[k * n + j];
        im += m.re[k * n + i] * m.im[k * n + j] - m.im[k * n + i] * m.re[k * n + j];
      }
      e = Math.max(e, Math.hypot(re - (i === j ? 1 : 0), im));
    }
  return e;
}

describe("stage circuits", () => {
  it("reproduce the stage matrix (independent block product) for Clements meshes N = 2…16", () => {
    for (const n of [2, 3, 4, 5, 8, 16]) {
      const st = clementsStage(n, 100 + n);
      const m = compileCircuit(circuitFromPhaseTable(table([st]), "m")).stageMatrices[0].matrix;
      expect(maxDiff(m, referenceMatrix(st))).toBeLessThan(1e-13);
    }
  });

  it("reproduce SVD-like stages with attenuators, couplers, gain and restricted inputs/outputs", () => {
    for (const [n, out, inp, gain] of [
      [4, 3, 3, 2.5],
      [6, 2, 5, 0.7],
      [5, 5, 5, 1],
    ] as const) {
      const st = svdStage(n, n, out, inp, gain);
      const m = compileCircuit(circuitFromPhaseTable(table([st]), "s")).stageMatrices[0].matrix;
      expect([m.rows, m.cols]).toEqual([out, inp]);
      expect(maxDiff(m, referenceMatrix(st))).toBeLessThan(1e-13);
    }
  });

  it("lossless meshes are unitary; the same mesh with MZI loss never gains power", () => {
    for (const n of [4, 8, 16]) {
      const c = circuitFromPhaseTable(table([clementsStage(n, n)]), "u");
      expect(unitarityError(compileCircuit(c).stageMatrices[0].matrix)).toBeLessThan(1e-13);
      const lossy = compileCircuit(c, { mziLossDb: 0.2, splitterImbalance: 0.02, seed: 3 }).stageMatrices[0].matrix;
      // ‖M x‖ ≤ ‖x‖ for all x ⇔ I − M†M is positive semidefinite; check on basis and random vectors.
      for (let trial = 0; trial < 20; trial++) {
        const xr = Array.from({ length: n }, (_, k) => Math.sin(7 * trial + k * 1.3));
        const xi = Array.from({ length: n }, (_, k) => Math.cos(3 * trial - k));
        let pin = 0;
        let pout = 0;
        for (let k = 0; k < n; k++) pin += xr[k] ** 2 + xi[k] ** 2;
        for (let i = 0; i < n; i++) {
          let yr = 0;
          let yi = 0;
          for (let k = 0; k < n; k++) {
            yr += lossy.re[i * n + k] * xr[k] - lossy.im[i * n + k] * xi[k];
            yi += lossy.re[i * n + k] * xi[k] + lossy.im[i * n + k] * xr[k];
          }
          pout += yr * yr + yi * yi;
        }
        expect(pout).toBeLessThanOrEqual(pin * (1 + 1e-14));
        expect(pout).toBeLessThan(pin); // strictly: every path crosses a lossy MZI
      }
    }
  });

  it("passive stages are reciprocal: the full bidirectional S-matrix is symmetric, and its forward block equals the propagated matrix", () => {
    for (const st of [clementsStage(4, 7), clementsStage(6, 8), svdStage(4, 9, 3, 4, 1)]) {
      const c = circuitFromPhaseTable(table([st]), "r");
      const stageName = Object.keys(c.netlists).find((k) => k !== c.top)!;
      const { ports, s } = netlistSMatrix(c.netlists[stageName], circuitLookup(c));
      const n = ports.length;
      let asym = 0;
      let norm = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          asym = Math.max(asym, Math.hypot(s.re[i * n + j] - s.re[j * n + i], s.im[i * n + j] - s.im[j * n + i]));
          norm = Math.max(norm, Math.hypot(s.re[i * n + j], s.im[i * n + j]));
        }
      expect(norm).toBeGreaterThan(0.1);
      expect(asym).toBeLessThan(1e-13);
      const fwd = compileCircuit(c).stageMatrices[0].matrix;
      const ins = ports.filter((p) => p.startsWith("in"));
      const outs = ports.filter((p) => p.startsWith("out"));
      let e = 0;
      outs.forEach((o, q) =>
        ins.forEach((p, k) => {
          const i = ports.indexOf(o);
          const j = ports.indexOf(p);
          e = Math.max(e, Math.hypot(s.re[i * n + j] - fwd.re[q * fwd.cols + k], s.im[i * n + j] - fwd.im[q * fwd.cols + k]));
        }),
      );
      expect(e).toBeLessThan(1e-13);
      // No reflections in a feed-forward mesh: the input-input block vanishes.
      for (const p of ins)
        for (const q of ins)
          expect(Math.hypot(s.re[ports.indexOf(p) * n + ports.indexOf(q)], s.im[ports.indexOf(p) * n + ports.indexOf(q)])).toBe(0);
    }
  });

  it("the S-matrix solver refuses non-passive components (an amplifier)", () => {
    const c = circuitFromPhaseTable(table([clementsStage(3, 1)]), "x");
    const stageName = Object.keys(c.netlists).find((k) => k !== c.top)!;
    const nl = c.netlists[stageName];
    nl.instances.g0 = { component: "amplifier", settings: { gain: 2 } };
    expect(() => netlistSMatrix(nl, circuitLookup(c))).toThrow(/not a reciprocal passive primitive/);
  });
});
