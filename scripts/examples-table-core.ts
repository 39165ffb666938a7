// docs/studies/examples.md's "What each example builds" table: every bundled example compiled as `optinc
// compile` compiles it (route = auto runs its structure search), and its row measured on that
// compile: the structure built, MZIs, the yield at its own technology block as k/n with the 95 %
// interval, and the verdict against its yield target. scripts/examples-table.ts writes the rows
// to docs/figures/examples.json and splices the table into that page; tests/docs/examples-table
// .test.ts checks the page against the JSON and recomputes rows.
import { readdirSync, readFileSync } from "node:fs";
import { loadSpec } from "../dsl/load.ts";
import { compileAggregator, StructureRefused } from "../pipeline/compile/route.ts";
import { bestRow } from "../pipeline/compile/structure-search.ts";
import { yieldInterval } from "../verify/tolerance/statistics.ts";
import { technologyPreset } from "../dsl/technology-presets.ts";
import type { TechnologySpec } from "../dsl/spec.ts";
import type { ClosedFormReport } from "../pipeline/report/closed-form-report.ts";
import { tapText } from "../pipeline/compile/structure-table.ts";

/** "calibrated", or "calibrated, mzi_loss 0.03 dB" when the block overrides the preset. */
export function technologyLabel(t: TechnologySpec): string {
  const p = technologyPreset(t.preset)!;
  const diffs: string[] = [];
  if (t.mziLossDb !== p.mziLossDb) diffs.push(`mzi_loss ${t.mziLossDb} dB`);
  if (t.splitterImbalance !== p.splitterImbalance) diffs.push(`splitter_imbalance ${t.splitterImbalance}`);
  if (t.phaseNoise !== p.phaseNoise) diffs.push(`phase_noise ${+(t.phaseNoise * 1e3).toPrecision(3)} mrad`);
  if (t.dacBits !== p.dacBits) diffs.push(`dac_bits ${t.dacBits ?? "off"}`);
  if (t.detectorNoise !== p.detectorNoise) diffs.push(`detector_noise ${t.detectorNoise}`);
  return [t.preset, ...diffs].join(", ");
}

export interface ExampleRow {
  example: string;
  route: string;
  built: string;
  /** null: nothing was built (a refusal with no candidate exact on its cells). */
  mzi: number | null;
  technology: string;
  /** "k/n (a–b%)": chips exact of chips drawn, with the 95 % interval; or a sentence when none are drawn. */
  yield: string;
  /** met / MISSED / not shown, or "—" without chips. */
  target: string;
  /**
   * The compile's light at its preset's lasers: "264 × 25 mW; 2.2e-20; 10.5 mW" (sources, errors
   * per aggregated value, the modulator tap 1e-12 needs), or "—" with no light budget.
   */
  light: string;
}

/** The bundled examples' names (examples/*.optinc), sorted. */
export function exampleNames(): string[] {
  return readdirSync("examples")
    .filter((f) => f.endsWith(".optinc"))
    .map((f) => f.replace(/\.optinc$/, ""))
    .sort();
}

/** "flat cells" or "radix-2 cascade": the structure a closed-form compile built. */
export const structureLabel = (r: ClosedFormReport): string =>
  `${r.cascade ? `radix-${r.cascade.radix} cascade` : "flat cells"}${r.spec.innerLevels ? `, PAM-${r.spec.innerLevels} inside` : ""}`;

/** A compile's light section as one cell of the table. */
export function lightCell(r: ClosedFormReport): string {
  const l = r.light;
  if (!l) return "—";
  const tap = l.neededTapMw === null ? "none ≤ 10 kW" : tapText(l.neededTapMw);
  return `${l.sources.toLocaleString("en-US")} × ${l.laserMw} mW; ${l.ratePerValue.toExponential(1)}; ${tap}`;
}

/** The yield cell of a refusal that built no structure. */
export const NO_CHIPS_BUILT = "no structure built: no chips drawn";

const kOfN = (k: number, n: number): string => `${k}/${n} (${yieldInterval(k, n)})`;

/** The page both example tables are spliced into. */
export const EXAMPLES_PAGE = "docs/studies/examples.md";

export const TABLE_BEGIN = "<!-- examples-table:begin -->";
export const TABLE_END = "<!-- examples-table:end -->";

/** One example compiled in full (the trained route trains: minutes). */
export function exampleRow(example: string): ExampleRow {
  const file = `examples/${example}.optinc`;
  const checked = loadSpec(file, readFileSync(file, "utf8")).checked!;
  const spec = checked.spec;
  const tech = technologyLabel(spec.technology);
  let c: ReturnType<typeof compileAggregator>;
  try {
    c = compileAggregator(checked, {});
  } catch (e) {
    if (!(e instanceof StructureRefused)) throw e;
    const best = e.search.rows[bestRow(e.search.rows)]!;
    // No candidate exact on its emitted cells: none was built, so no chips were drawn.
    if (!best.yield)
      return {
        example,
        route: spec.route,
        built: `refused (OPT3007): ${e.search.reason}`,
        mzi: null,
        technology: tech,
        yield: NO_CHIPS_BUILT,
        target: "—",
        light: "—",
      };
    return {
      example,
      route: spec.route,
      built: `refused (OPT3007); best: ${best.label}`,
      mzi: best.cost.mzi,
      technology: tech,
      yield: kOfN(best.yield.passing, best.yield.trials),
      target: best.yield.verdict.replace("missed", "MISSED"),
      light: "—",
    };
  }
  if (c.route === "trained") {
    const h = c.report.hardware;
    return {
      example,
      route: "trained",
      built: "trained ONN",
      mzi: h.mzi,
      technology: tech,
      yield: spec.technology.preset === "ideal" && tech === "ideal" ? "ideal technology: no chips drawn" : "see the next table",
      target: "—",
      light: "—",
    };
  }
  const r = c.report;
  const structure = structureLabel(r);
  const y = r.yield;
  return {
    example,
    route: spec.route,
    built: r.structure ? `${structure} (chosen)` : structure,
    mzi: r.hardware.mzi,
    technology: tech,
    yield: y ? kOfN(y.passing, y.trials) : "ideal technology: no chips drawn",
    target: y ? y.target.verdict.replace("missed", "MISSED") : "—",
    light: lightCell(r),
  };
}

export function examplesTableMarkdown(rows: ExampleRow[]): string {
  const head =
    "| Example | route | built | MZIs | technology | chips exact at its technology (95% CI) | target 99 % at 95 % | light: lasers; errors per value; tap 1e-12 needs |";
  const sep = "|---|---|---|---|---|---|---|---|";
  const body = rows.map(
    (r) =>
      `| \`${r.example}\` | ${r.route} | ${r.built} | ${r.mzi === null ? "—" : r.mzi.toLocaleString("en-US")} | ${r.technology} | ${r.yield} | ${r.target} | ${r.light} |`,
  );
  return [TABLE_BEGIN, head, sep, ...body, TABLE_END].join("\n");
}

/** Replace what lies between two markers (these by default) with `table`, which holds them again. */
export function spliceTable(readme: string, table: string, begin = TABLE_BEGIN, end = TABLE_END): string {
  const a = readme.indexOf(begin);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error(`the page has no ${begin} … ${end} section`);
  return readme.slice(0, a) + table + readme.slice(b + end.length);
}
