// One entry point for `optinc compile`: the spec's route picks the pipeline (auto: the structure
// search, pipeline/compile/structure-search.ts, then the closed-form cells it chose; closed-form digit cells,
// pipeline/compile/closed-form.ts; or the paper's trained ONN, pipeline/compile/trained.ts). Both return the files to
// write, a report with the same top-level verdict fields (onn.exactMatch, onn.casesChecked, ok), the
// HTML report and the summary lines the CLI prints.
import type { CheckedSpec, Spec } from "../../dsl/spec.ts";
import { CompileError } from "../../compiler/errors.ts";
import { COMPILE } from "../../codes/catalogue.ts";
import { bestRow, searchStructures } from "./structure-search.ts";
import type { StructureRow, StructureSearch } from "../types.ts";
import { breakingErrors } from "./decision-bound.ts";
import { technologyOf } from "../../dsl/technology.ts";
import { compileClosedForm, type ClosedFormResult } from "./closed-form.ts";
import { closedFormHtml } from "../report/closed-form-html.ts";
import { closedFormDigest, closedFormSummary } from "../report/closed-form-summary.ts";
import { compileSpec, type CompileOptions, type CompileResult } from "./trained.ts";
import { reportHtml } from "../report/report-html.ts";
import type { ClosedFormReport } from "../report/closed-form-report.ts";
import type { Report } from "../report/report.ts";
import { toleranceSummaryLines } from "../../verify/tolerance/summary-line.ts";
import type { LayoutSection } from "../../verify/report/types.ts";
import type { CompileLayout } from "../layout/compile-layout.ts";

export type CompiledAggregator =
  | { route: "trained"; result: CompileResult; report: Report }
  | { route: "closed-form"; result: ClosedFormResult; report: ClosedFormReport };

export interface AggregatorOptions extends CompileOptions {
  /** route = auto: try every structure and its tolerance (optinc compile --explain). */
  explain?: boolean;
  /** route = auto: cell cases per Monte-Carlo chip above which a structure is tried last (optinc compile --check-budget). */
  checkBudget?: number | undefined;
}

/** route = auto found no structure that meets the yield target: compile exits 1 and writes nothing. */
export class StructureRefused extends CompileError {
  constructor(
    readonly search: StructureSearch,
    spec: Spec,
    seed: number,
  ) {
    super(COMPILE.noStructure, refusalMessage(search, spec, seed), "target.yield", refusalHint(search, spec.technology.mziLossDb));
  }
}

export function compileAggregator(checked: CheckedSpec, opts: AggregatorOptions = {}): CompiledAggregator {
  if (checked.spec.route === "auto") return compileAuto(checked, opts);
  if (checked.spec.route === "closed-form") {
    const result = compileClosedForm(checked, {
      seed: opts.seed,
      onPass: opts.onPass,
      maxComposeCases: opts.maxComposeCases,
      skipEvaluation: opts.skipEvaluation,
      jobs: opts.jobs,
    });
    return { route: "closed-form", result, report: result.report };
  }
  const result = compileSpec(checked, opts);
  return { route: "trained", result, report: result.report };
}

/** route = auto: search, then compile the chosen structure, its chips confirmed on the emitted netlists. */
function compileAuto(checked: CheckedSpec, opts: AggregatorOptions): CompiledAggregator {
  const seed = opts.seed ?? checked.spec.training.seed;
  // A structure whose emitted cells are not exact (a cell biased for the block's MZI loss can miss
  // with ideal parts) is never the answer: it is excluded and the search runs again.
  const exclude = new Map<string, string>();
  for (;;) {
    opts.onPass?.("search");
    const { search, chosen } = searchStructures(checked, {
      seed,
      explain: opts.explain ?? false,
      exclude,
      jobs: opts.jobs,
      checkBudget: opts.checkBudget,
    });
    if (!chosen) throw new StructureRefused(search, checked.spec, seed);
    const result = compileClosedForm(
      { ...checked, spec: chosen.spec },
      {
        seed,
        onPass: opts.onPass,
        maxComposeCases: opts.maxComposeCases,
        skipEvaluation: opts.skipEvaluation,
        jobs: opts.jobs,
        structure: search,
        // The search drew its chips on these very netlists when the emitted files are byte-identical;
        // otherwise the evaluate pass draws its own.
        chipTrials: (_designs, files) =>
          chosen.trials && [...chosen.netlists].every(([f, text]) => files.get(f) === text) ? chosen.trials : null,
      },
    );
    if (result.report.ok) return { route: "closed-form", result, report: result.report };
    exclude.set(search.rows[search.chosen!]!.label, notExact(result.report));
  }
}

