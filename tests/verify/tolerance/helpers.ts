// Shared pieces of the tolerance tests: small exact designs, and an independent judge of one die
// that goes through the simulator's own path (compileCircuit with an explicit die), not through
// verify/tolerance's compiled programs.
import { fromReal } from "../../../math/cmat.ts";
import { createRng } from "../../../math/rng.ts";
import { decomposeMatrix } from "../../../compiler/mesh/decompose.ts";
import { circuitFromPhaseTable } from "../../../netlist/formats/from-phase-table.ts";
import { linearParts, leafPath, type Die, type LeafError } from "../../../netlist/die/die.ts";
import { MZI_CONVENTION, type Circuit, type PhaseTable } from "../../../netlist/ir.ts";
import { detectDigit } from "../../../netlist/models.ts";
import { compileCircuit } from "../../../netlist/sim/simulate.ts";
import { fitReceiver, type ReceiverMode } from "../../../verify/circuit/receiver.ts";
import { prepareDesign, simulateSet, type Design, type DesignUnit } from "../../../verify/tolerance/design.ts";
import { tinyCircuit } from "../circuit/tiny-pipeline.ts";

export function tinyDesign(circuit: Circuit = tinyCircuit(), instances = 1, seed = 1): Design {
  return prepareDesign([{ name: "tiny", circuit, instances, rounding: "nearest-even", preprocess: false, maxCases: 1e6 }], seed);
}

/**
 * A second small exact aggregator, built like tiny-pipeline.ts: 3 workers, 2-bit values sent as one
 * PAM-4 digit, nearest-even. With S = Σ v ∈ 0..9 the output code steps at S = 2, 5 and 8, so
 *   code = Σ_{t ∈ {2,5,8}} relu(S − t + 1) − relu(S − t)        (= [S ≥ t] for integer S)
 * (verify checks it against the golden average: the test of this file asserts it is exact).
 */
export function threeWorkerCircuit(mesh: "clements" | "reck" = "clements"): Circuit {
  const ts = [1, 2, 4, 5, 7, 8];
  const w1 = ts.map((t) => [1, 1, 1, -t]);
  const out = [[1, -1, 1, -1, 1, -1]];
  const layer1 = { ...decomposeMatrix(fromReal(w1), { mesh, name: "layer1" }), biasInput: 1 };
  const layer2 = decomposeMatrix(fromReal(out), { mesh, name: "layer2" });
  const table: PhaseTable = {
    format: "optinc.phases/1",
    convention: { name: MZI_CONVENTION, mzi: "see docs/reference/conventions.md", coupler: "[[t, ik], [ik, t]]", phaseRange: "[0, 2π)" },
    pipeline: [
      { name: "source", role: "source", workers: 3, digits: 1, levels: 4, amplitudePerLevel: 1 },
      layer1,
      { name: "act1", role: "activation", function: "relu", params: {}, modes: 6 },
      layer2,
      { name: "detector", role: "detector", levels: 4, step: 1, offset: 0, modes: 1 },
    ],
  };
  return circuitFromPhaseTable(table, "three");
}

/** Every leaf of a circuit's linear parts by kind, with its die address. */
export function leaves(circuit: Circuit): { couplers: string[]; phases: string[]; arms: string[] } {
  const out = { couplers: [] as string[], phases: [] as string[], arms: [] as string[] };
  for (const part of linearParts(circuit)) {
    for (const [leaf, inst] of Object.entries(part.flat.instances)) {
      const p = leafPath(part.name, leaf);
      if (inst.component === "coupler") out.couplers.push(p);
      if (inst.component === "phase") out.phases.push(p);
      const arm = inst.settings.arm;
      if ((inst.component === "phase" || inst.component === "waveguide") && (arm === "top" || arm === "bottom")) out.arms.push(p);
    }
  }
  return out;
}

/**
 * A die inside the box |Δk| ≤ coupler, |Δφ| ≤ phase, loss ∈ [0, loss] per arm: uniform inside
 * (corners = false) or at a random corner of every element (corners = true).
 */
export function boxDie(circuit: Circuit, box: { coupler: number; phase: number; loss: number }, seed: number, corners: boolean): Die {
  const rng = createRng(seed);
  const pick = (h: number) => (corners ? (rng.next() < 0.5 ? -h : h) : (2 * rng.next() - 1) * h);
  const l = leaves(circuit);
  const map = new Map<string, LeafError>();
  const at = (p: string) => map.get(p) ?? (map.set(p, {}), map.get(p)!);
  if (box.coupler) for (const p of l.couplers) at(p).dCoupling = pick(box.coupler);
  if (box.phase) for (const p of l.phases) at(p).dPhi = pick(box.phase);
  if (box.loss) for (const p of l.arms) at(p).lossDb = corners ? (rng.next() < 0.5 ? 0 : box.loss) : rng.next() * box.loss;
  return { id: `box ${seed}`, leaves: map };
}

/** Is every case of the unit decided right on this die (the simulator's path, verify's receiver)? */
export function dieExact(unit: DesignUnit, die: Die | null, dacBits: number | null, receiver: ReceiverMode): boolean {
  const measured = simulateSet(compileCircuit(unit.circuit, { die, dacBits }), unit.set, unit.format).re;
  const n = unit.set.cases;
  const w = unit.width;
  const rx = receiver === "fitted" ? fitReceiver(measured, unit.idealRe, n, w) : null;
  const { step, offset, levels } = unit.detector;
  for (let i = 0; i < n * w; i++) {
    const k = i % w;
    const v = rx ? rx.gain[k]! * measured[i]! + rx.offset[k]! : measured[i]!;
    if (detectDigit(v, step[k]!, offset[k]!, levels) !== unit.reference[i]) return false;
  }
  return true;
}
