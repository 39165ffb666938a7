// verify's short summary of a closed-form chip keeps the terminal discipline (docs/reference/cli.md
// §1: at most 6 lines of at most 100 characters) on a chip of a thousand cell copies, where the
// exact line and the end-to-end count no longer fit one line (cluster-256: 101 characters); the
// quick start's stays one line. The planted fault, beside it: joined always, the long line breaks it.
import { describe, expect, it } from "vitest";
import { formatClosedForm, type ClosedFormVerifyResult } from "../../../verify/cells/verify-closed-form.ts";
import { terseProblems } from "../../helpers/terse.ts";

function result(copies: number, cases: number): ClosedFormVerifyResult {
  const band = { exact: 64, worstDb: 1, fromDb: 0, toDb: 1 };
  const cell = { design: "c.add0", copies, cases: 64, exact: 64, raw: true, atLoss: null, band };
  return {
    target: "out",
    spec: { workers: 256, precision: 8, levels: 4, innerLevels: 2, rounding: "nearest-even" },
    identity: [],
    cells: Array.from({ length: 26 }, () => ({ ...cell, copies: Math.round(copies / 26) })),
    composed: [{ cases, exact: cases, mode: "sampled", edgeCases: 36, histogram: { "0": cases }, description: "" }],
    trials: null,
    failures: [],
    pass: true,
  } as unknown as ClosedFormVerifyResult;
}

describe("verify's short summary of a closed-form chip", () => {
  it("puts the end-to-end count on its own line only when one line would pass 100 characters", () => {
    const big = formatClosedForm(result(1198, 200_000), (p) => p);
    expect(terseProblems(big)).toEqual([]);
    expect(big).toMatch(/^ {2}end to end 200000\/200000$/m);
    const small = formatClosedForm(result(9, 390_625), (p) => p);
    expect(small).toMatch(/on every raw input at 0–1 dB\/MZI; end to end 390625\/390625$/m);
    // The planted fault: the two parts joined on one line break the discipline.
    const joined = big.replace(/\n {2}end to end/, "; end to end");
    expect(terseProblems(joined)).not.toEqual([]);
  });
});
