// One digit cell as a phase-table pipeline: PAM sources for its ports, the cell network's layers as
// sparse passive stages (compiler/cells/sparse-stage.ts), ReLU activations, and a PAM-L detector.
// Every stage is passive; because ReLU(a·z) = a·ReLU(z) for a > 0, each stage's physical output is
// its layer's values times a known scale, the next stage's bias source is sized to that scale, and
// the detector's step is the last scale: one output unit = one detector step.
import type { Cell } from "../../aggregate/digit-chip.ts";
import type { DetectorStep, PhaseTable, PipelineStep, SourceStep } from "../../netlist/ir.ts";
import { buildPhaseTable } from "../../netlist/formats/phase-table.ts";
import { cellNetwork, type CellNetwork } from "./cell-network.ts";
import { balanceScales } from "./balance.ts";
import { sparseLayout, sparseStage } from "./sparse-stage.ts";

export interface CellCircuitOptions {
  levels: number;
  /** Largest attenuator transmission (headroom for calibration). */
  headroom: number;
  form?: "steps" | "slope";
  /**
   * Nominal insertion loss per MZI (dB). Every path through a stage meets exactly one MZI, so a
   * signal entering stage l has lost a^l (a = 10^(−dB/20)) more than that stage's fresh bias: the
   * bias sources and the detector step are scaled to match.
   */
  mziLossDb?: number;
}

export interface CellCircuit {
  network: CellNetwork;
  table: PhaseTable;
}

export function cellCircuit(cell: Cell, opts: CellCircuitOptions): CellCircuit {
  const network = cellNetwork(cell, { form: opts.form ?? "steps" });
  const L = opts.levels;
  const perLevel = 1 / (L - 1);
  const source: SourceStep = {
    name: "source",
    role: "source",
    workers: 1,
    digits: cell.ports.length,
    levels: L,
    amplitudePerLevel: perLevel,
  };
  const pipeline: PipelineStep[] = [source];
  const layouts = network.layers.map((layer) => sparseLayout(layer.name, layer.weights));
  const scales = balanceScales(layouts, perLevel, opts.headroom, network.layers);
  const a = 10 ** (-(opts.mziLossDb ?? 0) / 20);
  network.layers.forEach((layer, i) => {
    pipeline.push(sparseStage(layouts[i]!, { ...scales[i]!, biasSource: scales[i]!.biasAmplitude * a ** i }));
    if (layer.relu)
      pipeline.push({ name: `${layer.name}_relu`, role: "activation", function: "relu", params: {}, modes: layer.weights.length });
  });
  const step = scales[scales.length - 1]!.rowScale[0]! * a ** network.layers.length;
  const detector: DetectorStep = { name: "detector", role: "detector", levels: L, step, offset: 0, modes: cell.outputs.length };
  pipeline.push(detector);
  return { network, table: buildPhaseTable(pipeline) };
}
