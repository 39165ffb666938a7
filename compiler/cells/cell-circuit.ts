// One digit cell as a phase-table pipeline: PAM sources for its ports, the cell network's layers as
// sparse passive stages (compiler/cells/sparse-stage.ts), ReLU activations, and a PAM-L detector.
// Every stage is passive; because ReLU(a·z) = a·ReLU(z) for a > 0, each stage's physical output is
// its layer's values times a known scale, and the detector's step is the last scale: one output
// unit = one detector step.
//
// Loss-tracking biases (the default): one constant source feeds the first stage, and every stage
// carries the constant on to the next as one more row (a replica, [0 … 0 1]) that crosses the same
// MZIs as the signal and becomes the next stage's bias input. The last stage's extra row is the
// detector's reference: the detector decodes each output relative to it (ratiometric). Every path
// through a stage meets exactly one MZI, so a uniform insertion loss scales signal, biases and
// reference alike and the cell decodes exactly at any loss per MZI: no decision depends on it.
// The "prescaled" form (fresh bias sources pre-scaled by a^l for one design loss, an absolute
// detector step) is exact at that loss only; it is kept for comparison (tests/cells).
import type { Cell } from "../../aggregate/digit-chip.ts";
import type { DetectorStep, PhaseTable, PipelineStep, SourceStep } from "../../netlist/ir.ts";
import { buildPhaseTable } from "../../netlist/formats/phase-table.ts";
import { cellNetwork, type CellLayer, type CellNetwork } from "./cell-network.ts";
import { balanceScales, type LayerBudget } from "./balance.ts";
import { entrySigma, sparseLayout, sparseStage } from "./sparse-stage.ts";

export type BiasForm = "tracking" | "prescaled";

export interface CellCircuitOptions {
  levels: number;
  /** Largest attenuator transmission (headroom for calibration). */
  headroom: number;
  form?: "steps" | "slope";
  /** "tracking" (default): the constant is carried through the stages; "prescaled": fresh sources for one loss. */
  biases?: BiasForm;
  /**
   * Nominal insertion loss per MZI (dB), for the "prescaled" form only: a signal entering stage l
   * has lost a^l (a = 10^(−dB/20)) more than that stage's fresh bias, so the bias sources and the
   * detector step are scaled to match. Loss-tracking cells need no design loss.
   */
  mziLossDb?: number;
  /**
   * Regenerating activations with a gain per mode: every layer after the first reads its inputs at
   * full scale (balance.ts), so each stage is balanced on its own. Loss-tracking cells only.
   */
  regenerate?: boolean;
  /** Every activation a homodyne read (`ActivationStep.read`): the cell is built under a light budget. */
  homodyne?: boolean;
}

export interface CellCircuit {
  network: CellNetwork;
  table: PhaseTable;
}

/** Extra rows of the tracking form: the replica [0 … 0 1] each layer appends, with its error budget. */
function trackedLayers(layers: CellLayer[], levels: number): { weights: number[][][]; budgets: LayerBudget[] } {
  const weights = layers.map((layer) => [...layer.weights, [...new Array<number>(layer.weights[0]!.length - 1).fill(0), 1]]);
  // Each replica's margin, last layer first: the reference's relative error scales every decoded
  // output (at most levels − 1 steps); an earlier replica moves each next row by |its bias| times
  // its error, and carries the same relative error into the next replica.
  const margins = new Array<number>(layers.length);
  for (let l = layers.length - 1; l >= 0; l--) {
    if (l === layers.length - 1) margins[l] = 0.5 / Math.max(1, levels - 1);
    else {
      const next = layers[l + 1]!;
      margins[l] = Math.min(
        margins[l + 1]!,
        ...next.weights.map((row, r) => {
          const b = Math.abs(row[row.length - 1]!);
          return b === 0 ? Infinity : next.rowMargin[r]! / b;
        }),
      );
    }
  }
  const budgets = layers.map((layer, l) => ({ inputMax: layer.inputMax, rowMargin: [...layer.rowMargin, margins[l]!] }));
  return { weights, budgets };
}

