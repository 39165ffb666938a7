// `optinc allreduce`: executed ring all-reduce vs the OptINC data path, and the cost models, per N.
import { relative } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { PRESETS } from "../../dsl/presets.ts";
import { CircuitShapeError } from "../../aggregate/circuit-info.ts";
import { ChipFileError } from "../../aggregate/chip-file.ts";
import { VerifyInputError } from "../../verify/circuit/load.ts";
import { allreduce, AllreduceOptionsError, type AllreduceOptions } from "../../pipeline/allreduce/allreduce.ts";
import { inRange, integer, integerList, quantity, seedArg } from "../option-parsers.ts";
import type { RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { nonFiniteAt } from "../envelope.ts";
import { isCircuitProblem } from "../../verify/circuit/circuit-error.ts";
import { ALLREDUCE, VERIFY } from "../../codes/catalogue.ts";
import { DAC_BITS, EXECUTED_WORKERS, MODELLED_WORKERS, NON_IDEALITY } from "../../dsl/limits.ts";
import { MODEL_NAMES } from "../../system/models/index.ts";
import { parseModelParams } from "../../system/models/params.ts";
import { render, renderComparison, SI, time } from "../allreduce-render.ts";
import { workloadOptions } from "../allreduce-workload.ts";
import { iterationChartSvg } from "../../pipeline/allreduce/chart.ts";
import { astraInputs } from "../../pipeline/allreduce/astra.ts";
import { checkAllreduceFiles, commitAllreduceFiles } from "../allreduce-files.ts";
import type { WorkloadComparison } from "../../system/comparison.ts";

interface Flags {
  workers?: string;
  size?: string;
  bandwidth: string;
  transceivers: string;
  latency: string;
  bits?: string;
  levels?: string;
  rounding?: string;
  netlist?: string;
  phaseNoise?: string;
  lossDb?: string;
  imbalance?: string;
  dacBits?: string;
  detectorNoise?: string;
  block: string;
  execElements: string;
  seed: number;
  errorRate?: string;
  workload?: string;
  allowInexact?: boolean;
  models?: string;
  param?: string;
  parameters?: string;
  computeTime?: string;
  layers?: string;
  spec?: string;
  iterations?: string;
  chart?: string;
  electricalBandwidth?: string;
  astra?: string;
}

/** The circuit is not exact under the chosen non-idealities (docs/guide/allreduce.md §4). */
const INEXACT = ALLREDUCE.inexact;

export const registerAllreduce: RegisterCommand = (program: Command, ctx) => {
  program
    .command("allreduce")
    .description("execute ring all-reduce and the OptINC data path on real arrays, and compare cost models per worker count")
    .option("--workers <list>", "comma-separated worker counts (default 4,8,16, or the netlist's)")
    .option("--size <bytes>", "fp32 gradient size per worker, e.g. 100MB (default 100MB, or the --workload gradient)")
    .option("--bandwidth <rate>", "line rate per transceiver", "800Gb/s")
    .option("--transceivers <n>", "transceivers per server", "8")
    .option("--latency <time>", "per-step software/NIC latency α", "2.7us")
    .option("--bits <b>", "OptINC precision, bits (default 8, or the netlist's)")
    .option("--levels <L>", "PAM-L levels per symbol: 2, 4, 8, 16 (default 4, or the netlist's)")
    .option("--rounding <rule>", "nearest-even | nearest-away | floor (default nearest-even, or the compiled spec's)")
    .option("--netlist <path>", "aggregate with an emitted circuit (<name>.netlist.json or its output dir) instead of the golden function")
    .option("--phase-noise <rad>", "with --netlist: phase-noise sigma per phase shifter")
    .option("--loss-db <dB>", "with --netlist: insertion loss per MZI")
    .option("--imbalance <x>", "with --netlist: coupler power-ratio deviation")
    .option("--dac-bits <B>", "with --netlist: phase DAC resolution, bits")
    .option("--detector-noise <s>", "with --netlist: detector noise sigma in output steps")
    .option("--block <n>", "elements per quantization block", "256")
    .option("--exec-elements <n>", "largest element count executed (counts scale exactly)", "262144")
    .option("--seed <s>", "seed of the synthetic gradients", seedArg, 1)
    .option("--error-rate <p>", "inject OptINC output errors at this rate (±1 step 90 %, ±2 7 %, ±4 3 %)")
    .option("--workload <preset>", `add an iteration-latency breakdown (${Object.keys(PRESETS).sort().join(", ")})`)
    .option("--parameters <n>", "your own model: its parameter count (fp32 gradient = 4 bytes each); needs --compute-time")
    .option("--compute-time <time>", "compute per iteration (forward + backward) of your model or of the --workload preset, e.g. 120ms")
    .option("--layers <list|file.json>", "your model's layers in forward order, name:parameters[:flops],… (bucketed overlap)")
    .option("--spec <file>", "use a spec's workload block, link and precision (flags still override the link)")
    .option("--iterations <n>", "with --models: also print the time to train this many iterations")
    .option("--chart <file.svg>", "with --models: write the iteration times and energies as an SVG chart")
    .option("--astra <dir>", "also write ASTRA-sim inputs (network YAML, system JSON) for OptINC and ring at the largest N")
    .option("--electrical-bandwidth <rate>", "per-server rate of the electrical baselines (default: the optical rate)")
    .option("--models <list>", `compare these cost models per iteration on the workload, or all (${MODEL_NAMES.join(", ")})`)
    .option("--param <name=value,...>", "override cost-model inputs (docs/design/system-models.md §3 lists names, SI units and defaults)")
    .option("--allow-inexact", "with --netlist: exit 0 even when the circuit's outputs differ from the golden quantized average")
    .addHelpText(
      "after",
      `
Examples:
  $ optinc allreduce                                         # N = 4, 8, 16 with the golden aggregator
  $ optinc allreduce --workers 8 --size 25MB --workload resnet50-cifar100
  $ optinc allreduce --models all --workers 64,1024 --parameters 350e6 --compute-time 180ms --iterations 100000 --chart it.svg
  $ optinc allreduce --netlist out/paper_4x8.netlist.json --phase-noise 0.002

Exit codes: 0 ok, 1 the --netlist circuit is not exact under the chosen non-idealities (unless
--allow-inexact) or is not a compiled circuit, 2 usage or missing files.`,
    )
    .action(async (flags: Flags, cmd: Command) => {
      const out = new CommandOutput(ctx, "allreduce");
      const g = out.g;
      const c = g.color;
      try {
        const options = optionsOf(flags, ctx.io.cwd);
        options.explicitLink = Object.fromEntries(
          (
            [
              ["bandwidth", "transceiverBps"],
              ["transceivers", "transceivers"],
              ["latency", "stepLatency"],
            ] as const
          )
            .filter(([flag]) => cmd.getOptionValueSource(flag) !== "default")
            .map(([, key]) => [key, options.link[key]]),
        );
        // Before any work: --chart and --astra never land on what the command reads.
        const targets = await checkAllreduceFiles(ctx, out, flags);
        if (!targets) return void out.finish(null);
        const outcome = allreduce(options);
        if (outcome.kind === "not-compiled") {
          out.report(
            outcome.identity.map((why) => ({
              code: VERIFY.identity,
              severity: "error" as const,
              message: `not the compiled circuit: ${why}`,
              hint: "pass the files of one optinc compile, as written",
              file: outcome.netlist,
              line: 1,
              column: 1,
            })),
          );
          return void out.finish(null);
        }
        const { aggregator, runs, inexact } = outcome;
        // Never a table of NaN or an `ok: true` beside null figures (JSON has no NaN or Infinity).
        const bad = nonFiniteAt({ runs, comparison: outcome.comparison });
        if (bad) {
          out.usage(
            `the options give a figure that is not a finite number (${bad}): an option is too large or too small`,
            "check --size, --bandwidth, --latency and every --param value against docs/guide/allreduce.md §5",
          );
          return void out.finish(null);
        }
        if (!g.quiet) {
          const link = outcome.link; // with --spec, the spec's link under the flags
          const head = `aggregator: ${aggregator} · link ${SI(link.transceiverBps, "b/s")} × ${link.transceivers} · α = ${time(link.stepLatency)}`;
          const sections = [...runs.map((r) => render(r, c)), ...(outcome.comparison ? [renderComparison(outcome.comparison, c)] : [])];
          out.print(
            `${c.dim(head)}\n\n${sections.join("\n\n")}\n\n${c.dim("† derived model (allreduce-models.md §1.3/§5.3), not a published formula. busbw only for endpoint algorithms.")}\n`,
          );
        }
        if (inexact) {
          out.report([
            {
              code: INEXACT,
              severity: flags.allowInexact ? "warning" : "error",
              message: `the circuit is not exact: ${inexact.wrong} of ${inexact.total} aggregated values differ from the golden quantized average`,
              hint: flags.allowInexact
                ? "accepted with --allow-inexact"
                : "check it with optinc verify, lower the non-idealities, or pass --allow-inexact to accept it",
              file: flags.netlist!,
              line: 1,
              column: 1,
            },
          ]);
        }
        const chart =
          targets.chart && outcome.comparison
            ? { ...targets.chart, svg: iterationChartSvg(outcome.comparison, chartTitle(outcome.comparison)) }
            : undefined;
        let astra: { dir: string; workers: number; files: string[] } | undefined;
        let astraFiles: Parameters<typeof commitAllreduceFiles>[1];
        let astraLine = "";
        if (targets.astra) {
          const workers = Math.max(...(options.workers ?? runs.map((r) => r.workers)));
          const bytes = runs[0]?.messageBytes ?? outcome.comparison!.messageBytes;
          const a = astraInputs({ ...options.link, ...(options.bits !== undefined ? { bits: options.bits } : {}) }, workers, bytes);
          astraFiles = { ...targets.astra, files: a.files };
          astra = { dir: relative(ctx.io.cwd, targets.astra.path) || ".", workers, files: Object.keys(a.files) };
          astraLine = `wrote ASTRA-sim inputs for N = ${workers} to ${astra.dir} (OptINC as a Switch at ${a.optincBandwidthGBps.toFixed(1)} GB/s)\n`;
        }
        if (!(await commitAllreduceFiles(out, astraFiles, chart))) return void out.finish(null);
        if (!g.quiet && chart) out.print(c.dim(`wrote ${relative(ctx.io.cwd, chart.path) || chart.path}\n`));
        if (!g.quiet && astraLine) out.print(c.dim(astraLine));
        out.finish({
          aggregator,
          runs,
          ...(astra ? { astra } : {}),
          ...(outcome.comparison ? { comparison: outcome.comparison } : {}),
          ...(chart ? { chart: relative(ctx.io.cwd, chart.path) || chart.path } : {}),
        });
      } catch (e) {
        if (e instanceof InvalidArgumentError || e instanceof AllreduceOptionsError) {
          out.usage(e.message);
          return void out.finish(null);
        }
        if (e instanceof VerifyInputError) {
          // Paths relative to the working directory, as verify prints them.
          const where = e.where ? { ...e.where, file: relative(ctx.io.cwd, e.where.file) || e.where.file } : {};
          out.report([{ code: e.code, severity: "error", message: e.message, hint: e.hint, ...where }], e.text);
          out.fail(e.exit);
          return void out.finish(null);
        }
        if (e instanceof ChipFileError) {
          out.report([e.diagnostic((f) => relative(ctx.io.cwd, f) || f)]);
          return void out.finish(null);
        }
        if (e instanceof CircuitShapeError || (flags.netlist !== undefined && isCircuitProblem(e))) {
          out.report([
            {
              code: VERIFY.notPipeline,
              severity: "error",
              message: e.message,
              hint: "pass the netlist of a compiled ONN pipeline (optinc compile)",
              file: flags.netlist ?? "",
              line: 1,
              column: 1,
            },
          ]);
          return void out.finish(null);
        }
        throw e;
      }
    });
};

/** The flags as the pipeline's options object (throws InvalidArgumentError on a malformed flag). */
function optionsOf(flags: Flags, cwd: string): AllreduceOptions {
  const real = (v: string | undefined, flag: string, r: (typeof NON_IDEALITY)[keyof typeof NON_IDEALITY]): number | undefined =>
    v === undefined ? undefined : inRange(flag, r)(v);
  const size = flags.size === undefined ? undefined : quantity("--size", "bytes", "B")(flags.size);
  if (size !== undefined && size < 4) throw new InvalidArgumentError(`--size: ${flags.size} is smaller than one fp32 value (4 B)`);
  if (size !== undefined && size > 1e13) throw new InvalidArgumentError(`--size: ${flags.size} is above the 10 TB limit`);
  let errorRate: number | undefined;
  if (flags.errorRate !== undefined) {
    errorRate = Number(flags.errorRate);
    if (!(flags.errorRate.trim() !== "" && errorRate >= 0 && errorRate <= 1))
      throw new InvalidArgumentError(`--error-rate: "${flags.errorRate}" is not a probability in [0, 1]`);
  }
  if (flags.chart !== undefined && flags.models === undefined)
    throw new InvalidArgumentError("--chart draws the --models comparison; add --models");
  if (flags.iterations !== undefined && flags.models === undefined)
    throw new InvalidArgumentError("--iterations times the --models comparison; add --models");
  const transceiverBps = rate("--bandwidth", flags.bandwidth);
  return {
    cwd,
    ...(flags.netlist !== undefined ? { netlist: flags.netlist } : {}),
    nonIdeal: {
      phaseNoise: real(flags.phaseNoise, "--phase-noise", NON_IDEALITY.phaseNoise),
      mziLossDb: real(flags.lossDb, "--loss-db", NON_IDEALITY.mziLossDb),
      splitterImbalance: real(flags.imbalance, "--imbalance", NON_IDEALITY.splitterImbalance),
      dacBits: flags.dacBits === undefined ? undefined : dacBitsFlag(flags.dacBits),
      detectorNoise: real(flags.detectorNoise, "--detector-noise", NON_IDEALITY.detectorNoise),
    },
    seed: flags.seed,
    ...(flags.workers !== undefined
      ? {
          workers: integerList(
            "--workers",
            EXECUTED_WORKERS.min,
            flags.models !== undefined ? MODELLED_WORKERS.max : EXECUTED_WORKERS.max,
          )(flags.workers),
        }
      : {}),
    ...(flags.models !== undefined
      ? { models: flags.models.trim() === "all" ? ("all" as const) : flags.models.split(",").map((m) => m.trim()) }
      : {}),
    ...(size !== undefined ? { messageBytes: size } : {}),
    ...workloadOptions(flags, cwd),
    ...(flags.levels !== undefined ? { levels: integer("--levels", 2, 16)(flags.levels) } : {}),
    ...(flags.bits !== undefined ? { bits: integer("--bits", 2, 24)(flags.bits) } : {}),
    ...(flags.rounding !== undefined ? { rounding: flags.rounding } : {}),
    ...(errorRate !== undefined ? { errorRate } : {}),
    link: {
      ...params(flags.param),
      ...(flags.electricalBandwidth !== undefined ? { electricalBps: rate("--electrical-bandwidth", flags.electricalBandwidth) } : {}),
      transceiverBps,
      transceivers: integer("--transceivers", 1, 1024)(flags.transceivers),
      stepLatency: quantity("--latency", "time")(flags.latency),
    },
    execElements: integer("--exec-elements", 16, 1 << 24)(flags.execElements),
    blockSize: integer("--block", 1, 1 << 24)(flags.block),
  };
}

/** A line rate: a finite quantity > 0 (a rate of 0, or 1e-400 Gb/s, would divide by zero). */
function rate(flag: string, text: string): number {
  const bps = quantity(flag, "bitrate")(text);
  if (!(bps > 0)) throw new InvalidArgumentError(`${flag} must be positive`);
  return bps;
}

/** --param name=value,…: cost-model inputs (system/models/params.ts). */
function params(text: string | undefined): ReturnType<typeof parseModelParams> {
  if (text === undefined) return {};
  try {
    const p = parseModelParams(text);
    for (const k of ["transceiverBps", "transceivers", "stepLatency", "bits"] as const) {
      if (k in p) throw new Error(`${k} has its own flag (--bandwidth, --transceivers, --latency, --bits)`);
    }
    return p;
  } catch (e) {
    throw new InvalidArgumentError(`--param: ${(e as Error).message}`);
  }
}

/** --dac-bits: DAC_BITS.min..max or none (the same values as the spec and optinc verify). */
function dacBitsFlag(v: string): number | undefined {
  if (v === "none") return undefined;
  return integer("--dac-bits", DAC_BITS.min, DAC_BITS.max)(v);
}

function chartTitle(cmp: WorkloadComparison): string {
  const what = cmp.workload === "none" ? "one all-reduce, no compute" : `${cmp.workload}, compute ${time(cmp.compute)}`;
  return `Iteration time per model: ${what}, ${SI(cmp.messageBytes, "B")} of fp32 gradients`;
}
