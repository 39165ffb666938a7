// optinc compile <spec> [-o dir] [--seed n] [--jobs N]: spec → trained, Σ·U-approximated ONN → every netlist
// backend, phase tables and <name>.report.json/.html, verified on the emitted netlist.
import { join, resolve } from "node:path";
import { InvalidArgumentError } from "commander";
import cliProgress from "cli-progress";
import {
  aggregatorDigest,
  aggregatorFiles,
  aggregatorSummary,
  closedFormNotExactHint,
  compileAggregator,
  StructureRefused,
} from "../../pipeline/compile/route.ts";
import { structureTable } from "../../pipeline/compile/structure-table.ts";
import { CompileError } from "../../compiler/errors.ts";
import { diagnosticAt } from "../../dsl/diagnostics.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { inputPath, loadSpecOrReport } from "../spec-input.ts";
import { COMPILE } from "../../codes/catalogue.ts";
import { layoutOfCompile, type CompileLayout, type LayoutSummary } from "../../pipeline/layout/compile-layout.ts";
import { LayoutInputError } from "../../pipeline/layout/layout.ts";
import { integer, seedArg } from "../option-parsers.ts";

const checkBudgetArg = integer("--check-budget", 1, 1_000_000_000);

function jobsArg(v: string): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || Number(v) > 256)
    throw new InvalidArgumentError(`--jobs must be an integer in 1..256, got "${v}"`);
  return Number(v);
}

