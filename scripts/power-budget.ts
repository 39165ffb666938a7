// The light budget of compiled closed-form chips (docs/studies/power-budget.md): for each output
// directory, the smallest detector step below the full-scale input, the laser power per source
// that 1e-12 errors per aggregated value needs with the product-grade (foundry) and the best-device
// (optimistic) light budgets, and a noise Monte-Carlo of 10⁶ decisions of the binding cell against
// its analytic rate at a laser power where that rate is about 1e-3.
//   npx tsx scripts/power-budget.ts <compile-out-dir>…
import { basename, resolve } from "node:path";
import { lightBudgetOf, TECHNOLOGY_PRESETS } from "../dsl/technology-presets.ts";
import { loadCircuits } from "../verify/circuit/load.ts";
import { watts } from "../verify/power/analyze.ts";
import { cellRates, laserForTarget, readCellLight, smallestStepDb, sourcesAt, type CellLight } from "../verify/power/budget.ts";
import { noiseMonteCarlo } from "../verify/power/noise-mc.ts";

const TARGET = 1e-12;
const dirs = process.argv.slice(2);
if (!dirs.length) throw new Error("usage: npx tsx scripts/power-budget.ts <compile-out-dir>…");

/** The laser power at which a cell's mean rate per decision is `rate` (bisection in log power). */
export function powerAtRate(cell: CellLight, light: NonNullable<ReturnType<typeof lightBudgetOf>>, rate: number): number {
  let lo = -6;
  let hi = 13;
  const perDecision = (mw: number): number => cellRates(cell, light, mw).meanPerUse / cell.outputs.length;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (perDecision(10 ** mid) > rate) lo = mid;
    else hi = mid;
  }
  return 10 ** hi;
}

const rows: string[] = [];
const mcRows: string[] = [];
for (const dir of dirs) {
  const loaded = loadCircuits(resolve(dir), dir);
  const name = basename(resolve(dir));
  const perPreset = (preset: string) => {
    const light = lightBudgetOf(preset)!;
    const loss = TECHNOLOGY_PRESETS[preset]!.levels.mziLossDb;
    const cells = loaded.map((l) => readCellLight(l.circuit, l.netlistPath, loss));
    const need = laserForTarget(cells, light, TARGET);
    return { light, cells, need, at: need === null ? null : sourcesAt(cells, need) };
  };
  const product = perPreset("foundry");
  const best = perPreset("optimistic");
  const steps = product.cells.map((c) => ({ cell: c.name, ...smallestStepDb(c) }));
  const worst = steps.reduce((a, b) => (b.db < a.db ? b : a));
  const copies = product.cells.reduce((a, c) => a + c.copies, 0);
  const w = (x: number | null): string => (x === null ? "none ≤ 10 GW" : watts(x));
  rows.push(
    `| ${name} | ${product.cells.length} (${copies}) | ${worst.db.toFixed(1)} dB (${worst.cell} ${worst.output}) | ${w(product.need)} | ${product.at ? `${product.at.count}, ${watts(product.at.totalMw / product.light.laser.wallPlugEfficiency)}` : "—"} | ${w(best.need)} |`,
  );
  // The noise Monte-Carlo on the cell with the most copies × cases, product light.
  const cell = [...product.cells].sort((a, b) => b.copies * b.cases - a.copies * a.cases)[0]!;
  const mw = powerAtRate(cell, product.light, 1e-3);
  const mc = noiseMonteCarlo(cell, product.light, mw, 1_000_000, 1);
  mcRows.push(
    `| ${name} | ${cell.name} | ${watts(mw)} | ${mc.decisions} | ${mc.errors} | ${mc.expected.toFixed(1)} | ${(mc.errors / mc.expected).toFixed(3)} |`,
  );
}
console.log(
  "| example | cell designs (copies) | smallest detector step below the full-scale input | laser per source for 1e-12 per value, product light | sources, wall-plug at that power | laser per source, best-device light |",
);
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
console.log("");
console.log("| example | cell | laser per source | noisy decisions | wrong | analytic Σ rate | wrong / analytic |");
console.log("|---|---|---|---|---|---|---|");
for (const r of mcRows) console.log(r);
