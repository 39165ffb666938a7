// trees = mzi: the splitter and combiner trees as MZIs (compiler/onn/to-phase-table.ts). The same
// network maps to the same function with either kind of tree (checked through the emitted netlist),
// the hardware report counts the tree MZIs, and on a die with tree imbalance calibration trims the
// MZI trees exact where fixed trees stay off.
import { describe, expect, it } from "vitest";
import { haarOrthogonal } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { calibrateCircuit } from "../../compiler/calibrate/circuit.ts";
import { matrixResidual } from "../../compiler/calibrate/residual.ts";
import { calibratedCircuit } from "../../compiler/calibrate/writeback.ts";
import { tilePlan, writeLayer, type Tile } from "../../compiler/onn/sigma-u.ts";
import { mapNetwork } from "../../compiler/onn/to-phase-table.ts";
import { initMlp } from "../../compiler/onn/train.ts";
import { drawDie, type Die } from "../../netlist/die/die.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import type { Circuit, PhaseStage } from "../../netlist/ir.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { stagesTable } from "./fixtures.ts";
import { emittedHardware, sigmaUCouplers } from "../../compiler/onn/hardware.ts";
import { circuitInventory } from "../../netlist/inventory.ts";

function network(trees: "fixed" | "mzi") {
  const rng = createRng(5);
  const net = initMlp([2, 10, 2], "relu", 0, rng);
  const segs = [2, 2];
  const plans = net.layers.map((l, i) => tilePlan(l.out, l.in + 1, segs[i]!));
  const tiles = plans.map((p, i) => {
    const ts: Tile[] = [];
    for (let t = 0; t < p.R * p.C; t++)
      ts.push({ d: Float64Array.from({ length: p.s }, () => 0.3 + rng.next()), u: Float64Array.from(haarOrthogonal(p.s, rng).re) });
    writeLayer(net.layers[i]!.w, p, ts);
    return ts;
  });
  return mapNetwork(
    net,
    plans,
    tiles,
    { workers: 3, inDigits: 2, outDigits: 2, levels: 4, maxSum: 9 },
    { mesh: "clements", preprocess: true, trees },
  );
}

/** The linear stages of a mapped network (with their bias sources) as a circuit, read back from its emitted netlist.json. */
function stagesCircuit(trees: "fixed" | "mzi"): Circuit {
  const stages = network(trees).pipeline.filter((s): s is PhaseStage => "elements" in s);
  return readNetlistJson(writeNetlistJson(circuitFromPhaseTable(stagesTable(...stages), "chip")));
}

