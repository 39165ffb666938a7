// Calibration of whole circuits for a die with known errors, checked independently: the calibrated
// netlist is simulated on the die by the project's simulator (netlist/sim/simulate.ts), and its stage
// matrices are compared with the design's, up to the one scale calibration leaves per stage.
import { describe, expect, it } from "vitest";
import { calibrateCircuit } from "../../compiler/calibrate/circuit.ts";
import { matrixResidual } from "../../compiler/calibrate/residual.ts";
import { calibratedCircuit, calibratedPhaseTable } from "../../compiler/calibrate/writeback.ts";
import { drawDie, leafPath, type Die } from "../../netlist/die/die.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { calibrate } from "../../pipeline/calibrate/measured-die.ts";
import { verifyCircuit } from "../../verify/circuit/run.ts";
import { tinyCircuit, tinyPhaseTable } from "../verify/circuit/tiny-pipeline.ts";
import { correctableDie, fanInStage, fanOutStage, stagesTable } from "./fixtures.ts";

/** Largest residual over the stages of `calibrated` simulated on the die, against the design. */
function worstResidual(design: Circuit, calibrated: Circuit, die: Die, dacBits: number | null = null): number {
  const ideal = compileCircuit(design).stageMatrices;
  const real = compileCircuit(calibrated, { die, dacBits }).stageMatrices;
  return Math.max(...ideal.map((s, i) => matrixResidual(real[i]!.matrix, s.matrix).residual));
}

const VERIFY = { seed: 1, minExact: 1, maxCases: 1000, rounding: "nearest-even" as const, preprocess: false };

describe("calibration recovers the designed stage matrices where the errors are correctable", () => {
  const circuit = tinyCircuit();
  const table = tinyPhaseTable();

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`tiny pipeline, die ${seed}: couplers ±3 %, offsets σ 50 mrad, gains +3 %, attenuator loss, detector gain and offset`, () => {
      const die = correctableDie(circuit, seed);
      const before = worstResidual(circuit, circuit, die);
      const cal = calibrateCircuit(circuit, die, { dacBits: null });
      expect(cal.issues).toEqual([]);
      const fixed = calibratedCircuit(circuit, cal);
      expect(before).toBeGreaterThan(1e-2);
      expect(worstResidual(circuit, fixed, die)).toBeLessThan(1e-9);
      // The phase-table route writes the same program as the netlist route.
      const viaTable = circuitFromPhaseTable(calibratedPhaseTable(table, circuit, cal), circuit.name);
      expect(worstResidual(circuit, viaTable, die)).toBeLessThan(1e-9);
      // The whole chip decides like the design: bias sources and detector thresholds carry the scales.
      const r = verifyCircuit(viaTable, {
        ...VERIFY,
        nonIdealities: {},
        trials: 0,
        minYield: 0,
        measured: { die, dacBits: null, receiver: "thresholds" },
      });
      expect(r.nominal.exactFraction).toBe(1);
      const was = verifyCircuit(circuit, {
        ...VERIFY,
        nonIdealities: {},
        trials: 0,
        minYield: 0,
        measured: { die, dacBits: null, receiver: "thresholds" },
      });
      expect(was.nominal.exactFraction).toBeLessThan(1);
    });
  }

  it("with a 12-bit DAC, what remains is the DAC's grid", () => {
    const die = correctableDie(circuit, 9);
    const cal = calibrateCircuit(circuit, die, { dacBits: 12 });
    const fixed = calibratedCircuit(circuit, cal);
    const dac = Math.max(...cal.parts.map((p) => p.dacError));
    expect(dac).toBeGreaterThan(0);
    expect(dac).toBeLessThanOrEqual((1.03 * Math.PI) / 4096 + 1e-12);
    const r = worstResidual(circuit, fixed, die, 12);
    expect(r).toBeLessThan(1e-2);
    expect(r).toBeGreaterThan(1e-9);
  });
});

