// optinc verify <output-dir | netlist.json>: the CI gate. Simulates the emitted circuit over the
// reduced input space against the golden average, with optional Monte-Carlo non-idealities.
import { relative, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { EXIT, type RegisterCommand } from "../context.ts";
import { loadCircuits, VerifyInputError } from "../../verify/circuit/load.ts";
import { CircuitShapeError, unitFromInfo, verifyCircuit } from "../../verify/circuit/run.ts";
import { formatVerify, verifyJsonAll } from "../../verify/circuit/format.ts";
import { formatClosedForm, isClosedForm, verifyClosedForm } from "../../verify/cells/verify-closed-form.ts";
import type { Rounding } from "../../dsl/spec.ts";
import type { NonIdealities } from "../../netlist/simulate.ts";

/** A circuit the simulator cannot run as an ONN pipeline, with the file it came from. */
class CircuitError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

function withFile<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof CircuitShapeError || (e instanceof Error && /^(instance |circuit |non-ideality |dacBits |run: )/.test(e.message))) throw new CircuitError(file, e.message);
    throw e;
  }
}

function nonNegative(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === "" || !Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0, got "${v}"`);
    return x;
  };
}

function fraction(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === "" || !(x >= 0 && x <= 1)) throw new InvalidArgumentError(`${name} must be a fraction in [0, 1], got "${v}"`);
    return x;
  };
}

function integer(name: string, min: number, max: number) {
  return (v: string): number => {
    const x = Number(v);
    if (!/^\d+$/.test(v.trim()) || x < min || x > max) throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}, got "${v}"`);
    return x;
  };
}

/** 0 stands for "none": commander turns a parser's null into "" for options with an argument. */
function dacBits(v: string): number {
  if (v === "none" || v === "0") return 0;
  return integer("--dac-bits", 1, 52)(v);
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
}

