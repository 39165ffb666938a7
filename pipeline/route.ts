// One entry point for `optinc compile`: the spec's route picks the pipeline (closed-form digit cells,
// pipeline/closed-form.ts, or the paper's trained ONN, pipeline/compile.ts). Both return the files to
// write, a report with the same top-level verdict fields (onn.exactMatch, onn.casesChecked, ok), the
// HTML report and the summary lines the CLI prints.
import type { CheckedSpec } from "../dsl/spec.ts";
import { compileClosedForm, type ClosedFormResult } from "./closed-form.ts";
import { closedFormHtml } from "./closed-form-html.ts";
import { closedFormSummary } from "./closed-form-summary.ts";
import { compileSpec, type CompileOptions, type CompileResult } from "./compile.ts";
import { reportHtml } from "./report-html.ts";
import type { ClosedFormReport } from "./closed-form-report.ts";
import type { Report } from "./report.ts";
import { toleranceSummaryLines } from "../verify/tolerance/summary-line.ts";

export type CompiledAggregator =
  | { route: "trained"; result: CompileResult; report: Report }
  | { route: "closed-form"; result: ClosedFormResult; report: ClosedFormReport };

export function compileAggregator(checked: CheckedSpec, opts: CompileOptions = {}): CompiledAggregator {
  if (checked.spec.route === "closed-form") {
    const result = compileClosedForm(checked, {
      seed: opts.seed,
      onPass: opts.onPass,
      maxComposeCases: opts.maxComposeCases,
      skipEvaluation: opts.skipEvaluation,
    });
    return { route: "closed-form", result, report: result.report };
  }
  const result = compileSpec(checked, opts);
  return { route: "trained", result, report: result.report };
}

export function aggregatorHtml(c: CompiledAggregator): string {
  return c.route === "closed-form" ? closedFormHtml(c.report, c.result) : reportHtml(c.report, c.result);
}

/** The lines the CLI prints after a compile (without the "wrote N files" line). */
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
