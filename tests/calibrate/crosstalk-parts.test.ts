// docs/calibration.md §12, "Which part of the class breaks which design": the crosstalk class's
// parts one at a time (fab/departures.ts CROSSTALK_PARTS), as `scripts/lab-study.ts --departure
// <part>` ran them on the quick start's cells. Sampled dies of that table, die by die: the flip and
// chip-wide parts leave add0 dies inexact and refused, divide0 exact and accepted but for its die 1,
// a strong-pair die of add0 exact and accepted. About 25 s, so in the full tier
// (npm run test:full); npm test refuses a crosstalk die in tests/calibrate/acceptance.test.ts.
import { describe, expect, it } from "vitest";
import { type LabStudyRow, labStudy } from "../../scripts/lab-study-core.ts";
import { FULL } from "../helpers/tier.ts";
import { paperCell } from "./fab-fixtures.ts";

/** Die d of a lab study (seed 1), as the study's progress line gives it. */
function die(cell: string, part: string, d: number): LabStudyRow["perDie"][number] {
  const { circuit, table } = paperCell(cell);
  const r = labStudy(`paper_4x8.${cell}`, circuit, table, d + 1, 1, undefined, [part], d);
  expect(r.falsePasses).toBe(0);
  return r.perDie[0]!;
}

describe.runIf(FULL)("the crosstalk class's parts, die by die (docs/calibration.md §12)", () => {
  it("crosstalk-flip: add0 die 5 none of 256 exact and refused; divide0 die 0 exact and accepted, die 1 8 of 16 and refused", () => {
    expect(die("add0", "crosstalk-flip", 5)).toEqual({ exact: 0, cases: 256, accepted: false, readings: expect.any(Number) });
    expect(die("divide0", "crosstalk-flip", 0)).toMatchObject({ exact: 16, accepted: true });
    expect(die("divide0", "crosstalk-flip", 1)).toMatchObject({ exact: 8, accepted: false });
  }, 600_000);

  it("crosstalk-wide: add0 die 0 111 of 256 and refused; crosstalk-strong: add0 die 0 exact and accepted", () => {
    expect(die("add0", "crosstalk-wide", 0)).toMatchObject({ exact: 111, accepted: false });
    expect(die("add0", "crosstalk-strong", 0)).toMatchObject({ exact: 256, accepted: true });
  }, 600_000);
});
