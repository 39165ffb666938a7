// The compile's closing evaluation of the emitted circuit (report only; `optinc verify` is the gate):
//  - Monte-Carlo yield under the spec's own technology block, seeded;
//  - a short data-parallel MNIST training run whose OptINC gradients go through the circuit.
import type { Spec } from "../dsl/spec.ts";
import type { Circuit } from "../netlist/ir.ts";
import { hasNonIdealities, verifyCircuit, type VerifyResult } from "../verify/circuit/run.ts";
import { circuitAggregateMany } from "../verify/train/circuit-aggregate.ts";
import { runScenario, SHORT_SCENARIO, type ScenarioResult } from "../verify/train/scenarios.ts";

/** Monte-Carlo trials of the technology block reported by compile. */
export const REPORT_TRIALS = 10;

export function technologyYield(circuit: Circuit, spec: Spec, seed: number, unit: { inputOffset: number; outputOffset: number; divisor: number }, jobs?: number): VerifyResult | null {
  const t = spec.technology;
  const nonIdealities = { phaseNoise: t.phaseNoise, mziLossDb: t.mziLossDb, splitterImbalance: t.splitterImbalance, dacBits: t.dacBits, detectorNoise: t.detectorNoise };
  if (!hasNonIdealities(nonIdealities)) return null;
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
  const s = { ...SHORT_SCENARIO, workers: spec.workers, precision: spec.precision, levels: spec.levels, encoding: spec.encoding, rounding: spec.rounding };
  return runScenario(s, { aggregateMany: circuitAggregateMany(circuit) });
}
