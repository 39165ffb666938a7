// The README's "What each example builds" table: every bundled example compiled as `optinc
// compile` compiles it (route = auto runs its structure search), and its row measured on that
// compile: the structure built, MZIs, the yield at its own technology block as k/n with the 95 %
// interval, and the verdict against its yield target. scripts/examples-table.ts writes the rows
// to docs/figures/examples.json and splices the table into README.md; tests/docs/examples-table
// .test.ts checks the README against the JSON and recomputes rows.
import { readFileSync } from "node:fs";
import { loadSpec } from "../dsl/load.ts";
import { compileAggregator } from "../pipeline/route.ts";
import { yieldText } from "../verify/tolerance/statistics.ts";

export interface ExampleRow {
  example: string;
  route: string;
  built: string;
  mzi: number;
  technology: string;
  /** "k/n chips exact (95% CI a–b%)", or a sentence when no chips are drawn. */
  yield: string;
  /** met / MISSED / not shown, or "—" without chips. */
  target: string;
}

export const TABLE_BEGIN = "<!-- examples-table:begin -->";
export const TABLE_END = "<!-- examples-table:end -->";

/** One example compiled in full (the trained route trains: minutes). */
export function exampleRow(example: string): ExampleRow {
  const file = `examples/${example}.optinc`;
  const checked = loadSpec(file, readFileSync(file, "utf8")).checked!;
  const spec = checked.spec;
  const c = compileAggregator(checked, {});
  const tech = spec.technology.preset;
  if (c.route === "trained") {
    const h = c.report.hardware;
    return {
      example,
      route: "trained",
      built: "trained ONN",
      mzi: h.mzi,
      technology: tech,
      yield: tech === "ideal" ? "ideal technology: no chips drawn" : "see the next table",
      target: "—",
    };
  }
  const r = c.report;
  const structure = r.cascade ? `radix-${r.cascade.radix} cascade` : "flat cells";
  const y = r.yield;
  return {
    example,
    route: spec.route,
    built: r.structure ? `${structure} (chosen)` : structure,
    mzi: r.hardware.mzi,
    technology: tech === "spec" ? "spec" : tech,
    yield: y ? yieldText(y.passing, y.trials) : "ideal technology: no chips drawn",
    target: y ? y.target.verdict.replace("missed", "MISSED") : "—",
  };
}

export function examplesTableMarkdown(rows: ExampleRow[]): string {
  const head = "| Example | route | built | MZIs | technology | yield at its technology | target 99 % at 95 % |";
  const sep = "|---|---|---|---|---|---|---|";
  const body = rows.map(
    (r) => `| \`${r.example}\` | ${r.route} | ${r.built} | ${r.mzi.toLocaleString("en-US")} | ${r.technology} | ${r.yield} | ${r.target} |`,
  );
  return [TABLE_BEGIN, head, sep, ...body, TABLE_END].join("\n");
}

export function spliceTable(readme: string, table: string): string {
  const a = readme.indexOf(TABLE_BEGIN);
  const b = readme.indexOf(TABLE_END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${TABLE_BEGIN} … ${TABLE_END} section`);
  return readme.slice(0, a) + table + readme.slice(b + TABLE_END.length);
}
