// optinc verify <output-dir | netlist.json>: the CI gate. Simulates the emitted circuit over the
// reduced input space against the golden average, with optional Monte-Carlo non-idealities.
// The command reads the files and flags; pipeline/verify/verify.ts verifyTarget does the verifying.
import { relative, resolve } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import { fraction, integer, inRange, seedArg } from "../option-parsers.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { loadCircuits, VerifyInputError, type LoadedCircuit } from "../../verify/circuit/load.ts";
import type { MeasuredDie } from "../../verify/circuit/run.ts";
import type { ReceiverMode } from "../../verify/circuit/receiver.ts";
import type { Rounding, TechnologySpec } from "../../dsl/spec.ts";
import { verifyTarget } from "../../pipeline/verify/verify.ts";
import { DEFAULT_ERROR_TARGET } from "../../pipeline/verify/power.ts";
import { TECHNOLOGY_PRESET_NAMES, technologyPreset } from "../../dsl/technology-presets.ts";
import { DAC_BITS, NON_IDEALITY, SEED } from "../../dsl/limits.ts";
import { loadDie, MAX_DIE_BYTES } from "../circuit-input.ts";
import { circuitNamed } from "../input-file.ts";
import { DIE } from "../../codes/catalogue.ts";

/** 0 stands for "none": commander turns a parser's null into "" for options with an argument. */
function dacBits(v: string): number {
  if (v === "none") return 0;
  return integer("--dac-bits", DAC_BITS.min, DAC_BITS.max)(v);
}

function rounding(v: string): Rounding {
  if (v === "nearest-even" || v === "nearest-away" || v === "floor") return v;
  throw new InvalidArgumentError(`--rounding must be nearest-even, nearest-away or floor, got "${v}"`);
}

function technologyFlag(v: string): TechnologySpec {
  const t = technologyPreset(v);
  if (!t) throw new InvalidArgumentError(`--technology must be one of ${TECHNOLOGY_PRESET_NAMES.join(", ")}, got "${v}"`);
  return t;
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
  receiver?: ReceiverMode;
  power?: boolean;
  laserMw?: number;
  errorTarget?: number;
}

/** A laser power per source, mW: a number in (0, 1e13]. */
function laserMw(v: string): number {
  const x = Number(v);
  if (v.trim() === "" || !(x > 0 && x <= 1e13)) throw new InvalidArgumentError(`--laser-mw must be a power in mW in (0, 1e13], got "${v}"`);
  return x;
}

/** A target error rate: a number in (0, 0.5). */
function errorTarget(v: string): number {
  const x = Number(v);
  if (v.trim() === "" || !(x > 0 && x < 0.5)) throw new InvalidArgumentError(`--error-target must be a rate in (0, 0.5), got "${v}"`);
  return x;
}

/**
 * The receiver of a verify run. `--receiver` names it; without it, Monte-Carlo trials fit it and a
 * measured die decides on the detector's thresholds. `--no-calibrate` (trials) and `--fit-receiver`
 * (measured) are the older spellings, kept for one version (CHANGELOG.md).
 */
export function receiverOf(flags: Pick<VerifyFlags, "receiver" | "calibrate" | "fitReceiver">, measured: boolean): ReceiverMode {
  if (flags.receiver) return flags.receiver;
  if (measured) return flags.fitReceiver ? "fitted" : "thresholds";
  return flags.calibrate ? "fitted" : "thresholds";
}

