// Monte-Carlo tolerance on small exact circuits: the monotonicity the bisection assumes, the
// search against a dense scan, agreement with `optinc verify` on the same dies, physical copies,
// and detector noise (closed form per trial, exact yield, and verify's own draws).
import { describe, expect, it } from "vitest";
import { verifyCircuit, type VerifyOptions } from "../../../verify/circuit/run.ts";
import { AXES, technologyAxis, type AxisDef } from "../../../verify/tolerance/axes.ts";
import { noiseYield, type DecisionSet } from "../../../verify/tolerance/decisions.ts";
import { monteCarloAxis, monteCarloDac, monteCarloDetector } from "../../../verify/tolerance/monte-carlo.ts";
import { baseMargins, copyShape, evaluateCopy, trialCritical } from "../../../verify/tolerance/trial.ts";
import { technologyPreset } from "../../../dsl/technology-presets.ts";
import { technologyOf } from "../../../dsl/technology.ts";
import { drawDieShape, realizeDie } from "../../../netlist/die/die.ts";
import { tinyCircuit } from "../circuit/tiny-pipeline.ts";
import { dieExact, threeWorkerCircuit, tinyDesign } from "./helpers.ts";

const search = { rtol: 0.02, maxEvaluations: 40 };
const foundry = technologyAxis(technologyOf(technologyPreset("foundry")!));
const circuits = [
  ["tiny", tinyCircuit()],
  ["three-worker", threeWorkerCircuit()],
] as const;

describe("exactness is monotone along a die's scaling ray (the bisection's assumption)", () => {
  for (const [name, circuit] of circuits) {
    it(`${name}: dense scans of 6 dies × 4 axes × both receivers`, () => {
      const design = tinyDesign(circuit);
      const u = design.units[0]!;
      let scanned = 0;
      for (const axis of [AXES.couplerImbalance, AXES.phaseError, AXES.mziLoss, foundry] as AxisDef[]) {
        for (const receiver of ["fitted", "thresholds"] as const) {
          const base = baseMargins(design, axis, receiver);
          for (let t = 0; t < (axis.random ? 6 : 1); t++) {
            const shape = copyShape(u, design.seed, 0, t, axis.point(1).detectorNoise > 0);
            const b = trialCritical(design, axis, base, t, { ...search, receiver });
            // 80 levels log-spaced over four decades around the critical level.
            const c = b.lo > 0 ? b.lo : axis.min;
            const levels = Array.from({ length: 80 }, (_, i) => c * 10 ** (-2 + (4 * i) / 79)).filter((s) => s <= axis.max);
            const exact = levels.map((s) => evaluateCopy(u, shape.die, shape.noise, axis.point(s), receiver).exact);
            // Monotone up to a flicker at the edge: the fitted receiver on a die with per-arm loss
            // spread (three-worker, technology trial 3) fails at 1.84×, passes at 2.06× and fails
            // from 2.32× on. Nothing is exact beyond 1.5× the first failure.
            const firstFail = exact.indexOf(false);
            if (firstFail >= 0)
              expect(
                levels.some((s, i) => exact[i] && s > 1.5 * levels[firstFail]!),
                `${axis.name} trial ${t} receiver ${receiver}: exact again above a failure`,
              ).toBe(false);
            // The search's bracket agrees with the scan.
            levels.forEach((s, i) => {
              if (s <= b.lo) expect(exact[i], `${axis.name} t${t} ${s} ≤ lo ${b.lo}`).toBe(true);
              if (s >= 1.5 * b.hi) expect(exact[i], `${axis.name} t${t} ${s} ≥ 1.5·hi ${b.hi}`).toBe(false);
            });
            scanned += levels.length;
          }
        }
      }
      expect(scanned).toBeGreaterThan(2000);
    });
  }
});

describe("one die's verdict", () => {
  it("the raw receiver's hardest-first early exit decides like a full pass through the simulator's own die path", () => {
    const design = tinyDesign(threeWorkerCircuit());
    const u = design.units[0]!;
    expect(Array.from(u.hardFirst.cases).sort((a, b) => a - b)).toEqual(Array.from({ length: u.set.cases }, (_, c) => c));
    let agree = 0;
    let failing = 0;
    for (let t = 0; t < 8; t++) {
      const shape = copyShape(u, 1, 0, t, false);
      for (const s of [1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]) {
        const point = AXES.couplerImbalance.point(s);
        const mine = evaluateCopy(u, shape.die, null, point, "thresholds");
        // The judge draws the same die on the netlist path (a map of leaf errors), not the arrays.
        const die = realizeDie(drawDieShape(u.circuit, u.streamSeed(1, 0), t, u.programs.parts), point.levels, "x");
        expect(mine.exact, `trial ${t} level ${s}`).toBe(dieExact(u, die, null, "thresholds"));
        expect(mine.margins === null).toBe(!mine.exact);
        if (!mine.exact) failing++;
        agree++;
      }
    }
    expect(agree).toBe(48);
    expect(failing).toBeGreaterThan(5);
    expect(failing).toBeLessThan(43);
  });
});