export const registerCompile: RegisterCommand = (program, ctx) => {
  program
    .command("compile")
    .description("compile a spec into a verified optical aggregator: netlists, phase tables and a report")
    .argument("<spec>", "aggregation spec (.optinc, .yaml or .yml)")
    .option("-o, --out <dir>", "output directory", "out")
    .option("--seed <n>", "training seed (default: the spec's training.seed)", seedArg)
    .option(
      "--jobs <N>",
      "threads for Monte-Carlo trials and the compose pass's cases (default: the core count; the output does not depend on it)",
      jobsArg,
    )
    .option("--force", "compile even when the resource estimate is above its limits (docs/reference/cli.md §9.1)")
    .option(
      "--no-evaluate",
      "skip the evaluate pass (technology yield trials, MNIST training emulation): faster; the report has null there",
    )
    .option(
      "--explain",
      "route = auto: try every structure and print the table of structures considered (cost, light, energy, yield, tolerance)",
    )
    .option(
      "--check-budget <cases>",
      "route = auto: cell cases per Monte-Carlo chip above which a structure is tried only after every structure within it (default 300000; docs/design/structures.md)",
      checkBudgetArg,
    )
    .option(
      "--layout",
      "also lay out the chip as optinc layout does: <name>.gds, its pad map and summary join the output set, and the report gets a Layout section",
    )
    .addHelpText(
      "after",
      "\nExample:\n  $ optinc compile examples/paper-4x8.optinc -o out/\n  $ optinc compile examples/paper-4x8.optinc -o out/ --layout\n  $ optinc --json compile examples/paper-4x8.optinc -o out/ > result.json\n\nThe output set is written all or nothing: on failure or Ctrl-C the directory is left as it was.",
    )
    .action(
      async (
        specPath: string,
        flags: {
          out: string;
          seed?: number;
          jobs?: number;
          force?: boolean;
          evaluate: boolean;
          explain?: boolean;
          layout?: boolean;
          checkBudget?: number;
        },
      ) => {
        const out = new CommandOutput(ctx, "compile");
        const dir = resolve(ctx.io.cwd, flags.out);
        out.reads(specPath, "spec");
        if (!(await out.checkOutput("dir", dir, flags.out))) return void out.finish(null);
        const checked = await loadSpecOrReport(specPath, ctx, out);
        if (!checked) return void out.finish(null);
        const g = out.g;
        const live = !g.json && !g.quiet;
        const bar =
          live && ctx.io.stderr.isTTY
            ? new cliProgress.SingleBar(
                {
                  stream: ctx.io.stderr as unknown as NodeJS.WriteStream,
                  format: "train {unit} |{bar}| epoch {value}/{total} · exact {exact} · {phase}",
                  hideCursor: true,
                },
                cliProgress.Presets.shades_classic,
              )
            : null;
        let current = "";
        const started = performance.now();
        let result;
        try {
          result = compileAggregator(checked, {
            seed: flags.seed,
            ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
            force: flags.force,
            explain: flags.explain,
            checkBudget: flags.checkBudget,
            skipEvaluation: !flags.evaluate,
            onPass: (p) => out.progress(`${p}…`),
            onEpoch: (unit, s, budget) => {
              if (bar) {
                if (unit !== current) {
                  if (current) bar.stop();
                  bar.start(2 * budget, 0, { unit, exact: "", phase: "" });
                  current = unit;
                }
                bar.update(s.epoch, { exact: `${s.exact}`, phase: s.phase });
              } else if (live && g.verbose && (s.epoch % 10 === 0 || s.violations === 0)) {
                out.note(`  ${unit} epoch ${s.epoch} (${s.phase}): exact ${s.exact}, margin violations ${s.violations}`);
              }
            },
          });
        } catch (e) {
          bar?.stop();
          if (!(e instanceof CompileError)) throw e;
          const loc = checked.locations[e.path] ?? checked.locations["technology.preset"] ?? { file: specPath, line: 1, column: 1 };
          out.report([diagnosticAt(loc, e.code, e.message, e.hint ? { hint: e.hint } : {})]);
          if (e instanceof StructureRefused) {
            out.note(structureTable(e.search).join("\n"));
            out.fail(EXIT.failure);
            // --json: the structures considered, as report.json's `structure` would hold them
            return void out.finish({ refused: true, structure: e.search });
          }
          return void out.finish(null);
        }
        bar?.stop();
        const report = result.report;
        report.timing.total = (performance.now() - started) / 1000;
        const name = checked.spec.name;
        let layout: CompileLayout | null = null;
        if (flags.layout) {
          out.progress("layout…");
          const t0 = performance.now();
          try {
            layout = layoutOfCompile(dir, name, result.result.files);
          } catch (e) {
            if (!(e instanceof LayoutInputError)) throw e;
            out.report([{ code: e.code, severity: "error", message: e.message, hint: e.hint, file: specPath, line: 1, column: 1 }]);
            out.fail(EXIT.failure);
            return void out.finish(null);
          }
          report.timing.layout = (performance.now() - t0) / 1000;
          report.timing.total = (performance.now() - started) / 1000;
        }
        const files = aggregatorFiles(result, layout);
        if (!(await out.commit(dir, files, flags.out))) return void out.finish(null);
        if (!report.ok) {
          out.report([
            {
              code: COMPILE.notExact,
              severity: "error",
              message: `the compiled aggregator is not exact: ${report.onn.casesChecked - Math.round(report.onn.exactMatch * report.onn.casesChecked)} of ${report.onn.casesChecked} cases decode wrongly`,
              hint:
                result.route === "trained"
                  ? "raise training.epochs, widen network.hidden, or approximate fewer layers (approximate.layers)"
                  : closedFormNotExactHint(result.report),
              file: specPath,
              line: checked.locations["training.epochs"]?.line ?? 1,
              column: checked.locations["training.epochs"]?.column ?? 1,
            },
          ]);
        }
        const y = result.route === "closed-form" ? result.report.yield : null;
        const target = y?.target;
        if (y && target && target.verdict !== "met") {
          const loc = checked.locations["target.yield"] ?? checked.locations["technology.preset"] ?? { file: specPath, line: 1, column: 1 };
          const conf = `${Math.round(100 * target.confidence)}% confidence`;
          const what =
            target.verdict === "missed"
              ? `the design misses its yield target: ${y.passing}/${y.trials} chips exact, yield ≤ ${(100 * target.upper).toFixed(1)}% at ${conf}, below ${+(100 * target.yield).toFixed(2)}%`
              : `the design does not show its yield target: ${y.passing}/${y.trials} chips exact, yield ≥ ${(100 * target.lower).toFixed(1)}% at ${conf}, short of ${+(100 * target.yield).toFixed(2)}%`;
          out.report([
            diagnosticAt(loc, COMPILE.yieldTargetMissed, what, {
              severity: "warning",
              hint: "route = auto picks a structure that meets it or says what it would need; or a more tolerant structure (cascade { radix = 2 }), a better technology (optinc calibrate), or a lower target; optinc verify --tolerance shows which non-ideality limits it",
            }),
          ]);
        }
        const search = result.route === "closed-form" ? result.report.structure : null;
        const shownDir = inputPath(ctx, flags.out) === dir ? flags.out : dir;
        out.note(
          [
            ...(flags.explain && search ? structureTable(search) : []),
            ...(g.verbose ? aggregatorSummary(result, g.color.bold) : aggregatorDigest(result, g.color.bold)),
            ...(layout ? [g.verbose ? layoutLine(layout.summary) : layoutDigest(layout.summary)] : []),
            g.verbose
              ? `  wrote ${files.size} files to ${shownDir} in ${report.timing.total!.toFixed(1)} s`
              : `  wrote ${files.size} files in ${report.timing.total!.toFixed(1)} s; report: ${join(shownDir, `${name}.report.html`)}`,
          ].join("\n"),
        );
        if (!report.ok) out.fail(EXIT.failure);
        out.finish({ outDir: flags.out, report: layout ? { ...report, layout: layout.summary } : report });
      },
    );
};

/** The default line under the compile summary: what --layout drew, in brief. */
function layoutDigest(s: LayoutSummary): string {
  return `  layout: ${s.gds}, ${(s.dieWidthUm / 1000).toFixed(2)} × ${(s.dieHeightUm / 1000).toFixed(2)} mm, ${s.crossings} crossings, ${s.pads} pads`;
}

/** The line under the compile summary with --verbose: what --layout drew. */
function layoutLine(s: LayoutSummary): string {
  return `  layout: ${s.gds}, die ${(s.dieWidthUm / 1000).toFixed(2)} × ${(s.dieHeightUm / 1000).toFixed(2)} mm = ${s.dieAreaMm2.toFixed(1)} mm², ${s.heaters} heaters, ${s.pads} pads, ${s.opticalIo} optical I/O, ${s.crossings} crossings, longest path ${s.longestPathMm.toFixed(2)} mm`;
}
