// cellCaseCount (aggregate/cell-cases.ts) is what the light pass decides a cell's budgetability on
// before its circuit is built: it must give cellCases' count for every planned cell, raw and
// summed alike. Planted fault: drop the factor 2 of the summed patterns (or the `+ 1` of sum 0)
// and the summed cells disagree.
import { describe, expect, it } from "vitest";
import { readCellInfo, writeCellInfo } from "../../aggregate/circuit-info.ts";
import { cellCaseCount, cellCases } from "../../aggregate/cell-cases.ts";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { planCascade } from "../../aggregate/cascade.ts";
import { flatUnit, type UnitFunction } from "../../aggregate/unit.ts";

const units: UnitFunction[] = [
  flatUnit(4, 8, 4, "nearest-even"),
  flatUnit(8, 8, 2, "floor"),
  flatUnit(5, 6, 8, "nearest-away"),
  ...planCascade(16, 4, 8, 4, "nearest-even").levels.map((l) => l.fn),
];

describe("cellCaseCount", () => {
  it("is cellCases' count for every cell of planned chips, raw and summed", () => {
    let raw = 0;
    let summed = 0;
    for (const fn of units) {
      const chip = planDigitChip(fn);
      for (const [i, cell] of chip.cells.entries()) {
        const f = readCellInfo(writeCellInfo({ name: cell.name, instances: [i], cell }, chip))!;
        // A small cap sums every cell with more than 8 worker patterns: both branches are met.
        for (const cap of [undefined, 8]) {
          const c = cellCases(f, cap);
          expect(cellCaseCount(f, cap), `${fn.workers} workers, ${cell.name}, cap ${cap}`).toBe(c.cases);
          if (c.raw) raw++;
          else summed++;
        }
      }
    }
    expect(raw).toBeGreaterThan(0);
    expect(summed).toBeGreaterThan(0);
  });
});
