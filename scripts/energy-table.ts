// Energy per aggregated bit of compiled closed-form chips (docs/studies/energy.md): for each output
// directory, pJ per input bit per phase-shifter technology with the lasers of `optinc verify --power`
// (foundry light, 25 mW per source, as many sources as the design's taps need, each tap capped at one
// laser), beside the electrical alternatives.
//   npx tsx scripts/energy-table.ts <compile-out-dir>…
import { basename, resolve } from "node:path";
import { lightBudgetOf, TECHNOLOGY_PRESETS } from "../dsl/technology-presets.ts";
import { chipDigits } from "../pipeline/verify/power.ts";
import { loadCircuits } from "../verify/circuit/load.ts";
import { powerBudget, watts } from "../verify/power/analyze.ts";
import { pj } from "../verify/power/energy.ts";

const dirs = process.argv.slice(2);
if (!dirs.length) throw new Error("usage: npx tsx scripts/energy-table.ts <compile-out-dir>…");
const light = lightBudgetOf("foundry")!;
const loss = TECHNOLOGY_PRESETS.foundry!.levels.mziLossDb;
console.log(
  "| example | figure | assumes | W | pJ per input bit | lasers | shifters | drive | activations | regenerations | ingress | egress |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const dir of dirs) {
  const loaded = loadCircuits(resolve(dir), dir);
  const r = powerBudget(
    loaded.map((l) => ({ circuit: l.circuit, netlist: l.netlistPath })),
    { light, lightSource: "foundry", mziLossDb: loss, laserMw: light.laser.powerMw, target: 1e-12, chip: chipDigits(loaded)! },
  );
  const e = r.energy!;
  const name = basename(resolve(dir));
  for (const t of e.technologies)
    for (const b of [t.atLaser, t.atNeeded]) {
      if (!b) continue;
      const lasers =
        b === t.atLaser
          ? `${r.needed.plan.sources} × ${watts(b.laserMw)}${r.pass ? "" : ", target missed"}`
          : `the ${watts(b.laserMw)} lasers 1e-12 and the design margin need`;
      const terms = b.terms.map((x) => pj(x.pjPerBit)).join(" | ");
      console.log(`| ${name} | OptINC, ${lasers} | ${t.shifter} shifters | ${watts(b.watts * 1e3)} | ${pj(b.pjPerBit)} | ${terms} |`);
    }
  for (const a of e.alternatives) console.log(`| ${name} | ${a.name} | ${a.source} | — | ${pj(a.pjPerBit)} | | | | | | | |`);
}
