// optinc verify <output-dir | netlist.json>: the CI gate. Simulates the emitted circuit over the
// reduced input space against the golden average, with optional Monte-Carlo non-idealities.
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { fraction, integer, nonNegative } from "../option-parsers.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { loadCircuits, VERIFY_CODES, VerifyInputError } from "../../verify/circuit/load.ts";
import { verifyCircuit } from "../../verify/circuit/run.ts";
import { readUnitInfo } from "../../aggregate/circuit-info.ts";
import { formatVerify, verifyJsonAll } from "../../verify/circuit/format.ts";
import { formatClosedForm, isClosedForm, verifyClosedForm } from "../../verify/cells/verify-closed-form.ts";
import type { Circuit } from "../../netlist/ir.ts";
import type { Rounding, TechnologySpec } from "../../dsl/spec.ts";
import { effectiveNonIdealities, formatTolerance, runCellTolerance, runTolerance, technologyFlag } from "./verify-tolerance.ts";
import { DAC_BITS, SEED } from "../../dsl/limits.ts";
import { CircuitError, withFile } from "../circuit-error.ts";
import { cellCases } from "../../verify/cells/cell-cases.ts";
import { cellOf, checkCell } from "../../verify/cells/cell-verify.ts";
import type { LoadedCircuit } from "../../verify/circuit/load.ts";
import type { MeasuredDie } from "../../verify/circuit/run.ts";
import { loadDie } from "../circuit-input.ts";

function detectPreprocess(circuit: Circuit): boolean {
  return Object.values(circuit.netlists[circuit.top]!.instances).some((i) => i.settings.role === "preprocess");
}




/** 0 stands for "none": commander turns a parser's null into "" for options with an argument. */
function dacBits(v: string): number {
  if (v === "none") return 0;
  return integer("--dac-bits", DAC_BITS.min, DAC_BITS.max)(v);
}

function rounding(v: string): Rounding {
  if (v === "nearest-even" || v === "nearest-away" || v === "floor") return v;
  throw new InvalidArgumentError(`--rounding must be nearest-even, nearest-away or floor, got "${v}"`);
}

interface VerifyFlags {
  phaseNoise?: number;
  lossDb?: number;
  imbalance?: number;
  dacBits?: number;
  detectorNoise?: number;
  trials: number;
  seed?: number;
  minExact: number;
  minYield: number;
  maxCases: number;
  rounding?: Rounding;
  calibrate: boolean;
  jobs?: number;
  json?: boolean;
  tolerance?: boolean;
  technology?: TechnologySpec;
  measured?: string;
  fitReceiver?: boolean;
}

