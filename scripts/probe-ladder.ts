// The decision bound's probe cells (pipeline/compile/decision-bound.ts) drawn at a technology preset:
// per vmax, how many of `dies` Monte-Carlo dies are exact (seed 1), the number docs/design/digit-cells.md §2.2
// and docs/studies/layout.md §8 compare cell structures by.
// npx tsx scripts/probe-ladder.ts [vmax,vmax,…] [dies] [preset] [levels]
import { probeDesign } from "../pipeline/compile/decision-bound.ts";
import { chipTrial } from "../verify/cells/chip-yield.ts";
import { TECHNOLOGY_PRESETS } from "../dsl/technology-presets.ts";

const [list = "20,24,29,35,42,50,59", diesArg = "100", preset = "calibrated", levelsArg = "4"] = process.argv.slice(2);
const tech = TECHNOLOGY_PRESETS[preset]?.levels;
if (!tech) throw new Error(`unknown preset "${preset}"`);
const dies = Number(diesArg);
const levels = Number(levelsArg);
for (const vmax of list.split(",").map(Number)) {
  const { prepared, theta } = probeDesign(vmax, levels, tech.mziLossDb ?? 0);
  let exact = 0;
  for (let t = 0; t < dies; t++) if (chipTrial(prepared, tech, 1, t).pass) exact++;
  console.log(`vmax ${vmax} (θ = ${theta}): ${exact}/${dies} dies exact`);
}
