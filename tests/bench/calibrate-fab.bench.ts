// `npm run bench -- calibrate`: 100 fabricated foundry dies per cell design of paper-4x8 through
// the ORACLE calibration (the true die model, docs/studies/calibration.md §2; calibration from readings is
// calibrate-lab.bench.ts): exact dies k/n with 95 % Clopper–Pearson intervals and calibration time.
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { flatUnit } from "../../aggregate/unit.ts";
import { writeCellInfo } from "../../aggregate/circuit-info.ts";
import { CELL_HEADROOM, chipCircuits } from "../../compiler/cells/chip-circuits.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { FAB_STUDY_COLUMNS, fabStudy, fabStudyCells } from "../../scripts/fab-study-core.ts";
import type { BenchModule } from "./run.ts";

export const bench: BenchModule = {
  name: "calibrate-oracle-fabricated",
  run() {
    const chip = planDigitChip(flatUnit(4, 8, 4, "nearest-even"));
    const rows = chipCircuits(chip, { levels: 4, headroom: CELL_HEADROOM, mziLossDb: 0.02 }).map((d) => {
      const c = circuitFromPhaseTable(d.table, `paper_4x8.${d.name}`);
      c.info = {
        ...c.info,
        spec_name: "paper_4x8",
        rounding: "nearest-even",
        route: "closed-form",
        ...writeCellInfo(d, chip),
        cell_instances: d.instances.length,
      };
      return fabStudyCells(fabStudy(`paper_4x8.${d.name}`, readNetlistJson(writeNetlistJson(c)), d.table, 100, 1));
    });
    return [
      {
        title: "Fabricated foundry dies of paper-4x8, oracle calibration (true die model)",
        columns: FAB_STUDY_COLUMNS,
        rows,
        notes: ["Intervals: 95 % Clopper–Pearson. The oracle reads the die; the next table calibrates from readings alone."],
      },
    ];
  },
};
