// `optinc allreduce`: executed ring all-reduce vs the OptINC data path, and the cost models, per N.
import { readdirSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { Command } from "commander";
import type { ChalkInstance } from "chalk";
import { PRESETS } from "../../dsl/presets.ts";
import type { Levels, Rounding } from "../../dsl/spec.ts";
import { CircuitShapeError } from "../../aggregate/circuit-info.ts";
import { loadCircuits, VerifyInputError } from "../../verify/circuit/load.ts";
import type { AggregateMany } from "../../aggregate/aggregator.ts";
import { runAllreduce, type AllreduceRun } from "../../system/ring/allreduce-run.ts";
import { circuitAggregator } from "../../verify/circuit/aggregator.ts";
import { chipAggregator } from "../../verify/cells/chip-aggregate.ts";
import { isClosedForm } from "../../verify/cells/verify-closed-form.ts";
import { validateNonIdealities } from "../../netlist/nonideal.ts";
import { parseInteger, parseIntList, parseQuantity, UsageError } from "../../verify/units.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { isCircuitProblem } from "../../verify/circuit/circuit-error.ts";
import { DAC_BITS, SEED, WORKERS } from "../../dsl/limits.ts";
import { ALLREDUCE, VERIFY } from "../../codes/catalogue.ts";

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
}

/** The circuit is not exact under the chosen non-idealities (docs/allreduce.md). */
const INEXACT = ALLREDUCE.inexact;

/** Table II-like error magnitudes (±1 steps ≈ 90 % of errors; the rest assumed on ±2 and ±4). */
const ERROR_DISTRIBUTION = [
  { steps: 1, weight: 0.45 },
  { steps: -1, weight: 0.45 },
  { steps: 2, weight: 0.035 },
  { steps: -2, weight: 0.035 },
  { steps: 4, weight: 0.015 },
  { steps: -4, weight: 0.015 },
];