export const registerVerify: RegisterCommand = (program: Command, ctx) => {
  /** The die of --measured, read against the circuit it names; a bad file is a located diagnostic, exit 2. */
  async function measuredDie(
    out: CommandOutput,
    target: string,
    flags: VerifyFlags,
    all: LoadedCircuit[],
  ): Promise<{ loaded: LoadedCircuit; die: MeasuredDie } | undefined> {
    const file = flags.measured!;
    const named = await circuitNamed(ctx, file, MAX_DIE_BYTES);
    const loaded = all.length === 1 ? all[0]! : all.find((l) => l.circuit.name === named);
    if (!loaded) {
      out.report([
        {
          code: DIE.whichCircuit,
          severity: "error",
          message: `${target} holds ${all.length} circuits; the die names ${named === undefined ? "none of them" : `"${named}"`}`,
          hint: "pass the netlist file of the measured circuit",
          file: target,
          line: 1,
          column: 1,
        },
      ]);
      out.fail(EXIT.usage);
      return undefined;
    }
    const name = loaded.netlistPath.replace(/^.*\//, "").replace(/\.netlist\.json$/, "");
    const die = await loadDie(ctx, out, file, { loaded, name, table: null, tablePath: null, index: 0 });
    if (!die) return undefined;
    const dacBits = flags.dacBits !== undefined ? flags.dacBits || null : (die.dacBits ?? null);
    return { loaded, die: { die, dacBits, receiver: receiverOf(flags, true) } };
  }

  program
    .command("verify")
    .description("simulate an emitted circuit over its reduced input space against the golden average (CI gate)")
    .argument("<target>", "output directory of optinc compile, or a <name>.netlist.json")
    .option(
      "--phase-noise <rad>",
      "phase-noise sigma per phase shifter (default: spec technology)",
      inRange("--phase-noise", NON_IDEALITY.phaseNoise),
    )
    .option("--loss-db <dB>", "insertion loss per MZI (default: spec technology)", inRange("--loss-db", NON_IDEALITY.mziLossDb))
    .option(
      "--imbalance <x>",
      "coupler power-ratio deviation from nominal (default: spec technology)",
      inRange("--imbalance", NON_IDEALITY.splitterImbalance),
    )
    .option(
      "--dac-bits <B>",
      `phase DAC resolution in bits (${DAC_BITS.min}..${DAC_BITS.max}), or none (default: spec technology)`,
      dacBits,
    )
    .option(
      "--detector-noise <s>",
      "detector noise sigma in output steps (default: spec technology)",
      inRange("--detector-noise", NON_IDEALITY.detectorNoise),
    )
    .option("--trials <K>", "Monte-Carlo trials of the non-idealities", integer("--trials", 1, 100000), 20)
    .option("--seed <s>", `seed of the Monte-Carlo trials, ${SEED.min}..${SEED.max} (default: spec training seed, else 1)`, seedArg)
    .option("--min-exact <f>", "least exact-match fraction per run", fraction("--min-exact"), 1)
    .option("--min-yield <f>", "least fraction of trials at exact match ≥ min-exact", fraction("--min-yield"), 0.9)
    .option("--max-cases <n>", "most cases simulated per run (larger spaces are sampled)", integer("--max-cases", 2, 10_000_000), 50_000)
    .option("--rounding <rule>", "rounding of the golden average when no report.json gives it", rounding)
    .addOption(
      new Option(
        "--receiver <mode>",
        "fitted: fit each output's gain and offset on the known patterns before the thresholds; thresholds: the detector's own (default: fitted for trials, thresholds with --measured)",
      ).choices(["fitted", "thresholds"]),
    )
    .option("--no-calibrate", "the same as --receiver thresholds for the Monte-Carlo trials (older spelling, kept for one version)")
    .option(
      "--jobs <N>",
      "threads for the Monte-Carlo trials (default: the core count; results do not depend on it)",
      integer("--jobs", 1, 256),
    )
    .option(
      "--technology <preset>",
      "non-idealities of a technology preset: ideal, optimistic, foundry or calibrated (replaces the spec's block; the flags above override it)",
      technologyFlag,
    )
    .option(
      "--tolerance",
      "measure the design's tolerances instead of one yield: per non-ideality and for the technology scaled, the level at 99 % yield (Monte-Carlo over --trials dies) and the certified level",
    )
    .option(
      "--measured <die.json>",
      "simulate exactly this die (a measurement file, optinc.die/1) instead of ideal components and Monte-Carlo trials",
    )
    .option("--fit-receiver", "with --measured: the same as --receiver fitted (older spelling, kept for one version)")
    .option(
      "--power",
      "closed-form chips: the light budget instead of the yield run: optical power at every detector, each decision's noise and error rate, the laser power the target needs (light of the --technology preset, else the spec's, else foundry)",
    )
    .option("--laser-mw <mW>", "with --power: laser power per source to judge, mW (default: the light budget's laser)", laserMw)
    .option("--error-target <rate>", "with --power: target error rate per aggregated value (default 1e-12)", errorTarget)
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
  $ optinc verify out/ --power --technology foundry      # the light budget: laser power for 1e-12 per value

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
      // A file that cannot be read or parsed, found while loading or while verifying (a chip file).
      const inputError = (e: unknown): void => {
        if (!(e instanceof VerifyInputError)) throw e;
        out.report(
          [
            {
              code: e.code,
              severity: "error",
              message: e.message,
              hint: e.hint,
              ...(e.where ? { ...e.where, file: rel(e.where.file) } : {}),
            },
          ],
          e.text,
        );
        out.fail(e.exit);
        out.finish(null);
      };
      let all: LoadedCircuit[];
      try {
        all = loadCircuits(resolve(io.cwd, target), target);
      } catch (e) {
        return inputError(e);
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
      if ((flags.laserMw !== undefined || flags.errorTarget !== undefined) && !flags.power) {
        out.usage("--laser-mw and --error-target need --power", "add --power");
        return void out.finish(null);
      }
      if (flags.power && (flags.measured || flags.tolerance)) {
        out.usage("--power does not combine with --measured or --tolerance", "run them one at a time");
        return void out.finish(null);
      }
      const {
        measured: _file,
        fitReceiver: _fit,
        json: _json,
        calibrate: _calibrate,
        receiver: _receiver,
        power: _power,
        laserMw: _laserMw,
        errorTarget: _errorTarget,
        ...options
      } = flags;
      let run;
      try {
        run = verifyTarget({
          ...options,
          receiver: receiverOf(flags, false),
          circuits: all,
          target: resolve(io.cwd, target),
          shown: rel,
          verbose: out.g.verbose,
          ...(measured ? { measured } : {}),
          ...(flags.power
            ? {
                power: {
                  target: flags.errorTarget ?? DEFAULT_ERROR_TARGET,
                  ...(flags.laserMw !== undefined ? { laserMw: flags.laserMw } : {}),
                },
              }
            : {}),
        });
      } catch (e) {
        return inputError(e);
      }
      for (const m of run.messages) {
        const { kind, ...d } = m;
        // A verdict is already in the text report: a diagnostic of its own only under --json.
        if (kind === "problem") out.report([d]);
        else out.record([d]);
      }
      if (run.text !== null && !out.json && (!out.g.quiet || !run.pass)) io.stdout.write(run.text);
      if (!run.pass) out.fail(EXIT.failure);
      out.finish(run.json);
    });
};
