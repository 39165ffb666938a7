// `optinc verify --tolerance` and `--technology <preset>`: the parts of verify that measure how much
// error a design takes (verify/tolerance/), kept apart from the CI gate in verify.ts.
import { InvalidArgumentError } from "commander";
import type { TechnologySpec } from "../../dsl/spec.ts";
import { TECHNOLOGY_PRESET_NAMES, technologyPreset } from "../../dsl/technology-presets.ts";
import { technologyOf, type Technology } from "../../dsl/technology.ts";
import { analyzeTolerance, type ToleranceResult } from "../../verify/tolerance/analyze.ts";
import { jointTechnology } from "../../verify/tolerance/technology.ts";
import { prepareCellDesign, prepareDesign, type DesignUnitInput } from "../../verify/tolerance/design.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { formatTolerance } from "../../verify/tolerance/format.ts";
import type { ReceiverMode } from "../../verify/circuit/receiver.ts";

/** commander parser of --technology. */
export function technologyFlag(v: string): TechnologySpec {
  const t = technologyPreset(v);
  if (!t) throw new InvalidArgumentError(`--technology must be one of ${TECHNOLOGY_PRESET_NAMES.join(", ")}, got "${v}"`);
  return t;
}

/**
 * The receiver of a verify run. `--receiver` names it; without it, Monte-Carlo trials fit it and a
 * measured die decides on the detector's thresholds. `--no-calibrate` (trials) and `--fit-receiver`
 * (measured) are the older spellings, kept for one version (CHANGELOG.md).
 */
export function receiverOf(flags: { receiver?: ReceiverMode; calibrate: boolean; fitReceiver?: boolean }, measured: boolean): ReceiverMode {
  if (flags.receiver) return flags.receiver;
  if (measured) return flags.fitReceiver ? "fitted" : "thresholds";
  return flags.calibrate ? "fitted" : "thresholds";
}

/** The technology block in effect: --technology replaces the report's block; explicit flags override either. */
export function effectiveNonIdealities(
  flags: { technology?: TechnologySpec; phaseNoise?: number; lossDb?: number; imbalance?: number; dacBits?: number; detectorNoise?: number },
  report: Partial<TechnologySpec> | null,
): Partial<Technology> {
  const tech = flags.technology ?? report ?? {};
  return technologyOf({
    phaseNoise: flags.phaseNoise ?? tech.phaseNoise,
    mziLossDb: flags.lossDb ?? tech.mziLossDb,
    splitterImbalance: flags.imbalance ?? tech.splitterImbalance,
    dacBits: flags.dacBits !== undefined ? flags.dacBits || null : tech.dacBits,
    detectorNoise: flags.detectorNoise ?? tech.detectorNoise,
  });
}

/** The same for a closed-form directory: every cell design with its physical copies (info cell_instances). */
export function runCellTolerance(cells: { name: string; circuit: Circuit }[], o: { seed: number; trials: number; receiver: ReceiverMode; nonIdealities: Partial<Technology>; preset?: string }): ToleranceResult {
  const design = prepareCellDesign(cells, o.seed);
  return analyzeTolerance(design, { seed: o.seed, trials: o.trials, receiver: o.receiver, technology: jointTechnology(o.nonIdealities, o.preset) });
}

export function runTolerance(units: DesignUnitInput[], o: { seed: number; trials: number; receiver: ReceiverMode; nonIdealities: Partial<Technology>; preset?: string }): ToleranceResult {
  const design = prepareDesign(units, o.seed);
  return analyzeTolerance(design, { seed: o.seed, trials: o.trials, receiver: o.receiver, technology: jointTechnology(o.nonIdealities, o.preset) });
}

export { formatTolerance };
