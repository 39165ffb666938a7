// Fabricated dies (netlist/die/heaters.ts, optinc.die/2) of every closed-form cell design of a compiled
// directory, calibrated by the oracle (the true die model: pipeline/calibrate/fabricated-die.ts) and checked on
// every raw input of the cell: exact dies k/n with a 95 % Clopper–Pearson interval, with and without
// crosstalk compensation, uncalibrated (nominal drive), and a program checked on the next die.
//
//   npx tsx scripts/fab-study.ts <compile-out-dir> [--dies 100] [--seed 1]
import { cellDesigns, FAB_STUDY_COLUMNS, fabStudy, fabStudyCells } from "./fab-study-core.ts";

const args = process.argv.slice(2);
const flag = (n: string, d: string): string => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const dir = args[0]!;
const dies = Number(flag("dies", "100"));
const seed = Number(flag("seed", "1"));

console.log(`| ${FAB_STUDY_COLUMNS.join(" | ")} |`);
console.log(`|${FAB_STUDY_COLUMNS.map(() => "---").join("|")}|`);
for (const d of cellDesigns(dir)) console.log(`| ${fabStudyCells(fabStudy(d.name, d.circuit, d.table, dies, seed)).join(" | ")} |`);
