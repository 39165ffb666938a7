// docs/studies/examples.md's "Which fab each design needs" section is generated (scripts/fab-table.ts) from
// docs/figures/fab.json. The page must hold exactly the rendering of the JSON; every Monte-Carlo
// tolerance must carry the confidence its die count reaches and every yield its own interval; and
// the rows must be what measuring the compiled examples gives: the cheapest example's yield columns
// are recomputed here, every row under OPTINC_FULL=1 (npm run test:full).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLES_PAGE, exampleNames } from "../../scripts/examples-table-core.ts";
import {
  FAB_PRESETS,
  FAB_TABLE_OMITS,
  fabRow,
  fabTableExamples,
  measureYields,
  withEmittedFiles,
  YIELD_CHIPS,
  type FabRow,
} from "../../scripts/fab-table-core.ts";
import { FAB_BEGIN, FAB_END, fabTableMarkdown } from "../../scripts/fab-table-render.ts";
import { binomialTail } from "../../verify/tolerance/quantile.ts";
import { percent, yieldInterval } from "../../verify/tolerance/statistics.ts";
import { compiledExample } from "../helpers/examples.ts";
import { dishonestLines } from "../verify/tolerance/honest.ts";

const readme = readFileSync(EXAMPLES_PAGE, "utf8");
const rows = JSON.parse(readFileSync("docs/figures/fab.json", "utf8")) as FabRow[];
const examples = fabTableExamples(exampleNames());
const section = readme.slice(readme.indexOf(FAB_BEGIN), readme.indexOf(FAB_END));

/** What is wrong with the rows' tolerances: a level without the confidence its rank and die count give. */
function confidenceProblems(rs: FabRow[]): string[] {
  const bad: string[] = [];
  for (const r of rs) {
    const t = r.tolerance;
    if (!t) continue;
    for (const [axis, b] of [
      ["couplers", t.couplerImbalance],
      ["phase", t.phaseErrorRad],
      ["detector", t.detectorNoise],
    ] as const) {
      // P(Binomial(dies, 1 %) ≥ rank): the rank-th smallest critical level lies below the true 99 %-yield level.
      const due = binomialTail(t.dies, 0.01, b.rank);
      if (Math.abs(b.confidence - due) > 1e-12) bad.push(`${r.example} ${axis}: confidence ${b.confidence}, ${t.dies} dies give ${due}`);
      const line = fabTableMarkdown([r])
        .split("\n")
        .find((l) => l.startsWith(`| \`${r.example}\``))!;
      if (!line.includes(`(${percent(due)} conf.)`)) bad.push(`${r.example} ${axis}: no "${percent(due)} conf." beside it`);
    }
  }
  return bad;
}

describe("docs/studies/examples.md: which fab each design needs", () => {
  it("holds the rendering of docs/figures/fab.json, one row per example", () => {
    expect(rows.map((r) => r.example).sort()).toEqual(examples);
    expect(readme).toContain(fabTableMarkdown(rows));
  });

  it("leaves out only the examples it names, each with why, under the table", () => {
    expect(Object.keys(FAB_TABLE_OMITS)).toEqual(["cluster-256", "cluster-1024"]);
    expect(examples.length + Object.keys(FAB_TABLE_OMITS).length).toBe(exampleNames().length);
    for (const [ex, why] of Object.entries(FAB_TABLE_OMITS)) expect(section).toContain(`Not in this table: \`${ex}\`: ${why}.`);
  });

  it("states every tolerance with the confidence its die count reaches", () => {
    expect(confidenceProblems(rows)).toEqual([]);
    for (const r of rows.filter((x) => x.tolerance))
      expect(
        section
          .split(`| \`${r.example}\``)[1]!
          .split("\n")[0]!
          .match(/ conf\.\)/g),
      ).toHaveLength(3);
    expect(dishonestLines(section)).toEqual([]);
    // The check fails on a tolerance claimed at more confidence than 30 dies give.
    const overclaimed = rows.map((r) =>
      r.tolerance ? { ...r, tolerance: { ...r.tolerance, phaseErrorRad: { ...r.tolerance.phaseErrorRad, confidence: 0.95 } } } : r,
    );
    expect(confidenceProblems(overclaimed).length).toBeGreaterThan(0);
  });

  it("states every yield as k/n with its own 95% interval", () => {
    for (const r of rows) {
      const counts = r.yields ? FAB_PRESETS.map((p) => r.yields![p]) : r.refused!.chips ? [r.refused!.chips] : [];
      for (const c of counts) expect(section, r.example).toContain(`${c.passing}/${c.trials} (${yieldInterval(c.passing, c.trials)})`);
    }
    const cells = [...section.matchAll(/(\d+)\/(\d+) \(([^)]*)\)/g)];
    expect(cells.length).toBeGreaterThanOrEqual(rows.length);
    for (const m of cells) expect(m[3]).toBe(yieldInterval(Number(m[1]), Number(m[2])));
  });

  it("the section differs from the page once any figure changes", () => {
    const i = rows.findIndex((r) => r.tolerance);
    const t = rows[i]!.tolerance!;
    const changed = rows.map((r, j) =>
      j === i ? { ...r, tolerance: { ...t, couplerImbalance: { ...t.couplerImbalance, level: t.couplerImbalance.level * 1.1 } } } : r,
    );
    expect(readme).not.toContain(fabTableMarkdown(changed));
    const k = rows.findIndex((r) => r.yields);
    const y = rows[k]!.yields!;
    const fewer = rows.map((r, j) =>
      j === k ? { ...r, yields: { ...y, calibrated: { ...y.calibrated, passing: y.calibrated.passing - 1 } } } : r,
    );
    expect(readme).not.toContain(fabTableMarkdown(fewer));
  });

  // The cheapest row: the closed-form paper-4x8-robust (448 cases per chip); its yield columns are
  // what `optinc verify --technology <preset> --trials 100` gives on its emitted files.
  it("paper-4x8-robust: the yield columns are what verify measures on its files", () => {
    const r = compiledExample("paper-4x8-robust");
    const yields = withEmittedFiles({ route: "closed-form", result: r, report: r.report }, (dir, circuits) =>
      measureYields(dir, circuits, YIELD_CHIPS),
    );
    expect(yields).toEqual(rows.find((x) => x.example === "paper-4x8-robust")!.yields);
  });

  if (process.env.OPTINC_FULL)
    for (const ex of examples)
      it(`${ex}: the row is what compiling and measuring it gives`, () => {
        expect(fabRow(ex)).toEqual(rows.find((r) => r.example === ex));
      }, 3_600_000);
});
