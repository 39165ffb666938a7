// Which technology the joint axis scales: the one in effect (a spec's block, a preset, CLI flags),
// named after its preset when it equals one, or foundry when the block is ideal (an ideal block
// has nothing to scale, and foundry is the reference a design is judged against).
import { technologyPreset } from "../../dsl/technology-presets.ts";
import { isIdeal, technologyOf, type Technology } from "../../dsl/technology.ts";

export function jointTechnology(n: Partial<Technology>, preset: string | undefined): { name: string; levels: Technology } {
  const levels = technologyOf(n);
  if (isIdeal(levels, { detector: "include" })) return { name: "foundry", levels: technologyOf(technologyPreset("foundry")!) };
  const p = preset ? technologyPreset(preset) : undefined;
  const same = p !== undefined && JSON.stringify(technologyOf(p)) === JSON.stringify(levels);
  return { name: same ? preset! : "spec", levels };
}