describe("trees = mzi", () => {
  it("realizes the same stage matrices as fixed trees, with one MZI per tree coupler", () => {
    const fixed = stagesCircuit("fixed");
    const mzi = stagesCircuit("mzi");
    const a = compileCircuit(fixed).stageMatrices;
    const b = compileCircuit(mzi).stageMatrices;
    expect(b.length).toBe(3);
    for (let i = 0; i < a.length; i++) {
      const r = matrixResidual(b[i]!.matrix, a[i]!.matrix);
      expect(r.residual).toBeLessThan(1e-13);
      expect(Math.hypot(r.lambda[0] - 1, r.lambda[1])).toBeLessThan(1e-13);
    }
    const m = network("mzi");
    const f = network("fixed");
    const couplers = (p: typeof m) =>
      p.pipeline.flatMap((s) => ("elements" in s ? s.elements.filter((e) => e.kind === "coupler") : [])).length;
    const crossings = f.pipeline.flatMap((s) =>
      "elements" in s ? s.elements.filter((e) => e.kind === "coupler" && e.coupling === 1) : [],
    ).length;
    expect(couplers(m)).toBe(0);
    expect(m.treeMzis).toBe(couplers(f) - crossings);
    expect(f.treeMzis).toBe(0);
    // The segment part matches the hardware model's fixed-coupler count: layer 1 is 10 × 3 at s = 2, layer 2 is 2 × 11.
    const preprocess = f.pipeline[1]!;
    expect(couplers(f) - ("elements" in preprocess ? preprocess.elements.filter((e) => e.kind === "coupler").length : 0)).toBe(
      sigmaUCouplers(10, 3, 2) + sigmaUCouplers(2, 11, 2),
    );
  });

  it("the emitted netlist marks tree MZIs, and the inventory counts them apart from the mesh", () => {
    const fixed = circuitInventory(stagesCircuit("fixed"));
    const mzi = circuitInventory(stagesCircuit("mzi"));
    const sum = (inv: typeof fixed, f: (s: (typeof fixed)["stages"][number]) => number) => inv.stages.reduce((a, s) => a + f(s), 0);
    expect(sum(mzi, (s) => s.treeMzis)).toBe(network("mzi").treeMzis);
    expect(sum(fixed, (s) => s.treeMzis)).toBe(0);
    // Mesh MZIs and attenuators are the same either way; only the trees changed kind.
    expect(mzi.stages.map((s) => s.mzis - s.treeMzis)).toEqual(fixed.stages.map((s) => s.mzis));
    const hw = emittedHardware(mzi);
    expect(hw.treeMzi).toBe(network("mzi").treeMzis);
    expect(hw.mzi).toBe(emittedHardware(fixed).mzi);
  });

  it("on a die with ±2 % tree couplers, calibration trims MZI trees exact where fixed trees stay off", () => {
    const worst = (c: Circuit, cal: Circuit, die: Die) => {
      const ideal = compileCircuit(c).stageMatrices;
      const real = compileCircuit(cal, { die }).stageMatrices;
      return Math.max(...ideal.map((s, i) => matrixResidual(real[i]!.matrix, s.matrix).residual));
    };
    for (const trees of ["fixed", "mzi"] as const) {
      const c = stagesCircuit(trees);
      // Errors on the splits and merges of the trees only: ±2 % on every fixed tree coupler, or on
      // both couplers of a tree MZI (mesh cells and the crossings that re-order outputs stay ideal).
      const all = drawDie(c, { splitterImbalance: 0.02, phaseNoise: 0.01 }, 3, 0);
      const die: Die = { id: "trees", leaves: new Map() };
      const tree = new Set<string>();
      for (const st of network(trees).pipeline) {
        if (!("elements" in st)) continue;
        for (const e of st.elements) {
          const crossing = e.kind === "coupler" && e.coupling === 1;
          const treeEl = e.kind === "coupler" || (e.kind === "mzi" && (e.modes[1] !== e.modes[0] + 1 || st.name === "preprocess"));
          if (treeEl && !crossing) tree.add(`${st.name}/e${e.index}`);
        }
      }
      for (const [path, e] of all.leaves) if (tree.has(path.replace(/_(phi|bsA|theta|ref|bsB)$/, ""))) die.leaves.set(path, e);
      expect(die.leaves.size).toBeGreaterThan(20);
      expect(worst(c, c, die)).toBeGreaterThan(1e-3);
      const cal = calibrateCircuit(c, die, { dacBits: null });
      const after = worst(c, calibratedCircuit(c, cal), die);
      if (trees === "mzi") {
        expect(cal.issues).toEqual([]);
        expect(after).toBeLessThan(1e-9);
      } else {
        expect(cal.issues.some((i) => i.kind === "uncompensable")).toBe(true);
        expect(after).toBeGreaterThan(1e-3);
      }
    }
  });

  it("reads the outputs where the fan-in trees end instead of crossing them over", () => {
    const m = network("mzi").pipeline.find((s) => s.name === "layer1") as PhaseStage;
    const f = network("fixed").pipeline.find((s) => s.name === "layer1") as PhaseStage;
    // Layer 1 is 10 × 3 at s = 2: C = 2 column groups, so fixed trees need crossings for rows 2..9.
    expect(f.elements.filter((e) => e.kind === "coupler" && e.coupling === 1).length).toBe(8);
    expect(f.outputModes).toBeUndefined();
    expect(m.outputModes).toEqual([0, 1, 4, 5, 8, 9, 12, 13, 16, 17]);
    expect(m.elements.some((e) => e.kind === "mzi" && e.theta === 0)).toBe(false);
  });
});
