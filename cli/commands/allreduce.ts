// `optinc allreduce`: executed ring all-reduce vs the OptINC data path, and the cost models, per N.
import { relative } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import type { ChalkInstance } from "chalk";
import { PRESETS } from "../../dsl/presets.ts";
import { CircuitShapeError } from "../../aggregate/circuit-info.ts";
import { VerifyInputError } from "../../verify/circuit/load.ts";
import type { AllreduceRun } from "../../system/ring/allreduce-run.ts";
import { allreduce, AllreduceOptionsError, type AllreduceOptions } from "../../pipeline/allreduce/allreduce.ts";
import { integer, integerList, nonNegative, quantity } from "../option-parsers.ts";
import type { RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { nonFiniteAt } from "../envelope.ts";
import { isCircuitProblem } from "../../verify/circuit/circuit-error.ts";
import { ALLREDUCE, VERIFY } from "../../codes/catalogue.ts";
import { DAC_BITS, MODELLED_WORKERS, SEED, WORKERS } from "../../dsl/limits.ts";
import { MODEL_NAMES } from "../../system/models/index.ts";
import { parseModelParams } from "../../system/models/params.ts";
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
  seed: string;
  errorRate?: string;
  workload?: string;
  allowInexact?: boolean;
  models?: string;
  param?: string;
}

/** The circuit is not exact under the chosen non-idealities (docs/allreduce.md). */
const INEXACT = ALLREDUCE.inexact;

const SI = (v: number, unit: string, digits = 2): string => {
  const prefixes: [number, string][] = [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [f, p] of prefixes) if (Math.abs(v) >= f) return `${(v / f).toFixed(digits)} ${p}${unit}`;
  return `${v.toFixed(digits)} ${unit}`;
};
const time = (s: number): string =>
  s >= 1
    ? `${s.toFixed(3)} s`
    : s >= 1e-3
      ? `${(s * 1e3).toFixed(3)} ms`
      : s >= 1e-6
        ? `${(s * 1e6).toFixed(2)} µs`
        : `${(s * 1e9).toFixed(1)} ns`;
const sci = (x: number): string => (x === 0 ? "0" : x.toExponential(2));

function table(rows: string[][], c: ChalkInstance, rightFrom = 1): string {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, j) => (j < rightFrom ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join("  ");
      return `  ${i === 0 ? c.bold(line) : line}`;
    })
    .join("\n");
}