describe("the same dies as optinc verify", () => {
  const circuit = tinyCircuit();
  const design = tinyDesign(circuit);
  const opts: VerifyOptions = {
    nonIdealities: {},
    trials: 6,
    seed: 1,
    minExact: 1,
    minYield: 0,
    maxCases: 1e6,
    rounding: "nearest-even",
    preprocess: false,
    receiver: "fitted",
  };

  it("each trial's critical coupler imbalance and phase error: verify's trial t is exact just below and fails just above", () => {
    for (const [axis, key] of [
      [AXES.couplerImbalance, "splitterImbalance"],
      [AXES.phaseError, "phaseNoise"],
    ] as const) {
      const r = monteCarloAxis(design, axis, { ...search, trials: 6, receiver: "fitted", yieldTarget: 0.99, confidence: 0.95 });
      const below = verifyCircuit(circuit, { ...opts, nonIdealities: { [key]: 0 } });
      expect(below.trials).toBeNull();
      for (let t = 0; t < 6; t++) {
        const lo = r.critical[t]!;
        const hi = r.failing[t]!;
        expect(hi / lo).toBeLessThanOrEqual(1.02 + 1e-12);
        const at = (level: number) => verifyCircuit(circuit, { ...opts, nonIdealities: { [key]: level } }).trials!.exactPerTrial[t];
        expect(at(lo), `${axis.name} trial ${t} at ${lo}`).toBe(1);
        expect(at(hi), `${axis.name} trial ${t} at ${hi}`).toBeLessThan(1);
      }
    }
  });

  it("detector noise: the closed-form critical σ of trial t splits verify's trial t", () => {
    const r = monteCarloDetector(design, { ...search, trials: 8, receiver: "fitted", yieldTarget: 0.99, confidence: 0.95 });
    for (let t = 0; t < 8; t++) {
      const c = r.critical[t]!;
      const at = (sigma: number) =>
        verifyCircuit(circuit, { ...opts, trials: 8, nonIdealities: { detectorNoise: sigma } }).trials!.exactPerTrial[t];
      expect(at(c * 0.999)).toBe(1);
      expect(at(c * 1.001)).toBeLessThan(1);
    }
  });

  it("DAC bits: exact at the reported resolution and not one bit below (the simulator's own DAC)", () => {
    const { bits } = monteCarloDac(design, "fitted");
    expect(bits).not.toBeNull();
    const u = design.units[0]!;
    expect(dieExact(u, null, bits!, "fitted")).toBe(true);
    expect(dieExact(u, null, bits! - 1, "fitted")).toBe(false);
  });
});

describe("detector noise yield", () => {
  it("the exact yield at the reported σ is 99 %, and the per-trial critical σ agree with it", () => {
    const design = tinyDesign(threeWorkerCircuit());
    const r = monteCarloDetector(design, { ...search, trials: 4000, receiver: "fitted", yieldTarget: 0.99, confidence: 0.95 });
    const u = design.units[0]!;
    const set: DecisionSet = {
      u: u.idealRe.map((v, i) => (v - u.detector.offset[i % u.width]!) / u.detector.step[i % u.width]!),
      digits: u.reference,
      levels: u.detector.levels,
    };
    expect(noiseYield([set], r.analytic)).toBeGreaterThanOrEqual(0.99);
    expect(noiseYield([set], r.analytic * 1.001)).toBeLessThan(0.99);
    // Empirical share of trials whose critical σ exceeds the exact 99 % σ: 0.99 ± 3 sd (sd ≈ 0.0016).
    const share = r.critical.filter((c) => c >= r.analytic).length / r.trials;
    expect(Math.abs(share - 0.99)).toBeLessThan(0.005);
  });
});

describe("a chip of several copies", () => {
  it("is exact only when every copy is: its critical level is the smallest of its copies'", () => {
    const circuit = tinyCircuit();
    const one = tinyDesign(circuit, 1);
    const three = tinyDesign(circuit, 3);
    const o = { ...search, receiver: "fitted" as const };
    for (let t = 0; t < 4; t++) {
      const a = trialCritical(one, AXES.couplerImbalance, baseMargins(one, AXES.couplerImbalance, "fitted"), t, o);
      const b = trialCritical(three, AXES.couplerImbalance, baseMargins(three, AXES.couplerImbalance, "fitted"), t, o);
      // Copy 0 is the same die in both designs, so three copies can only do worse.
      expect(b.lo).toBeLessThanOrEqual(a.hi);
      const u = three.units[0]!;
      const copies = [0, 1, 2].map((c) => copyShape(u, three.seed, c, t, false));
      const at = (s: number) => copies.map((c) => evaluateCopy(u, c.die, null, AXES.couplerImbalance.point(s), "fitted").exact);
      expect(at(b.lo).every(Boolean)).toBe(true);
      expect(at(b.hi).some((e) => !e)).toBe(true);
    }
  });
});

describe("the technology axis", () => {
  it("scales the random levels and the loss spread, never the nominal MZI loss the biases are set for or track", () => {
    const t = technologyOf(technologyPreset("calibrated")!);
    const axis = technologyAxis(t, true);
    for (const s of [1e-5, 0.1, 1, 3]) {
      const p = axis.point(s);
      expect(p.levels.mziLossDb).toBe(t.mziLossDb);
      expect(p.levels.lossSpreadDb).toBe(s * t.lossSpreadDb!);
      expect(p.levels.phaseNoise).toBe(s * t.phaseNoise);
    }
    expect(axis.max).toBeLessThanOrEqual(10 / t.lossSpreadDb!);
  });
});