export const registerVerify: RegisterCommand = (program: Command, ctx) => {
  /** The die of --measured, read against the circuit it names; a bad file is a located diagnostic, exit 2. */
  async function measuredDie(out: CommandOutput, target: string, flags: VerifyFlags, all: LoadedCircuit[]): Promise<{ loaded: LoadedCircuit; die: MeasuredDie } | undefined> {
    const file = flags.measured!;
    let named: string | undefined;
    try {
      named = (JSON.parse(await readFile(resolve(ctx.io.cwd, file), "utf8")) as { circuit?: string }).circuit;
    } catch {
      named = undefined;
    }
    const loaded = all.length === 1 ? all[0]! : all.find((l) => l.circuit.name === named);
    if (!loaded) {
      out.report([{ code: "OPT6111", severity: "error", message: `${target} holds ${all.length} circuits; the die names ${named === undefined ? "none of them" : `"${named}"`}`, hint: "pass the netlist file of the measured circuit", file: target, line: 1, column: 1 }]);
      out.fail(EXIT.usage);
      return undefined;
    }
    const name = loaded.netlistPath.replace(/^.*\//, "").replace(/\.netlist\.json$/, "");
    const die = await loadDie(ctx, out, file, { loaded, name, table: null, tablePath: null, index: 0 });
    if (!die) return undefined;
    const dacBits = flags.dacBits !== undefined ? flags.dacBits || null : (die.dacBits ?? null);
    return { loaded, die: { die, dacBits, fitReceiver: Boolean(flags.fitReceiver) } };
  }

  program
    .command("verify")
    .description("simulate an emitted circuit over its reduced input space against the golden average (CI gate)")
    .argument("<target>", "output directory of optinc compile, or a <name>.netlist.json")
    .option("--phase-noise <rad>", "phase-noise sigma per phase shifter (default: spec technology)", nonNegative("--phase-noise"))
    .option("--loss-db <dB>", "insertion loss per MZI (default: spec technology)", nonNegative("--loss-db"))
    .option("--imbalance <x>", "coupler power-ratio deviation from nominal (default: spec technology)", nonNegative("--imbalance"))
    .option("--dac-bits <B>", `phase DAC resolution in bits (${DAC_BITS.min}..${DAC_BITS.max}), or none (default: spec technology)`, dacBits)
    .option("--detector-noise <s>", "detector noise sigma in output steps (default: spec technology)", nonNegative("--detector-noise"))
    .option("--trials <K>", "Monte-Carlo trials of the non-idealities", integer("--trials", 1, 100000), 20)
    .option("--seed <s>", `seed of the Monte-Carlo trials, ${SEED.min}..${SEED.max} (default: spec training seed, else 1)`, integer("--seed", SEED.min, SEED.max))
    .option("--min-exact <f>", "least exact-match fraction per run", fraction("--min-exact"), 1)
    .option("--min-yield <f>", "least fraction of trials at exact match ≥ min-exact", fraction("--min-yield"), 0.9)
    .option("--max-cases <n>", "most cases simulated per run (larger spaces are sampled)", integer("--max-cases", 2, 10_000_000), 50_000)
    .option("--rounding <rule>", "rounding of the golden average when no report.json gives it", rounding)
    .option("--no-calibrate", "decide on raw amplitudes (default: each trial's receiver fits gain and offset per output on the known patterns)")
    .option("--jobs <N>", "threads for the Monte-Carlo trials (default: the core count; results do not depend on it)", integer("--jobs", 1, 256))
    .option("--technology <preset>", "non-idealities of a technology preset: ideal, optimistic, foundry or calibrated (replaces the spec's block; the flags above override it)", technologyFlag)
    .option("--tolerance", "measure the design's tolerances instead of one yield: per non-ideality and for the technology scaled, the level at 99 % yield (Monte-Carlo over --trials dies) and the certified level")
    .option("--measured <die.json>", "simulate exactly this die (a measurement file, optinc.die/1) instead of ideal components and Monte-Carlo trials")
    .option("--fit-receiver", "with --measured: fit each output's gain and offset on the known patterns (default: the detector's own thresholds)")
    .option("--json", "print one JSON document on stdout")
    .addHelpText(
      "after",
      `
Examples:
  $ optinc verify out/                                   # every netlist of a compile output directory
  $ optinc verify out/paper_4x8.netlist.json --phase-noise 0.01 --trials 50 --min-yield 0.95
  $ optinc --json verify out/ > verify.json              # one JSON document for CI
  $ optinc verify out/ --technology foundry              # the yield under a technology preset
  $ optinc verify out/ --tolerance --trials 30           # tolerance at 99 % yield per non-ideality
  $ optinc verify cal/ --measured die3.json              # the acceptance check of one calibrated chip

Exit codes: 0 thresholds hold, 1 a threshold failed or the files are invalid or not the compiled
circuit (identity), 2 usage, missing files or an invalid measurement file.`,
    )
    .action(async (target: string, flags: VerifyFlags) => {
      const { io } = ctx;
      const out = new CommandOutput(ctx, "verify");
      // `optinc verify --json` (after the command) works like the global --json.
      if (flags.json) (out.g as { json: boolean }).json = true;
      // Paths relative to the working directory keep the output identical across checkouts.
      const rel = (p: string) => relative(io.cwd, p) || p;
      let all: LoadedCircuit[];
      try {
        all = loadCircuits(resolve(io.cwd, target), target);
      } catch (e) {
        if (!(e instanceof VerifyInputError)) throw e;
        out.report([{ code: e.code, severity: "error", message: e.message, hint: e.hint, ...(e.where ? { ...e.where, file: rel(e.where.file) } : {}) }], e.text);
        out.fail(e.exit);
        return void out.finish(null);
      }
      let measured: MeasuredDie | undefined;
      if (flags.measured) {
        // One die belongs to one circuit: verify that one alone.
        const m = await measuredDie(out, target, flags, all);
        if (!m) return void out.finish(null);
        all = [m.loaded];
        measured = m.die;
      } else if (flags.fitReceiver) {
        out.usage("--fit-receiver needs --measured", "pass the die's measurement file with --measured");
        return void out.finish(null);
      }
      if (measured && isClosedForm(all)) {
        // One closed-form cell on one measured die: every input of its port space against its tables.
        const loaded = all[0]!;
        const die = measured;
        let r;
        let f;
        try {
          f = withFile(loaded.netlistPath, () => cellOf(loaded.circuit));
          const cell = f;
          r = withFile(loaded.netlistPath, () => checkCell(loaded.circuit, cell, cellCases(cell), { die: die.die, dacBits: die.dacBits, detectorNoise: flags.detectorNoise ?? 0, seed: flags.seed ?? 1 }));
        } catch (e) {
          if (!(e instanceof CircuitError)) throw e;
          out.report([{ code: VERIFY_CODES.notPipeline, severity: "error", message: e.message, hint: "verify needs the files of one optinc compile", file: rel(e.file), line: 1, column: 1 }]);
          return void out.finish(null);
        }
        const pass = r.exact === r.cases;
        const how = `${die.dacBits ? `${die.dacBits}-bit phase DAC` : "continuous phases"}, receiver on the detector's thresholds`;
        if (!pass) out.record([{ code: VERIFY_CODES.threshold, severity: "error", message: `${r.cases - r.exact} of ${r.cases} inputs decode wrongly on die "${die.die.id}"` }]);
        if (!out.json && (!out.g.quiet || !pass)) {
          io.stdout.write(`verify ${rel(loaded.netlistPath)}: closed-form cell ${f.name}\n  measured die "${die.die.id}" (${how}): exact ${r.exact}/${r.cases}${r.raw ? " (every raw input)" : ""}, ${r.wrongDigits} wrong digits\n${pass ? "PASS" : `FAIL: ${r.cases - r.exact} of ${r.cases} inputs decode wrongly on this die`}\n`);
        }
        if (!pass) out.fail(EXIT.failure);
        return void out.finish({ format: "optinc.verify/1", route: "closed-form", pass, measured: { die: die.die.id, dacBits: die.dacBits }, cell: { netlist: rel(loaded.netlistPath), ...r } });
      }
      if (isClosedForm(all)) {
        // Closed-form cells: identity against a fresh plan, every cell, end to end, yield.
        const technology = all.find((l) => l.technology)?.technology ?? null;
        const nonIdealities = effectiveNonIdealities(flags, technology);
        const seed = flags.seed ?? all[0]?.seed ?? 1;
        const cells = all;
        let r;
        let tolerance = null;
        try {
          // --tolerance replaces the Monte-Carlo yield run: verify checks ideal components only.
          r = withFile(resolve(io.cwd, target), () =>
            verifyClosedForm(resolve(io.cwd, target), cells, { nonIdealities: flags.tolerance ? {} : nonIdealities, trials: flags.trials, seed, minYield: flags.minYield, maxCases: Math.max(flags.maxCases, 1_000_000) }),
          );
          if (flags.tolerance)
            tolerance = withFile(resolve(io.cwd, target), () =>
              runCellTolerance(cells.map((l) => ({ name: rel(l.netlistPath), circuit: l.circuit })), { seed, trials: flags.trials, calibrate: flags.calibrate, nonIdealities, preset: flags.technology?.preset ?? technology?.preset }),
            );
        } catch (e) {
          if (!(e instanceof CircuitError)) throw e;
          out.report([{ code: VERIFY_CODES.notPipeline, severity: "error", message: e.message, hint: "verify needs the files of one optinc compile", file: rel(e.file), line: 1, column: 1 }]);
          return void out.finish(null);
        }
        const identityFailure = /chip\.json|report\.json|names design|does not realize/;
        out.record(r.failures.map((f) => ({ code: identityFailure.test(f) ? VERIFY_CODES.identity : VERIFY_CODES.threshold, severity: "error" as const, message: f })));
        if (!out.json && (!out.g.quiet || !r.pass)) {
          io.stdout.write(formatClosedForm(r, rel));
          if (tolerance) io.stdout.write(formatTolerance(tolerance, rel(resolve(io.cwd, target))));
        }
        if (!r.pass) out.fail(EXIT.failure);
        return void out.finish({ format: "optinc.verify/1", route: "closed-form", pass: r.pass, result: { ...r, target: rel(r.target) }, ...(tolerance ? { tolerance } : {}) });
      }
      type Loaded = (typeof all)[number];
      const runs: { result: ReturnType<typeof verifyCircuit>; sources: { netlist: string; report: string | null }; loaded: Loaded }[] = [];
      for (const loaded of all) {
        if (loaded.identity.length) {
          out.report(loaded.identity.map((why) => ({ code: VERIFY_CODES.identity, severity: "error" as const, message: `not the compiled circuit: ${why}`, hint: "verify the files of one optinc compile, as written (re-run optinc compile)", file: rel(loaded.netlistPath), line: 1, column: 1 })));
          continue;
        }
        // --tolerance replaces the Monte-Carlo yield run: verify checks ideal components only.
        const nonIdealities = flags.tolerance ? {} : effectiveNonIdealities(flags, loaded.technology);
        // A measured die is exactly its errors: detector noise only when asked for.
        if (measured) nonIdealities.detectorNoise = flags.detectorNoise ?? 0;
        const info = loaded.circuit.info;
        const infoRounding = info.rounding === "nearest-even" || info.rounding === "nearest-away" || info.rounding === "floor" ? info.rounding : null;
        try {
          const result = withFile(loaded.netlistPath, () =>
            verifyCircuit(loaded.circuit, {
              nonIdealities,
              trials: flags.trials,
              seed: flags.seed ?? loaded.seed ?? 1,
              minExact: flags.minExact,
              minYield: flags.minYield,
              maxCases: flags.maxCases,
              rounding: loaded.rounding ?? infoRounding ?? flags.rounding ?? "nearest-even",
              unit: readUnitInfo(info),
              preprocess: loaded.preprocess ?? detectPreprocess(loaded.circuit),
              calibrate: flags.calibrate,
              ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
              ...(measured ? { measured } : {}),
            }),
          );
          runs.push({ result, sources: { netlist: rel(loaded.netlistPath), report: loaded.reportPath ? rel(loaded.reportPath) : null }, loaded });
        } catch (e) {
          if (!(e instanceof CircuitError)) throw e;
          out.report([{ code: VERIFY_CODES.notPipeline, severity: "error", message: e.message, hint: "verify needs the netlist of a compiled ONN pipeline (optinc compile)", file: rel(e.file), line: 1, column: 1 }]);
        }
      }
      for (const r of runs) for (const f of r.result.failures) out.record([{ code: VERIFY_CODES.threshold, severity: "error", message: `${r.sources.netlist}: ${f}` }]);
      const pass = out.exitCode === EXIT.ok && runs.length === all.length && runs.every((r) => r.result.pass);
      let tolerance = null;
      // Not exact with ideal components is a result too: every tolerance is 0.
      if (flags.tolerance && runs.length === all.length && runs.length > 0) {
        try {
          tolerance = withFile(all[0]!.netlistPath, () =>
            runTolerance(
              runs.map(({ loaded, result, sources }) => ({ name: sources.netlist, circuit: loaded.circuit, rounding: result.rounding, preprocess: loaded.preprocess ?? detectPreprocess(loaded.circuit), unit: readUnitInfo(loaded.circuit.info), maxCases: flags.maxCases })),
              { seed: flags.seed ?? all[0]!.seed ?? 1, trials: flags.trials, calibrate: flags.calibrate, nonIdealities: effectiveNonIdealities(flags, all[0]!.technology), preset: flags.technology?.preset ?? all[0]!.technology?.preset },
            ),
          );
        } catch (e) {
          if (!(e instanceof CircuitError)) throw e;
          out.report([{ code: VERIFY_CODES.notPipeline, severity: "error", message: e.message, hint: "verify needs the netlist of a compiled ONN pipeline (optinc compile)", file: rel(e.file), line: 1, column: 1 }]);
        }
      }
      if (!out.json && (!out.g.quiet || !pass) && runs.length) {
        io.stdout.write(runs.map((r) => formatVerify(r.result, r.sources)).join(""));
        if (all.length > 1) io.stdout.write(`${pass ? "PASS" : "FAIL"}: ${runs.filter((r) => r.result.pass).length}/${all.length} circuits pass\n`);
        if (tolerance) io.stdout.write(formatTolerance(tolerance, rel(resolve(io.cwd, target))));
      }
      if (!pass) out.fail(EXIT.failure);
      out.finish({ ...(verifyJsonAll(runs.map(({ result, sources }) => ({ result, sources }))) as object), ...(tolerance ? { tolerance } : {}) });
    });
};