describe("fixed trees", () => {
  const treeDie = (c: Circuit, seed: number, couplerError: number): Die => {
    const die = correctableDie(c, seed);
    // Every fixed coupler of the tree is off by ±couplerError.
    const top = c.netlists[c.top]!;
    for (const part of Object.keys(top.instances)) {
      const sub = c.netlists[top.instances[part]!.component];
      if (!sub) continue;
      let k = 0;
      for (const [leaf, inst] of Object.entries(sub.instances)) {
        if (inst.component === "coupler" && /^e\d+$/.test(leaf))
          die.leaves.set(leafPath(part, leaf), { dCoupling: (k++ % 2 ? 1 : -1) * couplerError });
      }
    }
    return die;
  };

  it("fan-in imbalance goes into the attenuators before the tree", () => {
    const c = circuitFromPhaseTable(
      stagesTable(
        fanInStage([
          [0.6, 0],
          [0.3, 0.2],
          [0.8, 0],
          [0.45, -0.1],
        ]),
      ),
      "chip",
    );
    const die = treeDie(c, 3, 0.02);
    expect(worstResidual(c, c, die)).toBeGreaterThan(1e-2);
    const cal = calibrateCircuit(c, die, { dacBits: null });
    expect(cal.issues).toEqual([]);
    expect(worstResidual(c, calibratedCircuit(c, cal), die)).toBeLessThan(1e-9);
  });

  it("fan-out imbalance goes into per-branch attenuators", () => {
    const c = circuitFromPhaseTable(stagesTable(fanOutStage(4, true)), "chip");
    const die = treeDie(c, 4, 0.02);
    expect(worstResidual(c, c, die)).toBeGreaterThan(1e-2);
    const cal = calibrateCircuit(c, die, { dacBits: null });
    expect(cal.issues).toEqual([]);
    expect(worstResidual(c, calibratedCircuit(c, cal), die)).toBeLessThan(1e-9);
  });

  it("fan-out with nothing programmable behind it is reported, coupler by coupler", () => {
    const c = circuitFromPhaseTable(stagesTable(fanOutStage(4, false)), "chip");
    const die = treeDie(c, 5, 0.02);
    const cal = calibrateCircuit(c, die, { dacBits: null });
    const bad = cal.issues.filter((i) => i.kind === "uncompensable");
    expect(bad.map((i) => i.element).sort()).toEqual(["fanout/e0", "fanout/e2", "fanout/e4"]);
    for (const i of bad) expect(i.miss).toBeGreaterThan(1e-3);
    expect(worstResidual(c, calibratedCircuit(c, cal), die)).toBeGreaterThan(1e-3);
  });
});

describe("calibration never makes a die worse", () => {
  it("on 20 foundry dies of the tiny pipeline, the written program decodes at least as many cases exactly as the original", () => {
    const circuit = tinyCircuit();
    for (let trial = 0; trial < 20; trial++) {
      const die = { ...drawDie(circuit, { splitterImbalance: 0.02, phaseNoise: 0.01, mziLossDb: 0.1 }, 7, trial), dacBits: 12 };
      const r = calibrate({ name: "tiny", circuit, table: tinyPhaseTable(), die, dacBits: 12, tolerance: 1e-6, verify: VERIFY });
      expect(r.after!.exact).toBeGreaterThanOrEqual(r.before!.exact);
      // The original program is kept exactly when the calibrated one decodes fewer cases exactly.
      expect(r.program === "original").toBe(r.calibrated!.exact < r.before!.exact);
      // The claim holds for the files written: read the netlist back and simulate it on the die.
      const written = readNetlistJson(r.files.get("tiny.netlist.json")!);
      expect(written.info.calibrated_for).toBe(die.id);
      const again = verifyCircuit(written, {
        ...VERIFY,
        nonIdealities: {},
        trials: 0,
        minYield: 0,
        measured: { die, dacBits: 12, receiver: "thresholds" },
      });
      expect(again.nominal.exact).toBe(r.after!.exact);
    }
  });
});