export const registerVerify: RegisterCommand = (program: Command, ctx) => {
  program
    .command("verify")
    .description("simulate an emitted circuit over its reduced input space against the golden average (CI gate)")
    .argument("<target>", "output directory of optinc compile, or a <name>.netlist.json")
    .option("--phase-noise <rad>", "phase-noise sigma per phase shifter (default: spec technology)", nonNegative("--phase-noise"))
    .option("--loss-db <dB>", "insertion loss per MZI (default: spec technology)", nonNegative("--loss-db"))
    .option("--imbalance <x>", "coupler power-ratio deviation from nominal (default: spec technology)", nonNegative("--imbalance"))
    .option("--dac-bits <B>", "phase DAC resolution in bits, or none (default: spec technology)", dacBits)
    .option("--detector-noise <s>", "detector noise sigma in output steps (default: spec technology)", nonNegative("--detector-noise"))
    .option("--trials <K>", "Monte-Carlo trials of the non-idealities", integer("--trials", 1, 100000), 20)
    .option("--seed <s>", "seed of the Monte-Carlo trials (default: spec training seed, else 1)", integer("--seed", 0, 2 ** 31 - 1))
    .option("--min-exact <f>", "least exact-match fraction per run", fraction("--min-exact"), 1)
    .option("--min-yield <f>", "least fraction of trials at exact match ≥ min-exact", fraction("--min-yield"), 0.9)
    .option("--max-cases <n>", "most cases simulated per run (larger spaces are sampled)", integer("--max-cases", 2, 10_000_000), 50_000)
    .option("--rounding <rule>", "rounding of the golden average when no report.json gives it", rounding)
    .option("--no-calibrate", "decide on raw amplitudes (default: each trial's receiver fits gain and offset per output on the known patterns)")
    .option("--jobs <N>", "threads for the Monte-Carlo trials (default: the core count; results do not depend on it)", integer("--jobs", 1, 256))
    .option("--json", "print one JSON document on stdout")
    .addHelpText("after", "\nExit status: 0 thresholds hold, 1 a threshold failed (or the files are invalid), 2 usage.\n")
    .action((target: string, flags: VerifyFlags) => {
      const { io } = ctx;
      const g = ctx.globals();
      const json = g.json || Boolean(flags.json);
      try {
        const all = loadCircuits(resolve(io.cwd, target));
        // Paths relative to the working directory keep the output identical across checkouts.
        const rel = (p: string) => relative(io.cwd, p) || p;
        if (isClosedForm(all)) {
          const tech = all.find((l) => l.technology)?.technology ?? {};
          const nonIdealities: NonIdealities = {
            phaseNoise: flags.phaseNoise ?? tech.phaseNoise ?? 0,
            mziLossDb: flags.lossDb ?? tech.mziLossDb ?? 0,
            splitterImbalance: flags.imbalance ?? tech.splitterImbalance ?? 0,
            dacBits: flags.dacBits !== undefined ? flags.dacBits || null : (tech.dacBits ?? null),
            detectorNoise: flags.detectorNoise ?? tech.detectorNoise ?? 0,
          };
          const r = withFile(resolve(io.cwd, target), () =>
            verifyClosedForm(resolve(io.cwd, target), all, { nonIdealities, trials: flags.trials, seed: flags.seed ?? all[0]?.seed ?? 1, minYield: flags.minYield, maxCases: Math.max(flags.maxCases, 1_000_000) }),
          );
          if (json) io.stdout.write(JSON.stringify({ format: "optinc.verify/1", route: "closed-form", pass: r.pass, result: { ...r, target: rel(r.target) } }, null, 2) + "\n");
          else if (!g.quiet || !r.pass) io.stdout.write(formatClosedForm(r, rel));
          ctx.setExit(r.pass ? EXIT.ok : EXIT.failure);
          return;
        }
        const runs = all.map((loaded) => {
          const tech = loaded.technology ?? {};
          const nonIdealities: NonIdealities = {
            phaseNoise: flags.phaseNoise ?? tech.phaseNoise ?? 0,
            mziLossDb: flags.lossDb ?? tech.mziLossDb ?? 0,
            splitterImbalance: flags.imbalance ?? tech.splitterImbalance ?? 0,
            dacBits: flags.dacBits !== undefined ? flags.dacBits || null : (tech.dacBits ?? null),
            detectorNoise: flags.detectorNoise ?? tech.detectorNoise ?? 0,
          };
          const info = loaded.circuit.info;
          const infoRounding = info.rounding === "nearest-even" || info.rounding === "nearest-away" || info.rounding === "floor" ? info.rounding : null;
          const detectedPreprocess = Object.values(loaded.circuit.netlists[loaded.circuit.top]!.instances).some((i) => i.settings.role === "preprocess");
          const result = withFile(loaded.netlistPath, () =>
            verifyCircuit(loaded.circuit, {
              nonIdealities,
              trials: flags.trials,
              seed: flags.seed ?? loaded.seed ?? 1,
              minExact: flags.minExact,
              minYield: flags.minYield,
              maxCases: flags.maxCases,
              rounding: loaded.rounding ?? infoRounding ?? flags.rounding ?? "nearest-even",
              unit: unitFromInfo(info),
              preprocess: loaded.preprocess ?? detectedPreprocess,
              calibrate: flags.calibrate,
              ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
            }),
          );
          return { result, sources: { netlist: rel(loaded.netlistPath), report: loaded.reportPath ? rel(loaded.reportPath) : null } };
        });
        const pass = runs.every((r) => r.result.pass);
        if (json) io.stdout.write(JSON.stringify(verifyJsonAll(runs), null, 2) + "\n");
        else if (!g.quiet || !pass) {
          io.stdout.write(runs.map((r) => formatVerify(r.result, r.sources)).join(""));
          if (runs.length > 1) io.stdout.write(`${pass ? "PASS" : "FAIL"}: ${runs.filter((r) => r.result.pass).length}/${runs.length} circuits pass\n`);
        }
        ctx.setExit(pass ? EXIT.ok : EXIT.failure);
      } catch (e) {
        if (e instanceof VerifyInputError) {
          io.stderr.write(`optinc verify: ${e.message}\n`);
          ctx.setExit(e.exit);
        } else if (e instanceof CircuitError) {
          io.stderr.write(`optinc verify: ${e.file}: error[E_VERIFY_CIRCUIT]: ${e.message}\n  fix: verify needs the netlist of a compiled ONN pipeline (optinc compile)\n`);
          ctx.setExit(EXIT.failure);
        } else throw e;
      }
    });
};