function render(run: AllreduceRun, c: ChalkInstance): string {
  const n = run.workers;
  const out: string[] = [];
  const full = Math.floor(run.messageBytes / 4);
  out.push(c.cyan.bold(`N = ${n} workers`) + `  ·  M = ${SI(run.messageBytes, "B")} (${full} fp32 values)`);
  if (run.executed.scaled)
    out.push(
      c.dim(`  executed on ${run.executed.elements} elements (synthetic N(0, 1e-3) gradients); byte counts are the exact closed form at M`),
    );
  const fig6 = (2 * (n - 1)) / n;
  out.push(
    table(
      [
        ["executed", "steps", "msgs/worker", "sent/worker", "max |err| vs exact mean"],
        [
          "ring (fp32)",
          `${run.ring.steps}`,
          `${run.ring.messagesPerWorker}`,
          SI(run.ring.bytesSentPerWorker, "B"),
          sci(run.ring.maxAbsError),
        ],
        [
          `OptINC (${run.optinc.bits}-bit)`,
          "1",
          "1",
          SI(run.optinc.bytesSentPerWorker, "B"),
          `${sci(run.optinc.maxAbsError)} (${run.optinc.maxErrorSteps.toFixed(2)} steps${run.optinc.injectedErrors ? `, ${run.optinc.injectedErrors} injected` : ""}${run.optinc.mismatchedElements ? `, ${run.optinc.mismatchedElements} ≠ golden` : ""})`,
        ],
      ],
      c,
    ),
  );
  const ok = Math.abs(run.volumeRatio - fig6) < 1e-12;
  out.push(
    `  volume ring/OptINC at equal precision: ${c.bold(run.volumeRatio.toFixed(4))} ${ok ? c.green(`(= 2(N−1)/N, paper Fig. 6)`) : c.yellow(`(2(N−1)/N = ${fig6.toFixed(4)}; chunks unequal)`)}` +
      `;  at ${run.optinc.bits} bits: ${run.volumeRatioAtBits.toFixed(2)}`,
  );
  const optinc = run.models.optinc!.time;
  const rows = [["model", "time", "algbw", "busbw", "T / T_OptINC"]];
  for (const [name, m] of Object.entries(run.models)) {
    const label = `${name}${m.derived ? " †" : ""}${name === run.bestElectrical ? " (best electrical)" : ""}`;
    rows.push([
      label,
      time(m.time),
      SI(m.algbw, "B/s"),
      m.busbw !== undefined ? SI(m.busbw, "B/s") : "–",
      `${(m.time / optinc).toFixed(2)}×`,
    ]);
  }
  out.push(table(rows, c));
  out.push(
    `  OptINC speed-up: ${c.bold(`${run.speedupVsRing.toFixed(2)}× vs ring`)}, ${c.bold(`${run.speedupVsBestElectrical.toFixed(2)}× vs best electrical (${run.bestElectrical})`)}` +
      c.dim(
        `; at equal precision (fp32 through OptINC): ${run.equalPrecision.speedupVsRing.toFixed(2)}× / ${run.equalPrecision.speedupVsBestElectrical.toFixed(2)}×`,
      ),
  );
  if (run.latency) {
    out.push(`  iteration latency, ${run.latency.workload} (compute ${time(run.latency.rows[0]!.compute)}, no overlap):`);
    out.push(
      table(
        [
          ["", "compute", "comm", "total", "normalized"],
          ...run.latency.rows.map((r) => [r.label, time(r.compute), time(r.comm), time(r.total), r.normalized.toFixed(4)]),
        ],
        c,
      ),
    );
  }
  return out.join("\n");
}

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
    .option("--seed <s>", "seed of the synthetic gradients", "1")
    .option("--error-rate <p>", "inject OptINC output errors at this rate (±1 step 90 %, ±2 7 %, ±4 3 %)")
    .option("--workload <preset>", `add an iteration-latency breakdown (${Object.keys(PRESETS).sort().join(", ")})`)
    .option("--models <list>", `compare these cost models per iteration on the workload, or all (${MODEL_NAMES.join(", ")})`)
    .option("--param <name=value,...>", "override cost-model inputs (docs/allreduce.md lists names, SI units and defaults)")
    .option("--allow-inexact", "with --netlist: exit 0 even when the circuit's outputs differ from the golden quantized average")
    .addHelpText(
      "after",
      `
Examples:
  $ optinc allreduce                                         # N = 4, 8, 16 with the golden aggregator
  $ optinc allreduce --workers 8 --size 25MB --workload resnet50-cifar100
  $ optinc allreduce --netlist out/paper_4x8.netlist.json --phase-noise 0.002

Exit codes: 0 ok, 1 the --netlist circuit is not exact under the chosen non-idealities (unless
--allow-inexact) or is not a compiled circuit, 2 usage or missing files.`,
    )
    .action((flags: Flags) => {
      const out = new CommandOutput(ctx, "allreduce");
      const g = out.g;
      const c = g.color;
      try {
        const options = optionsOf(flags, ctx.io.cwd);
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
            "check --size, --bandwidth, --latency and every --param value against docs/allreduce.md",
          );
          return void out.finish(null);
        }
        if (!g.quiet) {
          const link = options.link;
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
        out.finish({ aggregator, runs, ...(outcome.comparison ? { comparison: outcome.comparison } : {}) });
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
  const real = (v: string | undefined, flag: string): number | undefined => (v === undefined ? undefined : nonNegative(flag)(v));
  const size = flags.size === undefined ? undefined : quantity("--size", "bytes", "B")(flags.size);
  if (size !== undefined && size < 4) throw new InvalidArgumentError(`--size: ${flags.size} is smaller than one fp32 value (4 B)`);
  if (size !== undefined && size > 1e13) throw new InvalidArgumentError(`--size: ${flags.size} is above the 10 TB limit`);
  let errorRate: number | undefined;
  if (flags.errorRate !== undefined) {
    errorRate = Number(flags.errorRate);
    if (!(flags.errorRate.trim() !== "" && errorRate >= 0 && errorRate <= 1))
      throw new InvalidArgumentError(`--error-rate: "${flags.errorRate}" is not a probability in [0, 1]`);
  }
  const transceiverBps = quantity("--bandwidth", "bitrate")(flags.bandwidth);
  if (!(transceiverBps > 0)) throw new InvalidArgumentError("--bandwidth must be positive");
  return {
    cwd,
    ...(flags.netlist !== undefined ? { netlist: flags.netlist } : {}),
    nonIdeal: {
      phaseNoise: real(flags.phaseNoise, "--phase-noise"),
      mziLossDb: real(flags.lossDb, "--loss-db"),
      splitterImbalance: real(flags.imbalance, "--imbalance"),
      dacBits: flags.dacBits === undefined ? undefined : dacBitsFlag(flags.dacBits),
      detectorNoise: real(flags.detectorNoise, "--detector-noise"),
    },
    seed: integer("--seed", SEED.min, SEED.max)(flags.seed),
    ...(flags.workers !== undefined
      ? { workers: integerList("--workers", WORKERS.min, flags.models !== undefined ? MODELLED_WORKERS.max : WORKERS.max)(flags.workers) }
      : {}),
    ...(flags.models !== undefined
      ? { models: flags.models.trim() === "all" ? ("all" as const) : flags.models.split(",").map((m) => m.trim()) }
      : {}),
    ...(size !== undefined ? { messageBytes: size } : {}),
    ...(flags.workload !== undefined ? { workload: flags.workload } : {}),
    ...(flags.levels !== undefined ? { levels: integer("--levels", 2, 16)(flags.levels) } : {}),
    ...(flags.bits !== undefined ? { bits: integer("--bits", 2, 24)(flags.bits) } : {}),
    ...(flags.rounding !== undefined ? { rounding: flags.rounding } : {}),
    ...(errorRate !== undefined ? { errorRate } : {}),
    link: {
      ...params(flags.param),
      transceiverBps,
      transceivers: integer("--transceivers", 1, 1024)(flags.transceivers),
      stepLatency: quantity("--latency", "time")(flags.latency),
    },
    execElements: integer("--exec-elements", 16, 1 << 24)(flags.execElements),
    blockSize: integer("--block", 1, 1 << 24)(flags.block),
  };
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

/** The facts a model's row shows beside its times. */
function facts(name: string, n: Record<string, unknown>): string {
  switch (name) {
    case "wrht":
      return `m = ${n.arity}, ${n.steps} steps, λ ${n.wavelengths_used}/${n.wavelengths_available}, loss slack ${(n.loss_slack_db as number[]).map((x) => x.toFixed(1)).join(" / ")} dB${n.loss_binds ? `, loss binds: ${n.regenerations} O-E-O regenerations` : ""}`;
    case "oddl":
      return `${n.schedule} circuits, ${n.circuit_changes} circuit changes; WSS ${((n.wss_setup_s as number) * 1e3).toFixed(0)} ms once per job`;
    case "fat-tree":
      return `k = ${n.radix}, ${n.oversubscription}:1, ${n.placement} placement, ECMP slowdown ${n.ecmp_slowdown}`;
    case "sip-ring":
      return `${n.wavelengths_per_segment} λ/segment, duty ${(n.duty_cycle as number).toFixed(3)}, ${n.placement}, ${n.segment_sharing} flows/segment`;
    default:
      return n.steps !== undefined ? `${n.steps} steps` : "";
  }
}

function renderComparison(cmp: WorkloadComparison, c: ChalkInstance): string {
  const head =
    cmp.workload === "none"
      ? `per-iteration time = one all-reduce of ${SI(cmp.messageBytes, "B")} (no --workload: no compute)`
      : `per-iteration time, ${cmp.workload}: compute ${time(cmp.compute)}, ${SI(cmp.messageBytes, "B")} of fp32 gradients in ${cmp.buckets} buckets overlapped with backward`;
  const out = [c.cyan.bold(head)];
  for (const row of cmp.rows) {
    const models = Object.values(row.models);
    const best = Math.min(...models.map((m) => m.time));
    const rows = [["N = " + row.workers, "iteration", "all-reduce", "exposed", "vs fastest"]];
    const notes = ["model facts"];
    for (const m of models) {
      rows.push([`${m.name}${m.derived ? " †" : ""}`, time(m.time), time(m.allreduce), time(m.exposed), `${(m.time / best).toFixed(2)}×`]);
      notes.push(facts(m.name, m.notes));
    }
    out.push(
      table(rows, c)
        .split("\n")
        .map((l, i) => `${l}  ${i === 0 ? c.bold(notes[i]!) : notes[i]}`.trimEnd())
        .join("\n"),
    );
  }
  return out.join("\n");
}

/** --dac-bits: DAC_BITS.min..max or none (the same values as the spec and optinc verify). */
function dacBitsFlag(v: string): number | undefined {
  if (v === "none") return undefined;
  return integer("--dac-bits", DAC_BITS.min, DAC_BITS.max)(v);
}
