// `npm run bench -- calibrate`: 100 fabricated foundry dies per cell design of paper-4x8 and
// paper-4x8-robust, each measured by the simulated lab and calibrated from its readings alone
// (docs/studies/calibration.md §4), then accepted on its true die over every raw input of the cell: exact
// dies k/n with 95 % Clopper–Pearson intervals, readings per MZI, lab time, calibration time and
// how well the estimated die knows the true one. OPTINC_BENCH_DIES=N changes the die count.
// The trained design has no sparse stages and no discarded light to read: it is not calibratable
// from readings (docs/studies/calibration.md §4).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSpec } from "../../dsl/load.ts";
import { compileAggregator } from "../../pipeline/compile/route.ts";
import { cellDesigns } from "../../scripts/fab-study-core.ts";
import { LAB_STUDY_COLUMNS, labStudy, labStudyCells } from "../../scripts/lab-study-core.ts";
import type { BenchModule } from "./run.ts";

const EXAMPLES = ["paper-4x8", "paper-4x8-robust"];

export const bench: BenchModule = {
  name: "calibrate-from-readings",
  run() {
    const dies = Number(process.env.OPTINC_BENCH_DIES ?? 100);
    const rows: string[][] = [];
    for (const ex of EXAMPLES) {
      const file = `examples/${ex}.optinc`;
      const checked = loadSpec(file, readFileSync(file, "utf8")).checked!;
      const result = compileAggregator(checked, { skipEvaluation: true }).result;
      const dir = mkdtempSync(join(tmpdir(), "optinc-lab-bench-"));
      try {
        for (const [f, text] of result.files) writeFileSync(join(dir, f), text);
        for (const d of cellDesigns(dir)) rows.push(labStudyCells(labStudy(d.name, d.circuit, d.table, dies, 1)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return [
      {
        title: `Fabricated foundry dies calibrated from readings alone (${dies} per cell design)`,
        columns: LAB_STUDY_COLUMNS,
        rows,
        notes: [
          "Intervals: 95 % Clopper–Pearson. Each die is accepted on its true die over every raw input of its cell (what verify --measured checks).",
          "Calibration time is the wall time of planning and estimation on this machine, the simulated instruments excluded.",
        ],
      },
    ];
  },
};
