// The netlist simulator: a whole ONN pipeline against an independent reference, and each
// non-ideality against its definition.
import { describe, expect, it } from "vitest";
import { mziMatrix } from "../../netlist/mzi.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import type { LinearElement, MziElement, PhaseStage } from "../../netlist/ir.ts";
import { quantizePhase } from "../../netlist/dac.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { detectDigit, detectorThresholds } from "../../netlist/models.ts";
import { createRng } from "../../math/rng.ts";
import { clementsStage, onnTable, referenceMatrix, table } from "./fixtures.ts";

type Ref = { re: number[][]; im: number[][] };
function apply(m: Ref, xr: number[], xi: number[]): [number[], number[]] {
  const yr = m.re.map((row, i) => row.reduce((s, a, k) => s + a * xr[k] - m.im[i][k] * xi[k], 0));
  const yi = m.re.map((row, i) => row.reduce((s, a, k) => s + a * xi[k] + m.im[i][k] * xr[k], 0));
  return [yr, yi];
}

/**
 * onnTable() worked by hand from its stages' reference matrices (fixtures.ts), case by case: the
 * largest field error, the decided digits compared (fields within 1e-6 of a half step skipped),
 * and the digits seen.
 */
function checkAgainstHand(
  inputs: Float64Array,
  cases: number,
  r: ReturnType<ReturnType<typeof compileCircuit>["run"]>,
): { maxErr: number; checked: number; seen: Set<number> } {
  const [, l1, , l2] = onnTable().pipeline as [unknown, PhaseStage, unknown, PhaseStage];
  const m1 = referenceMatrix(l1);
  const m2 = referenceMatrix(l2);
  expect(r.cases).toBe(cases);
  expect(r.width).toBe(2);
  expect(r.fields.re.length).toBe(cases * 2);
  expect(r.digits.length).toBe(cases * 2);
  let maxErr = 0;
  let checked = 0;
  const seen = new Set<number>();
  for (let c = 0; c < cases; c++) {
    const x = [...inputs.subarray(c * 4, c * 4 + 4)].map((d) => d * 0.25);
    const [h1r, h1i] = apply(m1, [...x, 0.75], [0, 0, 0, 0, 0]);
    const ar = h1r.map((v) => (v > 0 ? v : 0));
    const ai = h1i.map((v, i) => (h1r[i] > 0 ? v : 0));
    const [yr, yi] = apply(m2, ar, ai);
    for (let q = 0; q < 2; q++) {
      maxErr = Math.max(maxErr, Math.abs(r.fields.re[c * 2 + q] - yr[q]), Math.abs(r.fields.im[c * 2 + q] - yi[q]));
      const u = (yr[q] - 0.05) / 0.1;
      if (Math.abs(u - Math.round(u) - 0.5) < 1e-6 || Math.abs(u - Math.round(u) + 0.5) < 1e-6) continue;
      const d = Math.min(3, Math.max(0, Math.round(u)));
      expect(r.digits[c * 2 + q], `case ${c} output ${q}`).toBe(d);
      seen.add(d);
      checked++;
    }
  }
  return { maxErr, checked, seen };
}

