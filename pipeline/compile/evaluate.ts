// The compile's closing evaluation of the emitted circuit (report only; `optinc verify` is the gate):
//  - Monte-Carlo yield under the spec's own technology block, seeded;
//  - the tolerance analysis of the whole chip (verify/tolerance/), with few trials;
//  - a short data-parallel MNIST training run whose OptINC gradients go through the circuit.
import type { Spec } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { isIdeal, technologyOf } from "../../dsl/technology.ts";
import { verifyCircuit, type VerifyResult } from "../../verify/circuit/run.ts";
import { circuitAggregateMany } from "../../verify/circuit/tabulated-aggregator.ts";
import { runScenario, SHORT_SCENARIO, type ScenarioResult } from "../../system/train/scenarios.ts";
import type { UnitSpec } from "../../aggregate/circuit-info.ts";
import { analyzeTolerance, type ToleranceResult } from "../../verify/tolerance/analyze.ts";
import { prepareCellDesign, prepareDesign } from "../../verify/tolerance/design.ts";
import { jointTechnology } from "../../verify/tolerance/technology.ts";
import type { ReceiverMode } from "../../verify/circuit/receiver.ts";
import type { AxisName } from "../../verify/tolerance/axes.ts";

/** Monte-Carlo trials of the technology block reported by compile. */
export const REPORT_TRIALS = 10;

export function technologyYield(
  circuit: Circuit,
  spec: Spec,
  seed: number,
  unit: { inputOffset: number; outputOffset: number; divisor: number },
  jobs?: number,
): VerifyResult | null {
  const nonIdealities = technologyOf(spec.technology);
  if (isIdeal(nonIdealities, { detector: "include" })) return null;
  return verifyCircuit(circuit, {
    nonIdealities,
    trials: REPORT_TRIALS,
    seed,
    minExact: 1,
    minYield: 0.9,
    maxCases: 1_000_000,
    rounding: spec.rounding,
    preprocess: spec.preprocess === "digit-sum",
    unit,
    ...(jobs !== undefined ? { jobs } : {}),
  });
}

/** The short training scenario at the spec's number format, aggregating through the circuit. */
export function trainingThroughCircuit(circuit: Circuit, spec: Spec): ScenarioResult {
  const s = {
    ...SHORT_SCENARIO,
    workers: spec.workers,
    precision: spec.precision,
    levels: spec.levels,
    encoding: spec.encoding,
    rounding: spec.rounding,
  };
  return runScenario(s, { aggregateMany: circuitAggregateMany(circuit) });
}

/**
 * The report's tolerance section is bounded by simulations of every case, not trials alone: a die's
 * critical level takes 3–6 of them (brackets of ±10 %), deterministic axes 2–4. With 2 dies per
 * random axis the trained paper-4x8 section is about 23 passes over its 28,561 cases (22 s of CPU
 * measured); its certified bounds (one pass ≈ 7·10⁸ multiply-adds) are left to `optinc verify
 * --tolerance` by the budget below (docs/design/robustness.md §1.6).
 */
export const REPORT_TOLERANCE_TRIALS = 2;
export const REPORT_TOLERANCE_RTOL = 0.1;
export const REPORT_CERTIFY_BUDGET = 2e8;
/**
 * The report decides on the detector's thresholds, like its other yields (technologyYield above,
 * and closed-form chips): a threshold receiver can stop a failing simulation at its first wrong
 * case, which roughly halves the section's cost. `optinc verify --tolerance` fits the receiver by default.
 */
export const REPORT_RECEIVER: ReceiverMode = "thresholds";

/** The tolerance of the whole chip: every emitted unit, each standing for its physical copies. */
export function toleranceOfChip(
  units: { file: string; circuit: Circuit; count: number; unit: UnitSpec; verified?: VerifyResult }[],
  spec: Spec,
  seed: number,
  trials = REPORT_TOLERANCE_TRIALS,
  maxCases = 1_000_000,
): ToleranceResult {
  const design = prepareDesign(
    units.map((u) => ({
      name: u.file,
      circuit: u.circuit,
      instances: u.count,
      rounding: spec.rounding,
      preprocess: spec.preprocess === "digit-sum",
      unit: u.unit,
      maxCases,
      ...(u.verified ? { verified: u.verified } : {}),
    })),
    seed,
  );
  return analyzeTolerance(design, {
    seed,
    trials,
    receiver: REPORT_RECEIVER,
    rtol: REPORT_TOLERANCE_RTOL,
    certifyBudget: REPORT_CERTIFY_BUDGET,
    technology: jointTechnology(spec.technology, spec.technology.preset),
  });
}

/**
 * The tolerance of a closed-form chip (route = closed-form): every cell design with its physical
 * copies (pipeline/compile/closed-form.ts chipDesigns). Cells are small, so the certified bounds always run.
 */
export interface CellChipToleranceOptions {
  trials?: number;
  receiver?: ReceiverMode;
  axes?: AxisName[];
  certify?: boolean;
}

export function toleranceOfCellChip(
  designs: { name: string; circuit: Circuit; copies: number }[],
  spec: Spec,
  seed: number,
  o: CellChipToleranceOptions = {},
): ToleranceResult {
  const design = prepareCellDesign(designs, seed);
  return analyzeTolerance(design, {
    fixedLoss: true,
    ...(o.axes ? { axes: o.axes } : {}),
    ...(o.certify === false ? { certify: false } : {}),
    seed,
    trials: o.trials ?? REPORT_TOLERANCE_TRIALS,
    receiver: o.receiver ?? REPORT_RECEIVER,
    rtol: REPORT_TOLERANCE_RTOL,
    certifyBudget: REPORT_CERTIFY_BUDGET,
    technology: jointTechnology(spec.technology, spec.technology.preset),
  });
}
