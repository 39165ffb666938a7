// `npm run bench -- calibrate`: calibration from readings on dies that depart from the preset the
// way real dies do (fab/departures.ts, docs/studies/calibration.md §6): for each departure class, 100
// fabricated dies per cell design of paper-4x8 measured by the simulated lab, calibrated from their
// readings alone and judged by the acceptance round; exact on the true die, accepted on readings,
// and false passes (accepted but not exact: must be 0). OPTINC_BENCH_DIES=N changes the die count,
// OPTINC_BENCH_DEPARTURES=a,b runs only those classes ("none": the preset's dies).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSpec } from "../../dsl/load.ts";
import { DEPARTURE_NAMES, DEPARTURES } from "../../fab/departures.ts";
import { compileAggregator } from "../../pipeline/compile/route.ts";
import { cellDesigns } from "../../scripts/fab-study-core.ts";
import { LAB_STUDY_COLUMNS, labStudy, labStudyCells } from "../../scripts/lab-study-core.ts";
import type { BenchModule } from "./run.ts";

export const bench: BenchModule = {
  name: "calibrate-departures",
  run() {
    const dies = Number(process.env.OPTINC_BENCH_DIES ?? 100);
    const only = (process.env.OPTINC_BENCH_DEPARTURES ?? "").split(",").filter(Boolean);
    const classes = ["none", ...DEPARTURE_NAMES].filter((c) => only.length === 0 || only.includes(c));
    const file = "examples/paper-4x8.optinc";
    const checked = loadSpec(file, readFileSync(file, "utf8")).checked!;
    const result = compileAggregator(checked, { skipEvaluation: true }).result;
    const dir = mkdtempSync(join(tmpdir(), "optinc-departures-bench-"));
    const rows: string[][] = [];
    try {
      for (const [f, text] of result.files) writeFileSync(join(dir, f), text);
      const designs = cellDesigns(dir);
      for (const c of classes)
        for (const d of designs)
          rows.push([c, ...labStudyCells(labStudy(d.name, d.circuit, d.table, dies, 1, undefined, c === "none" ? [] : [c]))]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return [
      {
        title: `Calibration from readings on departing dies (${dies} per cell design and class)`,
        columns: ["departure", ...LAB_STUDY_COLUMNS],
        rows,
        notes: [
          "Intervals: 95 % Clopper–Pearson. Exact: on the true die over every raw input. Accepted: by the acceptance round's readings alone.",
          "False passes: accepted but not exact on the true die.",
          ...DEPARTURES.filter((d) => classes.includes(d.name)).map((d) => `${d.name}: ${d.what} (${d.source}).`),
        ],
      },
    ];
  },
};