describe("simulator on an ONN pipeline", () => {
  it("matches source → stage(+bias) → relu → stage → detector computed by hand, for all 256 inputs", () => {
    const sim = compileCircuit(circuitFromPhaseTable(onnTable(), "onn"));
    expect(sim.inputWidth).toBe(4);
    expect(sim.hasDetector).toBe(true);
    const cases = 256;
    const inputs = new Float64Array(cases * 4);
    for (let c = 0; c < cases; c++) for (let k = 0; k < 4; k++) inputs[c * 4 + k] = (c >> (2 * k)) & 3;
    const { maxErr, checked, seen } = checkAgainstHand(inputs, cases, sim.run(inputs, cases));
    expect(maxErr).toBeLessThan(1e-12);
    expect(checked).toBeGreaterThan(400);
    expect(seen.size).toBeGreaterThan(1);
  });

  it("a batch larger than one pass (1300 cases: blocks of 512, 512 and 276) matches the hand computation case by case", () => {
    const sim = compileCircuit(circuitFromPhaseTable(onnTable(), "onn"));
    const cases = 1300;
    const inputs = new Float64Array(cases * 4);
    // Every case differs from its neighbours and from the case 512 or 1024 before it.
    for (let c = 0; c < cases; c++) for (let k = 0; k < 4; k++) inputs[c * 4 + k] = ((c * 7 + (c >> 8) * 3) >> (2 * k)) & 3;
    const { maxErr, checked, seen } = checkAgainstHand(inputs, cases, sim.run(inputs, cases));
    expect(maxErr).toBeLessThan(1e-12);
    expect(checked).toBeGreaterThan(2000);
    expect(seen.size).toBeGreaterThan(1);
  });

  it("without a detector, a batch larger than one pass reads out every case's fields and decides no digits", () => {
    const mesh = circuitFromPhaseTable(table([clementsStage(3, 8)]), "m3");
    const ref = referenceMatrix(clementsStage(3, 8));
    const sim = compileCircuit(mesh);
    expect(sim.hasDetector).toBe(false);
    const cases = 1100;
    const inputs = Float64Array.from({ length: cases * 3 }, (_, i) => Math.sin(1 + i * 0.37));
    const r = sim.run(inputs, cases);
    expect([r.cases, r.width, r.digits.length, r.fields.re.length]).toEqual([cases, 3, 0, cases * 3]);
    let maxErr = 0;
    for (let c = 0; c < cases; c++) {
      const [yr, yi] = apply(ref, [...inputs.subarray(c * 3, c * 3 + 3)], [0, 0, 0]);
      for (let q = 0; q < 3; q++)
        maxErr = Math.max(maxErr, Math.abs(r.fields.re[c * 3 + q] - yr[q]), Math.abs(r.fields.im[c * 3 + q] - yi[q]));
    }
    expect(maxErr).toBeLessThan(1e-12);
  });

  it("an empty batch gives an empty result of the circuit's width", () => {
    const r = compileCircuit(circuitFromPhaseTable(onnTable(), "onn")).run(new Float64Array(0), 0);
    expect(r.cases).toBe(0);
    expect(r.width).toBe(2);
    expect([r.fields.re.length, r.fields.im.length, r.digits.length]).toEqual([0, 0, 0]);
  });

  it("batches of any size (odd, below and across a block) give the same per-case results", () => {
    const sim = compileCircuit(circuitFromPhaseTable(onnTable(), "onn"));
    const cases = 301;
    const inputs = new Float64Array(cases * 4);
    for (let i = 0; i < inputs.length; i++) inputs[i] = (i * 5 + (i >> 3)) % 4;
    const all = sim.run(inputs, cases);
    for (const [from, n] of [
      [0, 1],
      [7, 3],
      [100, 201],
      [299, 2],
    ]) {
      const part = sim.run(inputs.slice(from * 4, (from + n) * 4), n);
      expect([...part.fields.re]).toEqual([...all.fields.re.slice(from * 2, (from + n) * 2)]);
      expect([...part.fields.im]).toEqual([...all.fields.im.slice(from * 2, (from + n) * 2)]);
      expect([...part.digits]).toEqual([...all.digits.slice(from * 2, (from + n) * 2)]);
    }
  });

  it("rejects an input batch of the wrong size", () => {
    const sim = compileCircuit(circuitFromPhaseTable(onnTable(), "onn"));
    expect(() => sim.run(new Float64Array(7), 2)).toThrow(/expected 2 × 4 inputs/);
  });
});

