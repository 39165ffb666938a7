// docs/design/structures.md's figures from the code: the search's constants, the statistics it
// states, the divide's widths as one cell and narrow; and docs/studies/structures.md §1's
// decision-bound table (scripts/decision-bounds.ts). One
// cell of that table is measured here (half a second); every cell, with what limits it, under
// OPTINC_FULL=1 (about 10 s). The --explain transcript is tests/docs/structures-explain.test.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_DIVIDE_WIDTH } from "../../aggregate/digit-divide.ts";
import { STEP_KNEE, THRESHOLD_SLOPE } from "../../compiler/cells/cell-network.ts";
import { drawsForConfidence, orderStatisticConfidence } from "../../math/binomial.ts";
import { P_PI_WATTS } from "../../netlist/heater.ts";
import { COMPILE_TOLERANCE_WORK } from "../../pipeline/compile/closed-form.ts";
import { PROBE_DIES } from "../../pipeline/compile/decision-bound.ts";
import { MAX_CASCADE_RADIX, SEARCH_CHECK_BUDGET, SEARCH_FIRST_STAGE } from "../../pipeline/compile/structure-search.ts";
import { OEO_HOP_SECONDS } from "../../pipeline/report/closed-form-report.ts";
import { BOUND_BASES, BOUND_PRESETS, boundCell, boundRow, presetBound } from "../../scripts/decision-bounds-core.ts";
import { missingClaims } from "../../scripts/robustness-core.ts";
import { commas } from "./design.ts";

const doc = readFileSync("docs/design/structures.md", "utf8");
const study = readFileSync("docs/studies/structures.md", "utf8");
const has = (...claims: string[]) => expect(missingClaims(doc, claims)).toEqual([]);
const boundSource = readFileSync("pipeline/compile/decision-bound.ts", "utf8");

/** The table row of `preset`, split into its four cells. */
const tableCells = (text: string, preset: string): string[] =>
  (text.split("\n").find((l) => l.startsWith(`| ${preset} |`)) ?? "")
    .split(" | ")
    .slice(1)
    .map((c) => c.replace(/ \|$/, ""));

describe("docs/design/structures.md: the search's constants", () => {
  it("candidates, cost, stages and budgets", () => {
    has(`r = 2 … min(N − 1, ${MAX_CASCADE_RADIX})`);
    has(`(${OEO_HOP_SECONDS * 1e9} ns each,`);
    has(`costs ${P_PI_WATTS * 1e3} mW per π (\`P_PI_WATTS\`)`);
    has(`- ${SEARCH_FIRST_STAGE} chips (\`SEARCH_FIRST_STAGE\`). A candidate with a failure is stated as k/${SEARCH_FIRST_STAGE}.`);
    has(`0.99ⁿ ≤ 0.05, that is ${drawsForConfidence(0.01, 0.95)} at 99 % and 95 %`);
    has(`${commas(SEARCH_CHECK_BUDGET)} cell cases each (\`SEARCH_CHECK_BUDGET\`;`);
    has(`the compile's budget of ${commas(COMPILE_TOLERANCE_WORK)} cell cases`);
    has(
      `all 20 of its dies stay exact. That is rank 1 of 20, so it carries its confidence (${Math.round(100 * orderStatisticConfidence(20, 0.01))} % at 99 % yield)`,
    );
  });

  it("the decision margin (s − c)/(2s) ≈ 0.44, the divide's widths and the probe ladder", () => {
    has(`margin of (s − c)/(2s) ≈ ${((THRESHOLD_SLOPE - STEP_KNEE) / (2 * THRESHOLD_SLOPE)).toFixed(2)} in v`);
    // A divide built as one cell reads v = L·r + t with r < D: thresholds to L·D − ½; the take-back at (L − 1)·D + ½.
    has(`(${4 * 64 - 0.5} for 64 workers at PAM-4)`, `from a widest θ of ${3 * 16 + 0.5} and ${3 * 64 + 0.5}`);
    has(
      `when L·D exceeds the cell width of ${DEFAULT_DIVIDE_WIDTH})`,
      `(v ≤ ${DEFAULT_DIVIDE_WIDTH}, θ ≤ ${DEFAULT_DIVIDE_WIDTH - 0.5}, \`DEFAULT_DIVIDE_WIDTH\`)`,
    );
    has(`as ${PROBE_DIES} Monte-Carlo dies (\`PROBE_DIES\`)`);
    const c = (name: string) => Number(new RegExp(`const ${name} = ([\\d.]+);`).exec(boundSource)![1]);
    has(
      `per digit sum above ${commas(c("PROBE_CASES"))} inputs), for a ladder of vmax from ${c("PROBE_VMIN")} to ${c("PROBE_VMAX")}, about ${c("PROBE_STEP")}× wider each`,
    );
    has(
      `(${PROBE_DIES}/${PROBE_DIES} exact bounds a probe's die failure rate by ${Math.round(100 * (1 - 0.05 ** (1 / PROBE_DIES)))} % at 95 % confidence)`,
    );
  });
});

describe("docs/studies/structures.md §1: the decision-bound table", () => {
  it("optimistic PAM-16: bound and wall as decisionBound measures them", () => {
    const b = presetBound("optimistic", 16, false);
    const cell = tableCells(study, "optimistic")[BOUND_BASES.indexOf(16)]!;
    expect(cell.startsWith(`θ ≤ ${b.theta};`), cell).toBe(true);
    expect(cell.endsWith(`; wall ${b.wall}`), cell).toBe(true);
  });

  it("a cell reads the measured bound; a doctored row is caught", () => {
    const b = {
      levels: 4,
      theta: 19.5,
      wall: 49.5,
      limitedBy: [],
      ladder: [
        { vmax: 20, theta: 19.5, exactDies: 100, dies: 100 },
        { vmax: 24, theta: 23.5, exactDies: 99, dies: 100 },
        { vmax: 50, theta: 49.5, exactDies: 0, dies: 100 },
      ],
    };
    expect(boundCell(b)).toBe("θ ≤ 19.5; 23.5: 99/100 (no error alone); wall 49.5");
    expect(tableCells(study, "calibrated")[1]).toBe(boundCell(b));
    expect(tableCells(study.replace("θ ≤ 19.5; 23.5: 99/100", "θ ≤ 19.5; 23.5: 96/100"), "calibrated")[1]).not.toBe(boundCell(b));
  });

  if (process.env.OPTINC_FULL)
    it("every row is what scripts/decision-bounds.ts measures", () => {
      for (const p of BOUND_PRESETS)
        expect(
          missingClaims(study, [
            boundRow(
              p,
              BOUND_BASES.map((L) => boundCell(presetBound(p, L))),
            ),
          ]),
        ).toEqual([]);
    }, 300_000);
});
