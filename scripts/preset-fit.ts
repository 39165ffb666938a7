// The `calibrated` preset's phase σ and coupler imbalance fitted to dies calibrated from readings
// (scripts/preset-fit-core.ts says how): the table of docs/design/robustness.md §3.
//
//   npx tsx scripts/preset-fit.ts <compile-out-dir> [--dies 30] [--trials 200] [--seed 1] [--cell add1] [--departure c,…]
//     [--quantile 0.5] [--save margins.json] [--load margins.json] [--progress]
// --quantile: the statistic matched (0.5 the median; 0.1 the worst tenth, nearer to what a yield
// sees); --save writes the measured worst margins per design, --load fits to such a file instead of
// measuring again (the lab part is most of the time).
import { technologyPreset } from "../dsl/technology-presets.ts";
import type { Technology } from "../dsl/technology.ts";
import { readFileSync, writeFileSync } from "node:fs";
import { cellDesigns } from "./fab-study-core.ts";
import { cellUnit, fitScale, fitTechnology, measuredMargins, modelMargins, quantile } from "./preset-fit-core.ts";

const args = process.argv.slice(2);
const flag = (n: string, d: string): string => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const dir = args[0]!;
const dies = Number(flag("dies", "30"));
const trials = Number(flag("trials", "200"));
const seed = Number(flag("seed", "1"));
const only = flag("cell", "");
const departures = flag("departure", "").split(",").filter(Boolean);
const qt = Number(flag("quantile", "0.5"));
const save = flag("save", "");
const load = flag("load", "");
const loaded: Record<string, { worst: number[]; exact: number }> = load ? JSON.parse(readFileSync(load, "utf8")) : {};
const saved: Record<string, { worst: number[]; exact: number }> = {};
const log = args.includes("--progress") ? (s: string) => process.stderr.write(`${s}\n`) : undefined;
const preset = technologyPreset("calibrated") as unknown as Technology;
const tech = fitTechnology(preset);

const q = quantile;
const f = (x: number): string => x.toFixed(4);
console.log(
  `| cell design | dies exact (margin > 0) | measured worst margin: median (10 %, 90 %) | model at s = 1: median | s fitted at the ${qt === 0.5 ? "median" : `${qt * 100} % quantile`} | phase σ | imbalance | model at s: median (10 %, 90 %) |`,
);
console.log("|---|---|---|---|---|---|---|---|");
cellDesigns(dir).forEach((d, index) => {
  if (only && !d.name.endsWith(only)) return;
  if (load && !loaded[d.name]) return;
  const m = loaded[d.name] ?? measuredMargins(d.name, d.circuit, d.table, dies, seed, departures, log);
  saved[d.name] = m;
  const unit = cellUnit(d.name, d.circuit, index);
  const model = (s: number): number => q(modelMargins(unit, tech, s, trials, seed), qt);
  const target = q(m.worst, qt);
  const fit = fitScale(model, target);
  const at = fit.s === null ? null : modelMargins(unit, tech, fit.s, trials, seed);
  console.log(
    `| ${d.name} | ${m.exact}/${m.worst.length} | ${f(q(m.worst, 0.5))} (${f(q(m.worst, 0.1))}, ${f(q(m.worst, 0.9))}) | ${f(q(modelMargins(unit, tech, 1, trials, seed), 0.5))} | ${
      fit.s === null ? `none (model ${f(fit.atLo)} … ${f(fit.atHi)})` : fit.s.toFixed(3)
    } | ${fit.s === null ? "—" : `${(fit.s * preset.phaseNoise * 1e3).toFixed(2)} mrad`} | ${
      fit.s === null ? "—" : `±${(fit.s * preset.splitterImbalance).toExponential(2)}`
    } | ${at ? `${f(q(at, 0.5))} (${f(q(at, 0.1))}, ${f(q(at, 0.9))})` : "—"} |`,
  );
});
if (save) writeFileSync(save, `${JSON.stringify(saved, null, 1)}\n`);
