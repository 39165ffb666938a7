// `npx tsx scripts/decision-bounds.ts [preset…]`: the decision bound of every cell base at each
// technology preset (calibrated, optimistic and foundry by default), seed 1, one line per base as
// `--explain` prints it. The table of docs/structures.md ("The decision bound") is read off it.
import { boundText, decisionBound } from "../pipeline/compile/decision-bound.ts";
import { technologyPreset } from "../dsl/technology-presets.ts";
import { technologyOf } from "../dsl/technology.ts";

const asked = process.argv.slice(2).filter((a) => a !== "--");
for (const preset of asked.length ? asked : ["calibrated", "optimistic", "foundry"]) {
  const block = technologyPreset(preset);
  if (!block) throw new Error(`no technology preset "${preset}"`);
  for (const L of [2, 4, 8, 16]) process.stdout.write(`${preset}: ${boundText(decisionBound(technologyOf(block), L, 1))}\n`);
}