/** Row ranks with every row that has one non-zero entry after the others, each group in row order. */
export function oneEntryRowsLast(weights: number[][]): number[] {
  const single = weights.map((row) => row.filter((w) => w !== 0).length === 1);
  const order = [...weights.keys()].sort((a, b) => Number(single[a]) - Number(single[b]) || a - b);
  const rank = new Array<number>(weights.length);
  order.forEach((r, k) => (rank[r] = k));
  return rank;
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
  const tracking = (opts.biases ?? "tracking") === "tracking";
  const n = network.layers.length;
  const tracked = tracking ? trackedLayers(network.layers, L) : { weights: network.layers.map((l) => l.weights), budgets: network.layers };
  const { weights } = tracked;
  // A regenerating read that saturates where its consumers stop changing narrows the range the
  // next layer is balanced for (the limit itself is set on the activation below).
  const saturated = (i: number): boolean =>
    opts.regenerate === true && tracking && network.layers[i]!.relu && !!network.layers[i]!.saturate;
  const budgets = tracked.budgets.map((b, l) =>
    l > 0 && saturated(l - 1)
      ? { ...b, inputMax: b.inputMax.map((m, j) => Math.min(m, network.layers[l - 1]!.saturate![j] ?? Number.POSITIVE_INFINITY)) }
      : b,
  );
  const chained = network.layers.map((_, i) => tracking && i > 0);
  // The fan-out trees' common shape: the threshold layer's pairs kept together; in the last layer,
  // whose rows go to the detector, the rows fed by one input after the rows that sum several, so
  // each input's one-entry rows split off first instead of sitting between two rows' fan-ins.
  const shapes = network.layers.map((layer, i) => ({
    ...(layer.rowUnit ? { unit: layer.rowUnit } : {}),
    ...(i === n - 1 ? { rowRank: oneEntryRowsLast(weights[i]!) } : {}),
  }));
  const equal = network.layers.map((layer, i) => sparseLayout(layer.name, weights[i]!, shapes[i]));
  // A layer reads regenerated inputs when an activation (a regenerating read) comes before it.
  const regenerated = network.layers.map((_, i) => i > 0 && tracking && opts.regenerate === true && network.layers[i - 1]!.relu === true);
  const first = balanceScales(equal, perLevel, opts.headroom, budgets, chained, tracking, regenerated);
  // Each fan-out leaf then takes a share of its input's light in proportion to the amplitude its
  // entry passes at that balance: light a dim entry's attenuator would dump goes to the entries
  // near the headroom instead (amplitude, not power: a coupler that splits too unevenly turns its
  // own ratio error into a large relative error of the small branch)
  const layouts = network.layers.map((layer, i) =>
    sparseLayout(layer.name, weights[i]!, {
      ...shapes[i],
      share: (r, j) => entrySigma(equal[i]!, first[i]!, r, j) * equal[i]!.pathMag[r]![j]!,
    }),
  );
  const scales = balanceScales(layouts, perLevel, opts.headroom, budgets, chained, tracking, regenerated);
  const a = tracking ? 1 : 10 ** (-(opts.mziLossDb ?? 0) / 20);
  network.layers.forEach((layer, i) => {
    pipeline.push(sparseStage(layouts[i]!, tracking ? scales[i]! : { ...scales[i]!, biasSource: scales[i]!.biasAmplitude * a ** i }));
    if (layer.relu) {
      const rows = weights[i]!.length;
      const next = scales[i + 1];
      const gain =
        regenerated[i + 1] && next
          ? Array.from({ length: rows }, (_, m) => (m === rows - 1 ? next.biasAmplitude : next.inputScale[m]!) / scales[i]!.rowScale[m]!)
          : null;
      // Limits in the read's input units: a row's saturation level times its physical scale.
      const limit =
        gain && saturated(i) ? Array.from({ length: rows }, (_, m) => (layer.saturate![m] ?? 0) * scales[i]!.rowScale[m]!) : null;
      pipeline.push({
        name: `${layer.name}_relu`,
        role: "activation",
        function: "relu",
        params: {},
        modes: rows,
        ...(limit ? { limit } : {}),
        ...(gain ? { gain } : {}),
        ...(opts.homodyne ? { read: "homodyne" as const } : {}),
      });
    }
  });
  const scale = scales[n - 1]!.rowScale[0]!;
  const detector: DetectorStep = tracking
    ? {
        name: "detector",
        role: "detector",
        levels: L,
        step: scale,
        offset: 0,
        modes: cell.outputs.length,
        reference: scales[n - 1]!.rowScale[scales[n - 1]!.rowScale.length - 1]!,
      }
    : { name: "detector", role: "detector", levels: L, step: scale * a ** n, offset: 0, modes: cell.outputs.length };
  pipeline.push(detector);
  return { network, table: buildPhaseTable(pipeline) };
}
