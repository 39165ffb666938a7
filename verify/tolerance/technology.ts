// Which technology the joint axis scales: the one in effect (a spec's block, a preset, CLI flags),
// named after its preset when it equals one, or foundry when the block is ideal (an ideal block
// has nothing to scale, and foundry is the reference a design is judged against).
import type { TechnologySpec } from "../../dsl/spec.ts";
import { technologyPreset } from "../../dsl/technology-presets.ts";
import type { NonIdealities } from "../../netlist/nonideal.ts";
import { isIdealTechnology, technologyOf, type Technology } from "./axes.ts";

export function nonIdealitiesOf(t: Omit<TechnologySpec, "preset">): NonIdealities {
  return { phaseNoise: t.phaseNoise, mziLossDb: t.mziLossDb, splitterImbalance: t.splitterImbalance, dacBits: t.dacBits, detectorNoise: t.detectorNoise };
}

export function jointTechnology(n: NonIdealities, preset: string | undefined): { name: string; levels: Technology } {
  const levels = technologyOf(n);
  if (isIdealTechnology(levels)) return { name: "foundry", levels: technologyOf(nonIdealitiesOf(technologyPreset("foundry")!)) };
  const p = preset ? technologyPreset(preset) : undefined;
  const same = p !== undefined && JSON.stringify(technologyOf(nonIdealitiesOf(p))) === JSON.stringify(levels);
  return { name: same ? preset! : "spec", levels };
}