describe("non-idealities", () => {
  const mesh = circuitFromPhaseTable(table([clementsStage(6, 5)]), "m");
  const flatMat = (o: Parameters<typeof compileCircuit>[1]) => compileCircuit(mesh, o).stageMatrices[0].matrix;

  it("all-zero non-idealities reproduce the ideal matrices exactly", () => {
    const a = flatMat({});
    const b = flatMat({ mziLossDb: 0, splitterImbalance: 0, phaseNoise: 0, dacBits: null, detectorNoise: 0, seed: 9 });
    expect([...b.re]).toEqual([...a.re]);
    expect([...b.im]).toEqual([...a.im]);
  });

  it("phase noise is seeded: same (seed, trial) → same matrix, other trial → other matrix, σ → 0 → ideal", () => {
    const a = flatMat({ phaseNoise: 0.05, seed: 1, trial: 0 });
    expect([...flatMat({ phaseNoise: 0.05, seed: 1, trial: 0 }).re]).toEqual([...a.re]);
    expect([...flatMat({ phaseNoise: 0.05, seed: 1, trial: 1 }).re]).not.toEqual([...a.re]);
    expect([...flatMat({ phaseNoise: 0.05, seed: 2, trial: 0 }).re]).not.toEqual([...a.re]);
    const ideal = flatMat({});
    const tiny = flatMat({ phaseNoise: 1e-10, seed: 1 });
    const d = Math.max(...ideal.re.map((v, i) => Math.abs(v - tiny.re[i])));
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(1e-8);
  });

  it("DAC quantization equals the mesh with every phase snapped to the 2π/2^b grid", () => {
    const st = clementsStage(6, 5);
    const bits = 6;
    const q: PhaseStage = {
      ...st,
      elements: st.elements.map((e): LinearElement => {
        const m = e as MziElement;
        const theta = quantizePhase(m.theta, bits);
        const phi = quantizePhase(m.phi, bits);
        return { ...m, theta, phi, matrix: mziMatrix(theta, phi) };
      }),
      outputPhases: st.outputPhases.map((p) => quantizePhase(p, bits)),
    };
    const ref = referenceMatrix(q);
    const m = flatMat({ dacBits: bits });
    let e = 0;
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) e = Math.max(e, Math.hypot(m.re[i * 6 + j] - ref.re[i][j], m.im[i * 6 + j] - ref.im[i][j]));
    expect(e).toBeLessThan(1e-13);
    expect(quantizePhase(2 * Math.PI - 1e-9, 3)).toBe(0);
    expect(quantizePhase(Math.PI / 4 + 0.01, 3)).toBeCloseTo(Math.PI / 4, 15);
  });

  it("insertion loss scales a single MZI by 10^(−dB/20); imbalance matches a coupler-power closed form", () => {
    const one = circuitFromPhaseTable(table([{ ...clementsStage(2, 3), elements: [clementsStage(2, 3).elements[0]] }]), "one");
    const ideal = compileCircuit(one).stageMatrices[0].matrix;
    const lossy = compileCircuit(one, { mziLossDb: 0.5 }).stageMatrices[0].matrix;
    const a = 10 ** (-0.5 / 20);
    for (let i = 0; i < 4; i++) {
      expect(lossy.re[i]).toBeCloseTo(a * ideal.re[i], 15);
      expect(lossy.im[i]).toBeCloseTo(a * ideal.im[i], 15);
    }
    // Bar state (θ = π, φ = π) is the identity only with perfect 50:50 couplers.
    const bar = circuitFromPhaseTable(
      table([
        {
          ...clementsStage(2, 3),
          outputPhases: [0, 0],
          elements: [
            { kind: "mzi", index: 0, column: 0, modes: [0, 1], theta: Math.PI, phi: Math.PI, matrix: mziMatrix(Math.PI, Math.PI) },
          ],
        },
      ]),
      "bar",
    );
    const d = 0.05;
    const m = compileCircuit(bar, { splitterImbalance: d, seed: 4 }).stageMatrices[0].matrix;
    const cross = m.re[1] ** 2 + m.im[1] ** 2;
    // |T01|² = (√(k1(1−k2)) − √(k2(1−k1)))² for couplers k1, k2 ∈ {0.5 ± d}: 0 or 4·d² /(…) .
    const candidates = [
      [0.5 - d, 0.5 + d],
      [0.5 + d, 0.5 - d],
      [0.5 - d, 0.5 - d],
      [0.5 + d, 0.5 + d],
    ].map(([k1, k2]) => (Math.sqrt(k1 * (1 - k2)) - Math.sqrt(k2 * (1 - k1))) ** 2);
    expect(candidates.some((c) => Math.abs(c - cross) < 1e-15)).toBe(true);
    // Power is still conserved: couplers stay lossless.
    expect(m.re[0] ** 2 + m.im[0] ** 2 + cross).toBeCloseTo(1, 14);
  });

  it("detector noise is seeded, zero noise changes nothing, and large noise flips digits", () => {
    const c = circuitFromPhaseTable(onnTable(), "onn");
    const cases = 256;
    const inputs = new Float64Array(cases * 4);
    for (let i = 0; i < cases; i++) for (let k = 0; k < 4; k++) inputs[i * 4 + k] = (i >> (2 * k)) & 3;
    const ideal = compileCircuit(c).run(inputs, cases).digits;
    expect([...compileCircuit(c, { detectorNoise: 0, seed: 3 }).run(inputs, cases).digits]).toEqual([...ideal]);
    const n1 = compileCircuit(c, { detectorNoise: 1, seed: 3 }).run(inputs, cases).digits;
    const n2 = compileCircuit(c, { detectorNoise: 1, seed: 3 }).run(inputs, cases).digits;
    expect([...n1]).toEqual([...n2]);
    const flips = n1.reduce((s, v, i) => s + (v !== ideal[i] ? 1 : 0), 0);
    expect(flips).toBeGreaterThan(20);
  });

  it("detector noise is drawn mode by mode over every case of a run, whatever the block size (the documented order)", () => {
    const c = circuitFromPhaseTable(onnTable(), "onn");
    const cases = 1300; // more than one block of the batch engine
    const inputs = new Float64Array(cases * 4);
    for (let i = 0; i < cases; i++) for (let k = 0; k < 4; k++) inputs[i * 4 + k] = ((i * 13) >> (2 * k)) & 3;
    const clean = compileCircuit(c).run(inputs, cases);
    const det = c.netlists[c.top]!.instances.detector!.settings;
    const { step, offset } = detectorThresholds(det, clean.width);
    const rng = createRng(5 * 1000003 + 2 * 2 + 2);
    const want = new Int32Array(cases * clean.width);
    for (let k = 0; k < clean.width; k++)
      for (let i = 0; i < cases; i++)
        want[i * clean.width + k] = detectDigit(
          clean.fields.re[i * clean.width + k]! + 0.7 * step[k]! * rng.normal(),
          step[k]!,
          offset[k]!,
          det.levels as number,
        );
    const noisy = compileCircuit(c, { detectorNoise: 0.7, seed: 5, trial: 2 }).run(inputs, cases);
    expect(Array.from(noisy.fields.re)).toEqual(Array.from(clean.fields.re));
    expect(Array.from(noisy.digits)).toEqual(Array.from(want));
  });

  it("rejects invalid non-idealities with a clear message", () => {
    expect(() => compileCircuit(mesh, { phaseNoise: -1 })).toThrow(/phaseNoise must be a finite number ≥ 0/);
    expect(() => compileCircuit(mesh, { dacBits: 0.5 })).toThrow(/dacBits/);
  });
});
