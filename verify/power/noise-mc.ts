// A Monte-Carlo of the reads' noise that checks the analytic error rate of budget.ts without its
// linearization: each round walks the cell's whole input space again through walk.ts, adding to
// every activation's read a Gaussian draw of the σ its detector has at that read's power
// (netlist/devices/homodyne.ts), so every ReLU decides on the noisy value and every later stage
// carries what it passes; then adds the output detector's own draw and decides each digit against the
// noiseless reference. It counts wrong digits, and the analytic expectation Σ rate over the same
// decisions. One walk carries many rounds: the input space is tiled (BATCH_DECISIONS), as a
// small cell's walk costs more in per-stage overhead than in its few cases.
import type { LightBudget } from "../../dsl/technology.ts";
import { createRng } from "../../math/rng.ts";
import { detectDigit } from "../../netlist/models.ts";
import { homodyneFieldSigma, homodyneNoise, modulatorFullScaleMw } from "../../netlist/devices/homodyne.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import type { Circuit } from "../../netlist/ir.ts";
import type { CellLight, Operating } from "./budget.ts";
import { decisionOf } from "./decisions.ts";
import { walkCircuit } from "./walk.ts";

export interface NoiseMonteCarlo {
  decisions: number;
  errors: number;
  /** Σ of the analytic rates of the decisions drawn. */
  expected: number;
}

/** Decisions one walk draws at most (the input space repeated): the walk's overhead is per stage. */
export const BATCH_DECISIONS = 1 << 16;

export function noiseMonteCarlo(
  circuit: Circuit,
  cell: CellLight,
  light: LightBudget,
  op: Operating,
  mziLossDb: number,
  decisions: number,
  seed: number,
): NoiseMonteCarlo {
  const rng = createRng(seed);
  const sim = compileCircuit(circuit, { mziLossDb });
  const matrices = new Map(sim.stageMatrices.map((s) => [s.instance, s.matrix]));
  const n = homodyneNoise(light, op.loMw);
  const fs = modulatorFullScaleMw(light.regenerator, op.tapMw);
  const kappa = (segment: number): number => fs * cell.segments[segment]!;
  const layerSegment = new Map(cell.layers.map((l) => [l.instance, l.segment]));
  const det = cell.light.detector;
  const W = cell.outputs.length;
  const kOut = kappa(cell.outputSegment);
  // The analytic rate of every decision of the space, in the order they are drawn.
  const rates = new Float64Array(cell.cases * W);
  for (let c = 0; c < cell.cases; c++) for (let k = 0; k < W; k++) rates[c * W + k] = decisionOf(cell, light, op, k, c).rate;
  let errors = 0;
  let expected = 0;
  let drawn = 0;
  const perRound = cell.cases * W;
  const copies = Math.max(1, Math.min(Math.ceil(decisions / perRound), Math.floor(BATCH_DECISIONS / perRound)));
  const rows = copies * cell.cases;
  const tiled = new Float64Array(copies * cell.inputs.length);
  for (let r = 0; r < copies; r++) tiled.set(cell.inputs, r * cell.inputs.length);
  while (drawn < decisions) {
    const noisy = walkCircuit(circuit, matrices, tiled, rows, (instance, _mode, re) => {
      if (op.only !== undefined && op.only !== instance) return;
      const k = kappa(layerSegment.get(instance)!);
      for (let c = 0; c < re.length; c++) re[c] += (homodyneFieldSigma(n, k * re[c]! * re[c]!) / Math.sqrt(k)) * rng.normal();
    });
    for (let row = 0; row < rows && drawn < decisions; row++) {
      const c = row % cell.cases;
      const s = cell.scale[c]!;
      for (let k = 0; k < W && drawn < decisions; k++) {
        const y = noisy.detector.modes[k]!.re[row]!;
        const quiet = op.only !== undefined && op.only !== det.instance;
        const read = y + (quiet ? 0 : homodyneFieldSigma(n, kOut * y * y) / Math.sqrt(kOut)) * rng.normal();
        const digit = s > 0 ? detectDigit(read / s, det.step[k]!, det.offset[k]!, det.levels) : 0;
        if (digit !== cell.digits[c * W + k]) errors++;
        expected += rates[c * W + k]!;
        drawn++;
      }
    }
  }
  return { decisions: drawn, errors, expected };
}
