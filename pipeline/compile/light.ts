// The compile's light pass: the power budget of the emitted cells (verify/power/) at the light of
// the spec's technology preset, when the preset has one. It judges the preset's lasers, finds the
// modulator tap 1e-12 errors per aggregated value needs, and prices the chip per input bit with
// thermo-optic shifters; the summary gives it one line (pipeline/report/closed-form-summary.ts),
// report.json the section `light`.
import type { Spec } from "../../dsl/spec.ts";
import { lightBudgetOf } from "../../dsl/technology-presets.ts";
import type { Circuit } from "../../netlist/ir.ts";
import type { LightBudget } from "../../dsl/technology.ts";
import { describeDecision, powerBudget } from "../../verify/power/analyze.ts";
import { readCellLight } from "../../verify/power/budget.ts";
import { tapForTarget } from "../../verify/power/lasers.ts";
import type { ChipStep, LightSection } from "../types.ts";

export type { LightSection } from "../types.ts";

/** The target a compile judges its light against: 1e-12 errors per aggregated value. */
export const COMPILE_ERROR_TARGET = 1e-12;

/** The light budget of the spec's preset, or null when it has none (`ideal`). */
export function lightBudgetOfSpec(spec: Spec): LightBudget | null {
  const preset = spec.technology.preset;
  return (preset ? lightBudgetOf(preset) : undefined) ?? null;
}

/**
 * Of a cell's two circuits (without and with regenerating gains), the index of the one to build:
 * the second only when its modulator tap for 1e-12 errors per use fits in one laser's light and is
 * less than the first's. A cell that needs more than a laser either way keeps the first, whose
 * scales are balanced for component errors across the whole cell.
 */
export function lighterTable(light: LightBudget, mziLossDb: number, circuits: [Circuit, Circuit]): 0 | 1 {
  const [a, b] = circuits.map((c) => tapForTarget([{ ...readCellLight(c, c.name, mziLossDb), copies: 1 }], light, COMPILE_ERROR_TARGET));
  const inChip = light.laser.powerMw * 10 ** (-light.facetLossDb / 10);
  return b !== null && b! <= inChip && (a === null || b! < a!) ? 1 : 0;
}

/** Whether a structure's built cells close the light budget, and the modulator tap they need. */
export function structureLight(
  spec: Spec,
  steps: ChipStep[],
  circuitsOf: (s: ChipStep) => Map<string, Circuit>,
): { closes: boolean; tapMw: number | null } | null {
  const light = lightBudgetOfSpec(spec);
  if (!light) return null;
  const circuits = steps.flatMap((s) => [...circuitsOf(s)].map(([stem, circuit]) => ({ circuit, netlist: stem })));
  const r = powerBudget(circuits, {
    light,
    lightSource: spec.technology.preset,
    mziLossDb: spec.technology.mziLossDb,
    laserMw: light.laser.powerMw,
    target: COMPILE_ERROR_TARGET,
    reads: false,
  });
  return { closes: r.pass, tapMw: r.needed.tapMw };
}

/** The light of a compiled chip, or null when its preset has no light budget (`ideal`). */
export function lightSection(spec: Spec, steps: ChipStep[]): LightSection | null {
  const preset = spec.technology.preset;
  const light = lightBudgetOfSpec(spec);
  if (!light || !preset) return null;
  const circuits: { circuit: Circuit; netlist: string }[] = steps.flatMap((s) =>
    [...s.circuits!].map(([stem, circuit]) => ({ circuit, netlist: `${stem}.netlist.json` })),
  );
  const first = steps[0]!.chip;
  const last = steps.at(-1)!.chip;
  const r = powerBudget(circuits, {
    light,
    lightSource: preset,
    mziLossDb: spec.technology.mziLossDb,
    laserMw: light.laser.powerMw,
    target: COMPILE_ERROR_TARGET,
    chip: { levels: first.levels, inDigits: first.inDigits, outDigits: last.outDigits },
    reads: false,
  });
  const to = r.energy!.technologies.find((t) => t.shifter === "thermo-optic")!;
  return {
    preset,
    laserMw: r.laserMw,
    sources: r.needed.plan.sources,
    ratePerValue: r.ratePerValue,
    target: r.target,
    pass: r.pass,
    neededTapMw: r.needed.tapMw,
    loMw: r.needed.plan.design.loMw,
    binding: describeDecision(r.binding),
    smallestStepMw: r.smallestStep.mw,
    pjPerBit: to.atLaser.pjPerBit,
    pjPerBitNeeded: to.atNeeded?.pjPerBit ?? null,
  };
}
