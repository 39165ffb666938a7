// Energy per aggregated bit of compiled closed-form chips (docs/studies/energy.md): for each output
// directory, pJ per input bit per phase-shifter technology at 25 mW per source and at the laser power
// 1e-12 errors per value needs (foundry light), beside the electrical alternatives.
//   npx tsx scripts/energy-table.ts <compile-out-dir>…
import { basename, resolve } from "node:path";
import { lightBudgetOf, TECHNOLOGY_PRESETS } from "../dsl/technology-presets.ts";
import { chipDigits } from "../pipeline/verify/power.ts";
import { loadCircuits } from "../verify/circuit/load.ts";
import { watts } from "../verify/power/analyze.ts";
import { laserForTarget, readCellLight } from "../verify/power/budget.ts";
import { chipEnergy, pj } from "../verify/power/energy.ts";

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
  const cells = loaded.map((l) => ({ circuit: l.circuit, light: readCellLight(l.circuit, l.netlistPath, loss) }));
  const need = laserForTarget(
    cells.map((c) => c.light),
    light,
    1e-12,
  );
  const e = chipEnergy(cells, chipDigits(loaded)!, light, need);
  const name = basename(resolve(dir));
  for (const t of e.technologies)
    for (const b of [t.atLaser, t.atNeeded]) {
      if (!b) continue;
      const terms = b.terms.map((x) => pj(x.pjPerBit)).join(" | ");
      console.log(
        `| ${name} | OptINC, ${watts(b.laserMw)} per source | ${t.shifter} shifters | ${watts(b.watts * 1e3)} | ${pj(b.pjPerBit)} | ${terms} |`,
      );
    }
  for (const a of e.alternatives) console.log(`| ${name} | ${a.name} | ${a.source} | — | ${pj(a.pjPerBit)} | | | | | | | |`);
}
