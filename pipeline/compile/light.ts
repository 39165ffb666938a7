// The compile's light pass: the power budget of the emitted cells (verify/power/) at the light of
// the spec's technology preset, when the preset has one. It judges the preset's lasers, finds the
// modulator tap 1e-12 errors per aggregated value needs, and prices the chip per input bit with
// thermo-optic shifters; the summary gives it one line (pipeline/report/closed-form-summary.ts),
// report.json the section `light`.
import type { Spec } from "../../dsl/spec.ts";
import { lightBudgetOf } from "../../dsl/technology-presets.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { describeDecision, powerBudget } from "../../verify/power/analyze.ts";
import type { ChipStep, LightSection } from "../types.ts";

export type { LightSection } from "../types.ts";

/** The target a compile judges its light against: 1e-12 errors per aggregated value. */
export const COMPILE_ERROR_TARGET = 1e-12;

/** The light of a compiled chip, or null when its preset has no light budget (`ideal`). */
export function lightSection(spec: Spec, steps: ChipStep[]): LightSection | null {
  const preset = spec.technology.preset;
  const light = preset ? lightBudgetOf(preset) : undefined;
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
    pjPerBit: to.atLaser.pjPerBit,
    pjPerBitNeeded: to.atNeeded?.pjPerBit ?? null,
  };
}
