// Calibration from readings on fabricated dies of every closed-form cell design of a compiled
// directory (scripts/lab-study-core.ts): the table of docs/studies/calibration.md §4.
//
//   npx tsx scripts/lab-study.ts <compile-out-dir> [--dies 100] [--seed 1] [--cell add1] [--departure crosstalk,…] [--first 0] [--points 40] [--closing-per-entry] [--known-couplings <words>] [--progress]
//
// --points sets the readings per fringe sweep (LabSetup.points, default 40) and --closing-per-entry
// turns on LabSetup.closingPerEntry: ablations of the protocol (docs/design/calibration.md §12).
// --departure takes the classes of fab/departures.ts and the crosstalk class's parts one at a time
// (crosstalk-spread, -strong, -flip, -wide: the whole class's dies with the other parts left out).
// --known-couplings hands the estimate the true die's couplings on the pairs its words select
// (scripts/known-couplings.ts): an oracle, for finding which couplings a departure breaks.
import { cellDesigns } from "./fab-study-core.ts";
import { setupFromArgs } from "./lab-setup-args.ts";
import { knownCouplings } from "./known-couplings.ts";
import { LAB_STUDY_COLUMNS, labStudy, labStudyCells } from "./lab-study-core.ts";

const args = process.argv.slice(2);
const flag = (n: string, d: string): string => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const dir = args[0]!;
const dies = Number(flag("dies", "100"));
const seed = Number(flag("seed", "1"));
const first = Number(flag("first", "0"));
const only = flag("cell", "");
const progress = args.includes("--progress");
const departures = flag("departure", "").split(",").filter(Boolean);
const setup = setupFromArgs(args);
const known = flag("known-couplings", "");

console.log(`| ${LAB_STUDY_COLUMNS.join(" | ")} |`);
console.log(`|${LAB_STUDY_COLUMNS.map(() => "---").join("|")}|`);
for (const d of cellDesigns(dir)) {
  if (only && !d.name.endsWith(only)) continue;
  const row = labStudy(
    d.name,
    d.circuit,
    d.table,
    dies,
    seed,
    progress ? (s) => process.stderr.write(`${s}\n`) : undefined,
    departures,
    first,
    setup,
    known ? (die) => knownCouplings(known, d.circuit, die) : undefined,
  );
  console.log(`| ${labStudyCells(row).join(" | ")} |`);
}
