// A Monte-Carlo of receiver noise that checks the analytic error rate of budget.ts: each decision
// of a cell's input space in turn, its photocurrent R·P plus a Gaussian draw of the receiver's σ at
// that power, decided between the received levels' power midpoints as the budget places them. It
// counts wrong digits and the analytic expectation Σ rate over the same decisions.
import type { LightBudget } from "../../dsl/technology.ts";
import { createRng } from "../../math/rng.ts";
import { decisionOf, kappaOf, type CellLight } from "./budget.ts";

export interface NoiseMonteCarlo {
  decisions: number;
  errors: number;
  /** Σ of the analytic rates of the decisions drawn. */
  expected: number;
}

export function noiseMonteCarlo(cell: CellLight, light: LightBudget, laserMw: number, decisions: number, seed: number): NoiseMonteCarlo {
  const rng = createRng(seed);
  const det = cell.light.detector;
  const W = cell.outputs.length;
  const kappa = kappaOf(cell, light, laserMw);
  const R = light.receiver.responsivityAW;
  const per = cell.cases * W;
  // Per decision of the space: the read current, σ, the intended level and the thresholds (A).
  const plans = Array.from({ length: per }, (_, i) => {
    const c = Math.floor(i / W);
    const k = i % W;
    const d = decisionOf(cell, light, laserMw, k, c);
    const s = cell.scale[c]!;
    const levelA = (j: number): number => R * kappa * ((det.offset[k]! + j * det.step[k]!) * s) ** 2 * 1e-3;
    const thresholds = Array.from({ length: det.levels - 1 }, (_, j) => 0.5 * (levelA(j) + levelA(j + 1)));
    return { current: R * d.powerMw * 1e-3, sigma: d.sigmaA, level: d.level, thresholds, rate: d.rate };
  });
  let errors = 0;
  let expected = 0;
  for (let n = 0; n < decisions; n++) {
    const p = plans[n % per]!;
    const read = p.current + p.sigma * rng.normal();
    let level = 0;
    while (level < p.thresholds.length && read >= p.thresholds[level]!) level++;
    if (level !== p.level) errors++;
    expected += p.rate;
  }
  return { decisions, errors, expected };
}
