// The light budget of compiled closed-form chips (docs/studies/power-budget.md), with every
// activation a regenerating homodyne read (docs/design/power-budget.md): for each output directory,
// the modulator tap 1e-12 errors per aggregated value needs at the design LO with the product-grade
// (foundry) and the best-device (optimistic) light budgets, the binding decision and where its
// noise comes from, the smallest output step at 25 mW per source; and a noise Monte-Carlo of 10⁶
// decisions of the cell with the most copies × inputs against its analytic rate, at a tap where
// that rate is about 1e-3 per decision. Tables: the taps, the taps each kind of read alone needs
// (product light), the Monte-Carlo.
//   npx tsx scripts/power-budget.ts <compile-out-dir>…
import { basename, resolve } from "node:path";
import type { LightBudget } from "../dsl/technology.ts";
import { lightBudgetOf, TECHNOLOGY_PRESETS } from "../dsl/technology-presets.ts";
import { loadCircuits } from "../verify/circuit/load.ts";
import { describeDecision, powerBudget, watts } from "../verify/power/analyze.ts";
import { readCellLight, type CellLight } from "../verify/power/budget.ts";
import { cellRates } from "../verify/power/decisions.ts";
import { designLoMw } from "../verify/power/lasers.ts";
import { noiseMonteCarlo } from "../verify/power/noise-mc.ts";

const TARGET = 1e-12;
const dirs = process.argv.slice(2);
if (!dirs.length) throw new Error("usage: npx tsx scripts/power-budget.ts <compile-out-dir>…");

/** The modulator tap at which a cell's mean rate per decision is `rate` (bisection in log power). */
export function tapAtRate(cell: CellLight, light: LightBudget, rate: number): number {
  const loMw = designLoMw(light);
  let lo = -9;
  let hi = 9;
  const perDecision = (mw: number): number => cellRates(cell, light, { tapMw: mw, loMw }).meanPerUse / cell.outputs.length;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (perDecision(10 ** mid) > rate) lo = mid;
    else hi = mid;
  }
  return 10 ** hi;
}

const rows: string[] = [];
const readRows: string[] = [];
const mcRows: string[] = [];
for (const dir of dirs) {
  const loaded = loadCircuits(resolve(dir), dir);
  const name = basename(resolve(dir));
  const circuits = loaded.map((l) => ({ circuit: l.circuit, netlist: l.netlistPath }));
  const perPreset = (preset: string) => {
    const light = lightBudgetOf(preset)!;
    const mziLossDb = TECHNOLOGY_PRESETS[preset]!.levels.mziLossDb;
    return powerBudget(circuits, { light, lightSource: preset, mziLossDb, laserMw: light.laser.powerMw, target: TARGET });
  };
  const product = perPreset("foundry");
  const best = perPreset("optimistic");
  const copies = product.cells.reduce((a, c) => a + c.copies, 0);
  const w = (x: number | null): string => (x === null ? "none ≤ 10 kW" : watts(x));
  const s = product.smallestStep;
  rows.push(
    `| ${name} | ${product.cells.length} (${copies}) | ${product.needed.plan.modulators} + ${product.needed.plan.los} | ${w(product.needed.tapMw)} | ${w(best.needed.tapMw)} | ${describeDecision(product.binding)} | ${watts(s.mw)}, ${s.db.toFixed(1)} dB (${s.cell} ${s.output}) |`,
  );
  const alone = (read: string): string => w(product.reads.find((x) => x.read === read)?.tapMw ?? null);
  readRows.push(`| ${name} | ${alone("threshold_relu")} | ${alone("step_relu")} | ${alone("detector")} |`);
  // The noise Monte-Carlo on the cell with the most copies × cases, product light.
  const light = lightBudgetOf("foundry")!;
  const i = loaded
    .map((_, k) => k)
    .sort((a, b) => {
      const ca = readCellLight(loaded[a]!.circuit, "", 0.1);
      const cb = readCellLight(loaded[b]!.circuit, "", 0.1);
      return cb.copies * cb.cases - ca.copies * ca.cases;
    })[0]!;
  const cell = readCellLight(loaded[i]!.circuit, loaded[i]!.netlistPath, 0.1);
  const tap = tapAtRate(cell, light, 1e-3);
  const mc = noiseMonteCarlo(loaded[i]!.circuit, cell, light, { tapMw: tap, loMw: designLoMw(light) }, 0.1, 1_000_000, 1);
  mcRows.push(
    `| ${name} | ${cell.name} | ${watts(tap)} | ${mc.decisions} | ${mc.errors} | ${mc.expected.toFixed(1)} | ${(mc.errors / mc.expected).toFixed(3)} |`,
  );
}
console.log(
  "| example | cell designs (copies) | modulators + LOs | modulator tap for 1e-12 per value, product light | the same, best-device light | binding decision at 25 mW per source, product light | smallest output step there |",
);
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
console.log("");
console.log("| example | threshold reads alone | step reads alone | output reads alone |");
console.log("|---|---|---|---|");
for (const r of readRows) console.log(r);
console.log("");
console.log("| example | cell | modulator tap | noisy decisions | wrong | analytic Σ rate | wrong / analytic |");
console.log("|---|---|---|---|---|---|---|");
for (const r of mcRows) console.log(r);