/**
 * The hint of a closed-form compile that is not exact (OPT3001). Only when every cell is exact with
 * ideal parts, at the nominal loss and across its loss band, and the chip composed from them still
 * disagrees with the golden average, is it a bug; otherwise the hint names the cell and the check.
 */
export function closedFormNotExactHint(r: ClosedFormReport): string {
  const cellFails = r.cells.some(
    (c) => c.exact < c.cases || (c.atDesignLoss !== null && c.atDesignLoss.exact < c.cases) || c.lossBand.exact < c.cases,
  );
  if (!cellFails)
    return "every cell is exact on its own, yet the composed chip is not: this is a bug in optinc, please report it with the spec";
  return `${notExact(r)}: each cell is checked with ideal parts, at the nominal MZI loss and across the loss band its biases track, and the chip is composed from the cells read with ideal parts, so a cell exact at one loss only makes it inexact (docs/reference/chip-files.md §5); route = auto builds only structures exact at every check`;
}

/** Why a compiled structure is not exact, in the words of its report. */
function notExact(r: ClosedFormReport): string {
  const cell = r.cells.find(
    (c) => c.exact < c.cases || (c.atDesignLoss !== null && c.atDesignLoss.exact < c.cases) || c.lossBand.exact < c.cases,
  );
  if (cell)
    return cell.exact < cell.cases
      ? `not exact: ${cell.design} decodes ${cell.exact}/${cell.cases} inputs with ideal parts`
      : cell.atDesignLoss !== null && cell.atDesignLoss.exact < cell.cases
        ? `not exact: ${cell.design} decodes ${cell.atDesignLoss.exact}/${cell.cases} inputs at the nominal loss`
        : `not exact: ${cell.design} decodes ${cell.lossBand.exact}/${cell.cases} inputs at ${cell.lossBand.worstDb} dB per MZI`;
  return `not exact end to end: ${r.onn.composed.exact}/${r.onn.composed.cases} composed cases`;
}

/** The refusal names the best structure, its yield and its widest decision against the technology's bound. */
function refusalMessage(s: StructureSearch, spec: Spec, seed: number): string {
  const best = s.rows[bestRow(s.rows)]!;
  const widest = best.yield && best.cost.widestDecision.theta > 0 ? `; ${widestText(s, best, spec, seed)}` : "";
  return `route = auto found no structure that meets the yield target: ${s.reason}${widest}`;
}

/** What would pass (the technology scale the best structure tolerates) and what to change. */
function refusalHint(s: StructureSearch, mziLossDb: number): string {
  const best = s.rows[bestRow(s.rows)]!;
  // No cell decodes exactly: a better yield target or an explicit route cannot help. The biases
  // track the loss, so it is not the loss (and a smaller mzi_loss would not help either).
  if (!best.yield)
    return `every structure has a cell that is not exact with ideal parts, at the ${mziLossDb} dB nominal MZI loss or across the loss band its biases track (the notes of --explain say which); the cells are exact at any uniform loss by construction, so this is a bug in optinc: please report it with the spec (docs/design/structures.md)`;
  const t = best.tolerance;
  const need = !t
    ? `${best.label} came closest`
    : t.scale < 0.01
      ? `${best.label} fails on some of ${t.dies} dies even with the ${s.technology} errors scaled near 0, so what limits it is not scaled: the DAC`
      : `${best.label} stays exact on all ${t.dies} dies up to ${+t.scale.toPrecision(2)}× ${s.technology} (${Math.round(100 * t.confidence)}% confidence at 99% yield): it would pass at a technology about ${+(1 / t.scale).toPrecision(2)}× better`;
  // Never advise what the spec already declares: a calibrated die is already assumed calibrated.
  const better =
    s.technology === "calibrated"
      ? "a better technology than calibrated (smaller coupler and phase errors after calibration)"
      : "a better technology (optinc calibrate: preset = calibrated)";
  return `${need}; use ${better}, a lower yield, or route = closed-form to build a structure anyway (the miss is then a warning); optinc compile --explain lists every structure`;
}

/**
 * The best structure's widest decision against the technology's decision bound for its cells, and
 * the errors that break a decision that wide (docs/design/structures.md §4).
 */