const SI = (v: number, unit: string, digits = 2): string => {
  const prefixes: [number, string][] = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
  for (const [f, p] of prefixes) if (Math.abs(v) >= f) return `${(v / f).toFixed(digits)} ${p}${unit}`;
  return `${v.toFixed(digits)} ${unit}`;
};
const time = (s: number): string =>
  s >= 1 ? `${s.toFixed(3)} s` : s >= 1e-3 ? `${(s * 1e3).toFixed(3)} ms` : s >= 1e-6 ? `${(s * 1e6).toFixed(2)} µs` : `${(s * 1e9).toFixed(1)} ns`;
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
  if (run.executed.scaled) out.push(c.dim(`  executed on ${run.executed.elements} elements (synthetic N(0, 1e-3) gradients); byte counts are the exact closed form at M`));
  const fig6 = (2 * (n - 1)) / n;
  out.push(
    table(
      [
        ["executed", "steps", "msgs/worker", "sent/worker", "max |err| vs exact mean"],
        ["ring (fp32)", `${run.ring.steps}`, `${run.ring.messagesPerWorker}`, SI(run.ring.bytesSentPerWorker, "B"), sci(run.ring.maxAbsError)],
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
    rows.push([label, time(m.time), SI(m.algbw, "B/s"), m.busbw !== undefined ? SI(m.busbw, "B/s") : "–", `${(m.time / optinc).toFixed(2)}×`]);
  }
  out.push(table(rows, c));
  out.push(
    `  OptINC speed-up: ${c.bold(`${run.speedupVsRing.toFixed(2)}× vs ring`)}, ${c.bold(`${run.speedupVsBestElectrical.toFixed(2)}× vs best electrical (${run.bestElectrical})`)}` +
      c.dim(`; at equal precision (fp32 through OptINC): ${run.equalPrecision.speedupVsRing.toFixed(2)}× / ${run.equalPrecision.speedupVsBestElectrical.toFixed(2)}×`),
  );
  if (run.latency) {
    out.push(`  iteration latency, ${run.latency.workload} (compute ${time(run.latency.rows[0]!.compute)}, no overlap):`);
    out.push(
      table(
        [["", "compute", "comm", "total", "normalized"], ...run.latency.rows.map((r) => [r.label, time(r.compute), time(r.comm), time(r.total), r.normalized.toFixed(4)])],
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
        const real = (v: string | undefined, flag: string): number | undefined => {
          if (v === undefined) return undefined;
          const x = Number(v);
          if (v.trim() === "" || !Number.isFinite(x) || x < 0) throw new UsageError(`${flag}: "${v}" is not a number ≥ 0`);
          return x;
        };
        const nonIdeal = {
          phaseNoise: real(flags.phaseNoise, "--phase-noise"),
          mziLossDb: real(flags.lossDb, "--loss-db"),
          splitterImbalance: real(flags.imbalance, "--imbalance"),
          dacBits: flags.dacBits === undefined ? undefined : dacBitsFlag(flags.dacBits),
          detectorNoise: real(flags.detectorNoise, "--detector-noise"),
        };
        const seed = parseInteger(flags.seed, "--seed", SEED.min, SEED.max);
        let circuit: { aggregateMany: AggregateMany; workers: number; bits: number; levels: number; path: string } | null = null;
        let compiledRounding: Rounding | null = null;
        if (flags.netlist !== undefined) {
          const found = loadCircuits(resolve(ctx.io.cwd, flags.netlist), flags.netlist);
          if (isClosedForm(found)) {
            // A closed-form chip: its cells, wired as <name>.chip.json says, with ideal parts.
            if (Object.values(nonIdeal).some((v) => v !== undefined)) throw new UsageError("--phase-noise, --loss-db, --imbalance, --dac-bits and --detector-noise are for trained circuits; a closed-form chip's yield is optinc verify <dir> (every cell copy its own die)");
            const dir = dirname(found[0]!.netlistPath);
            const stems = readdirSync(dir).filter((f) => f.endsWith(".chip.json")).map((f) => f.replace(/\.chip\.json$/, "")).sort();
            circuit = { ...chipAggregator(found, stems), path: dir };
            compiledRounding = found.find((l) => l.rounding)?.rounding ?? null;
          } else {
            if (found.length !== 1) throw new UsageError(`--netlist: ${flags.netlist} holds ${found.length} netlists (a cascade); pass one <name>.netlist.json`);
            const loaded = found[0]!;
            if (loaded.identity.length) {
              out.report(loaded.identity.map((why) => ({ code: VERIFY.identity, severity: "error" as const, message: `not the compiled circuit: ${why}`, hint: "pass the files of one optinc compile, as written", file: flags.netlist!, line: 1, column: 1 })));
              return void out.finish(null);
            }
            const defined = Object.fromEntries(Object.entries(nonIdeal).filter(([, v]) => v !== undefined));
            try {
              validateNonIdealities(defined);
            } catch (err) {
              throw new UsageError((err as Error).message);
            }
            circuit = { ...circuitAggregator(loaded.circuit, defined, seed), path: loaded.netlistPath };
            compiledRounding = loaded.rounding;
          }
        } else if (Object.values(nonIdeal).some((v) => v !== undefined)) {
          throw new UsageError("--phase-noise, --loss-db, --imbalance, --dac-bits and --detector-noise need --netlist (the golden function is exact)");
        }
        const workers = flags.workers !== undefined ? parseIntList(flags.workers, "--workers", WORKERS.min, WORKERS.max) : circuit ? [circuit.workers] : [4, 8, 16];
        if (circuit && workers.some((n) => n !== circuit.workers)) {
          throw new UsageError(`--workers: the netlist aggregates ${circuit.workers} workers; drop --workers or pass ${circuit.workers}`);
        }
        if (flags.workload !== undefined && !PRESETS[flags.workload]) {
          throw new UsageError(`--workload: unknown preset "${flags.workload}"; use one of ${Object.keys(PRESETS).sort().join(", ")}`);
        }
        const messageBytes =
          flags.size !== undefined ? parseQuantity(flags.size, "bytes", "--size", "B") : flags.workload ? PRESETS[flags.workload]!.gradientBytes : 100e6;
        if (messageBytes < 4) throw new UsageError(`--size: ${flags.size} is smaller than one fp32 value (4 B)`);
        if (messageBytes > 1e13) throw new UsageError(`--size: ${flags.size} is above the 10 TB limit`);
        const levels = flags.levels !== undefined ? parseInteger(flags.levels, "--levels", 2, 16) : circuit ? circuit.levels : 4;
        if (![2, 4, 8, 16].includes(levels)) throw new UsageError(`--levels: ${levels} is not one of 2, 4, 8, 16`);
        const bits = flags.bits !== undefined ? parseInteger(flags.bits, "--bits", 2, 24) : circuit ? circuit.bits : 8;
        if (bits % Math.log2(levels) !== 0) throw new UsageError(`--bits: ${bits} is not a multiple of log2(${levels}) = ${Math.log2(levels)} bits per PAM-${levels} symbol`);
        if (circuit && (bits !== circuit.bits || levels !== circuit.levels)) {
          throw new UsageError(`--bits/--levels: the netlist carries ${circuit.bits}-bit values as PAM-${circuit.levels}; drop the flags or match them`);
        }
        const rounding = flags.rounding ?? compiledRounding ?? "nearest-even";
        if (!["nearest-even", "nearest-away", "floor"].includes(rounding)) throw new UsageError(`--rounding: "${rounding}" is not one of nearest-even, nearest-away, floor`);
        let errorRate: number | undefined;
        if (flags.errorRate !== undefined) {
          errorRate = Number(flags.errorRate);
          if (!(flags.errorRate.trim() !== "" && errorRate >= 0 && errorRate <= 1)) throw new UsageError(`--error-rate: "${flags.errorRate}" is not a probability in [0, 1]`);
        }
        const link = {
          transceiverBps: parseQuantity(flags.bandwidth, "bitrate", "--bandwidth"),
          transceivers: parseInteger(flags.transceivers, "--transceivers", 1, 1024),
          stepLatency: parseQuantity(flags.latency, "time", "--latency"),
        };
        if (!(link.transceiverBps > 0)) throw new UsageError("--bandwidth must be positive");
        const runs = workers.map((n) =>
          runAllreduce({
            workers: n,
            messageBytes,
            execElements: parseInteger(flags.execElements, "--exec-elements", 16, 1 << 24),
            bits,
            levels: levels as Levels,
            encoding: "offset-binary",
            rounding: rounding as Rounding,
            blockSize: parseInteger(flags.block, "--block", 1, 1 << 24),
            seed,
            link,
            ...(errorRate !== undefined ? { errors: { rate: errorRate, distribution: ERROR_DISTRIBUTION, seed } } : {}),
            ...(flags.workload ? { workload: flags.workload } : {}),
          }, circuit?.aggregateMany),
        );
        const aggregator = circuit
          ? `simulated netlist ${circuit.path}${Object.values(nonIdeal).some((v) => v !== undefined) ? " with non-idealities (one seeded trial)" : " (ideal components)"}`
          : "golden quantized average (aggregate/golden.ts)";
        if (!g.quiet) {
          const head = `aggregator: ${aggregator} · link ${SI(link.transceiverBps, "b/s")} × ${link.transceivers} · α = ${time(link.stepLatency)}`;
          out.print(`${c.dim(head)}\n\n${runs.map((r) => render(r, c)).join("\n\n")}\n\n${c.dim("† derived model (allreduce-models.md §1.3/§5.3), not a published formula. busbw only for endpoint algorithms.")}\n`);
        }
        // A speed-up means nothing when the circuit does not compute the average.
        const wrong = runs.reduce((a, r) => a + r.optinc.mismatchedElements - r.optinc.injectedErrors, 0);
        if (circuit && wrong > 0) {
          const total = runs.reduce((a, r) => a + r.executed.elements, 0);
          out.report([
            {
              code: INEXACT,
              severity: flags.allowInexact ? "warning" : "error",
              message: `the circuit is not exact: ${wrong} of ${total} aggregated values differ from the golden quantized average`,
              hint: flags.allowInexact ? "accepted with --allow-inexact" : "check it with optinc verify, lower the non-idealities, or pass --allow-inexact to accept it",
              file: flags.netlist!,
              line: 1,
              column: 1,
            },
          ]);
        }
        out.finish({ aggregator, runs });
      } catch (e) {
        if (e instanceof UsageError) {
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
          out.report([{ code: VERIFY.notPipeline, severity: "error", message: e.message, hint: "pass the netlist of a compiled ONN pipeline (optinc compile)", file: flags.netlist ?? "", line: 1, column: 1 }]);
          return void out.finish(null);
        }
        throw e;
      }
    });
};

/** --dac-bits: DAC_BITS.min..max or none (the same values as the spec and optinc verify). */
function dacBitsFlag(v: string): number | undefined {
  if (v === "none") return undefined;
  return parseInteger(v, "--dac-bits", DAC_BITS.min, DAC_BITS.max);
}