function widestText(s: StructureSearch, row: StructureRow, spec: Spec, seed: number): string {
  const w = row.cost.widestDecision;
  const L = row.structure.innerLevels ?? spec.levels;
  const b = s.decisionBounds.find((x) => x.levels === L);
  const at = `its widest decision is θ = ${w.theta} in cell ${w.cell}`;
  if (!b) return at;
  const breaks = breakingErrors(technologyOf(spec.technology), L, w.theta, seed);
  const bound =
    b.theta === null
      ? `no PAM-${L} probe cell is exact on every ${s.technology} die`
      : `${s.technology}'s bound for PAM-${L} cells is θ ≤ ${b.theta}`;
  const by = breaks.length ? `it fails under ${breaks.join(", ")} alone` : "no single error breaks it, their sum does";
  return `${at}; ${bound}; ${by}`;
}

/** The report page; `layout`: its Layout section (optinc compile --layout, pipeline/layout/compile-layout.ts). */
export function aggregatorHtml(c: CompiledAggregator, layout?: LayoutSection): string {
  return c.route === "closed-form" ? closedFormHtml(c.report, c.result, layout) : reportHtml(c.report, c.result, layout);
}

/** Every file `optinc compile` writes: the emitted files, the HTML report and report.json (which lists them all). */
export function aggregatorFiles(c: CompiledAggregator, layout: CompileLayout | null = null): Map<string, string | Uint8Array> {
  const name = c.report.name;
  const files = new Map<string, string | Uint8Array>(c.result.files);
  if (layout) for (const [f, body] of layout.files) files.set(f, body);
  files.set(`${name}.report.html`, aggregatorHtml(c, layout?.section));
  c.report.artifacts = [...files.keys(), `${name}.report.json`].sort();
  const json = layout ? { ...c.report, layout: layout.summary } : c.report;
  files.set(`${name}.report.json`, JSON.stringify(json, null, 2) + "\n");
  return files;
}

/** The default lines the CLI prints after a compile, each under 100 characters (without the "wrote" line). */
export function aggregatorDigest(c: CompiledAggregator, bold: (s: string) => string): string[] {
  if (c.route === "closed-form") return closedFormDigest(c.report, bold);
  const r = c.report;
  const pct = (x: number): string => `${(100 * x).toFixed(x === 1 ? 0 : 3)}%`;
  const how = r.onn.composed ? "end to end" : r.onn.exhaustive ? "(every case)" : "(stratified)";
  return [
    `${bold(r.name)}: trained ONN${r.cascade ? ` (${r.cascade.units} units)` : ""}, ${r.hardware.mzi.toLocaleString("en-US")} MZIs, area ratio ${r.hardware.areaRatio.toFixed(3)}`,
    `  exact: ${pct(r.onn.exactMatch)} of ${r.onn.casesChecked.toLocaleString("en-US")} cases ${how}`,
    `  yield: ${r.spec.technology.preset} technology${r.spec.technology.preset === "ideal" ? ", no chips drawn" : ": optinc verify --tolerance measures it"}`,
  ];
}

/** The lines the CLI prints after a compile with --verbose (without the "wrote N files" line). */
export function aggregatorSummary(c: CompiledAggregator, bold: (s: string) => string): string[] {
  if (c.route === "closed-form") return closedFormSummary(c.report, bold);
  const report = c.report;
  const pct = (x: number): string => `${(100 * x).toFixed(x === 1 ? 0 : 3)}%`;
  const h = report.hardware;
  return [
    `${bold(report.name)}: exact match ${pct(report.onn.exactMatch)} over ${report.onn.casesChecked} cases` +
      (report.onn.composed
        ? ` end to end: ${report.onn.composed.description}`
        : report.onn.exhaustive
          ? " (every case of the reduced space)"
          : " (stratified)"),
    ...(report.slices
      ? report.slices.map(
          (ch) =>
            `  digit slices${ch.level !== null ? ` (level ${ch.level})` : ""}: ${ch.slices.map((s) => `${s.file} ${s.cases} cases`).join(", ")}`,
        )
      : []),
    `  MZIs ${h.mzi} vs ${h.mziUnapproximated} unapproximated: area ratio ${h.areaRatio.toFixed(3)}` +
      (h.treeMzi ? `; + ${h.treeMzi} tree MZIs (trees = mzi): ${h.areaRatioWithTrees.toFixed(3)} with them` : "") +
      (report.cascade
        ? `; cascade of ${report.cascade.units} units, +${(100 * report.cascade.overheadVsBaseUnits).toFixed(1)}% vs base units`
        : ""),
    ...(report.tolerance ? toleranceSummaryLines(report.tolerance) : []),
  ];
}
