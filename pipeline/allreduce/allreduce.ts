// What `optinc allreduce` orchestrates: pick the aggregator (the golden function, a simulated
// trained netlist, or a closed-form chip's cells), settle the number format against it, execute
// one ring/OptINC run per worker count, and count the values that differ from the golden average.
// The CLI parses flags into AllreduceOptions, calls allreduce() and prints the outcome.
import { inCascadeOrder } from "../../aggregate/chip-file.ts";
import { readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PRESETS, type LayerShape } from "../../dsl/presets.ts";
import type { Levels, Rounding, WorkloadSpec } from "../../dsl/spec.ts";
import { loadSpec } from "../../dsl/load.ts";
import type { AggregateMany } from "../../aggregate/aggregator.ts";
import { validateTechnology, type Technology } from "../../dsl/technology.ts";
import { loadCircuits, VerifyInputError } from "../../verify/circuit/load.ts";
import { circuitAggregator } from "../../verify/circuit/aggregator.ts";
import { chipAggregator } from "../../verify/cells/chip-aggregate.ts";
import { isClosedForm } from "../../verify/cells/verify-closed-form.ts";
import { runAllreduce, type AllreduceRun } from "../../system/ring/allreduce-run.ts";
import type { ModelInputs } from "../../system/models/params.ts";
import { MODEL_NAMES } from "../../system/models/index.ts";
import { compareOnWorkload, type WorkloadComparison } from "../../system/comparison.ts";
import { EXECUTED_WORKERS, SPEC_BYTES_MAX } from "../../dsl/limits.ts";
import { notText } from "../../math/not-text.ts";
import { readInputTextSync } from "../../runtime/input-file.ts";

/** Options that contradict each other or the given circuit; the CLI reports it as a usage error. */
export class AllreduceOptionsError extends Error {}

/** Table II-like error magnitudes (±1 steps ≈ 90 % of errors; the rest assumed on ±2 and ±4). */
export const ERROR_DISTRIBUTION = [
  { steps: 1, weight: 0.45 },
  { steps: -1, weight: 0.45 },
  { steps: 2, weight: 0.035 },
  { steps: -2, weight: 0.035 },
  { steps: 4, weight: 0.015 },
  { steps: -4, weight: 0.015 },
];

export const ROUNDINGS: readonly Rounding[] = ["nearest-even", "nearest-away", "floor"];

export interface AllreduceOptions {
  /** Directory `netlist` is resolved against. */
  cwd: string;
  /** An emitted circuit (<name>.netlist.json or its output dir); absent: the golden function. */
  netlist?: string;
  /** Non-idealities of a simulated trained netlist (only with `netlist`). */
  nonIdeal: Partial<Technology>;
  seed: number;
  /** Worker counts; default 4, 8, 16 or the netlist's. */
  workers?: number[];
  /** M, fp32 bytes per worker; default the workload's gradient, else 100 MB. */
  messageBytes?: number;
  /** Workload: a preset name, or a user's own (parameters and compute time), for the iteration figures. */
  workload?: string | WorkloadSpec;
  /** The workload's layers in forward order (bucketed overlap); default the preset's, else uniform. */
  layers?: LayerShape[];
  /** A spec file whose `workload` block (and `link`, `precision`) to use; flags still override the link. */
  spec?: string;
  /** Report the time to train this many iterations (with `models`). */
  iterations?: number;
  /** Defaults: the netlist's, else 8 bits as PAM-4 and nearest-even (or the compiled spec's rounding). */
  bits?: number;
  levels?: number;
  rounding?: string;
  /** Inject OptINC output errors at this rate (ERROR_DISTRIBUTION). */
  errorRate?: number;
  link: Partial<Omit<ModelInputs, "workers" | "messageBytes">> & Pick<ModelInputs, "transceiverBps" | "transceivers" | "stepLatency">;
  /** The link inputs given explicitly (they win over a spec's link block). */
  explicitLink?: Partial<ModelInputs>;
  execElements: number;
  blockSize: number;
  /**
   * Compare these cost models on the workload per N (per-iteration time, system/comparison.ts);
   * "all" is every model. Worker counts above EXECUTED_WORKERS.max are then modelled but not executed.
   */
  models?: readonly string[] | "all";
}

export type AllreduceOutcome =
  /** The netlist is not the file set optinc compile wrote (reasons per file). */
  | { kind: "not-compiled"; netlist: string; identity: string[] }
  | {
      kind: "done";
      /** Who aggregated, in words. */
      aggregator: string;
      runs: AllreduceRun[];
      /** With a circuit: aggregated values that differ from the golden average (injected errors aside). */
      inexact: { wrong: number; total: number } | null;
      /** With `models`: every chosen model's per-iteration time per N. */
      comparison?: WorkloadComparison;
      /** The link the models ran at: the options', with a spec's link under them (--spec). */
      link: AllreduceOptions["link"];
    };

interface LoadedCircuit {
  aggregateMany: AggregateMany;
  workers: number;
  bits: number;
  levels: number;
  path: string;
  rounding: Rounding | null;
}

const anyDefined = (o: object): boolean => Object.values(o).some((v) => v !== undefined);

function loadCircuit(o: AllreduceOptions, netlist: string): LoadedCircuit | { identity: string[] } {
  const found = loadCircuits(resolve(o.cwd, netlist), netlist);
  if (isClosedForm(found)) {
    // A closed-form chip: its cells, wired as <name>.chip.json says, with ideal parts.
    if (anyDefined(o.nonIdeal))
      throw new AllreduceOptionsError(
        "--phase-noise, --loss-db, --imbalance, --dac-bits and --detector-noise are for trained circuits; a closed-form chip's yield is optinc verify <dir> (every cell copy its own die)",
      );
    const dir = dirname(found[0]!.netlistPath);
    const stems = inCascadeOrder(readdirSync(dir).filter((f) => f.endsWith(".chip.json"))).map((f) => f.replace(/\.chip\.json$/, ""));
    return { ...chipAggregator(found, stems), path: dir, rounding: found.find((l) => l.rounding)?.rounding ?? null };
  }
  if (found.length !== 1)
    throw new AllreduceOptionsError(`--netlist: ${netlist} holds ${found.length} netlists (a cascade); pass one <name>.netlist.json`);
  const loaded = found[0]!;
  if (loaded.identity.length) return { identity: loaded.identity };
  const defined = Object.fromEntries(Object.entries(o.nonIdeal).filter(([, v]) => v !== undefined));
  try {
    validateTechnology(defined);
  } catch (err) {
    throw new AllreduceOptionsError((err as Error).message);
  }
  return { ...circuitAggregator(loaded.circuit, defined, o.seed), path: loaded.netlistPath, rounding: loaded.rounding };
}

/** Run `optinc allreduce`. Throws AllreduceOptionsError, or the circuit loader's errors. */
export function allreduce(o: AllreduceOptions): AllreduceOutcome {
  let circuit: LoadedCircuit | null = null;
  if (o.netlist !== undefined) {
    const c = loadCircuit(o, o.netlist);
    if ("identity" in c) return { kind: "not-compiled", netlist: o.netlist, identity: c.identity };
    circuit = c;
  } else if (anyDefined(o.nonIdeal)) {
    throw new AllreduceOptionsError(
      "--phase-noise, --loss-db, --imbalance, --dac-bits and --detector-noise need --netlist (the golden function is exact)",
    );
  }
  const workers = o.workers ?? (circuit ? [circuit.workers] : [4, 8, 16]);
  if (circuit && workers.some((n) => n !== circuit.workers)) {
    throw new AllreduceOptionsError(
      `--workers: the netlist aggregates ${circuit.workers} workers; drop --workers or pass ${circuit.workers}`,
    );
  }
  const tooMany = o.models ? undefined : workers.find((n) => n > EXECUTED_WORKERS.max);
  if (tooMany !== undefined)
    throw new AllreduceOptionsError(
      `${circuit ? "the netlist aggregates " : "--workers: "}${tooMany} workers; the executed ring all-reduce simulates every message and runs at most ${EXECUTED_WORKERS.max}: add --models all to model larger clusters`,
    );
  if (typeof o.workload === "string" && !PRESETS[o.workload]) {
    throw new AllreduceOptionsError(`--workload: unknown preset "${o.workload}"; use one of ${Object.keys(PRESETS).sort().join(", ")}`);
  }
  if (o.spec !== undefined) o = withSpec(o, o.spec);
  const workload = typeof o.workload === "string" ? PRESETS[o.workload]! : o.workload;
  const messageBytes = o.messageBytes ?? (workload ? workload.gradientBytes : 100e6);
  const levels = o.levels ?? (circuit ? circuit.levels : 4);
  if (![2, 4, 8, 16].includes(levels)) throw new AllreduceOptionsError(`--levels: ${levels} is not one of 2, 4, 8, 16`);
  const bits = o.bits ?? (circuit ? circuit.bits : 8);
  if (bits % Math.log2(levels) !== 0)
    throw new AllreduceOptionsError(
      `--bits: ${bits} is not a multiple of log2(${levels}) = ${Math.log2(levels)} bits per PAM-${levels} symbol`,
    );
  if (circuit && (bits !== circuit.bits || levels !== circuit.levels)) {
    throw new AllreduceOptionsError(
      `--bits/--levels: the netlist carries ${circuit.bits}-bit values as PAM-${circuit.levels}; drop the flags or match them`,
    );
  }
  const rounding = o.rounding ?? circuit?.rounding ?? "nearest-even";
  if (!(ROUNDINGS as readonly string[]).includes(rounding))
    throw new AllreduceOptionsError(`--rounding: "${rounding}" is not one of nearest-even, nearest-away, floor`);
  const models = o.models === "all" ? MODEL_NAMES : o.models;
  for (const m of models ?? [])
    if (!MODEL_NAMES.includes(m))
      throw new AllreduceOptionsError(`--models: unknown model "${m}"; use all or some of ${MODEL_NAMES.join(", ")}`);
  // The executed ring simulates 2(N−1)·N messages: above EXECUTED_WORKERS.max only the cost models run.
  const executed = models ? workers.filter((n) => n <= EXECUTED_WORKERS.max) : workers;

  const runs = executed.map((n) =>
    runAllreduce(
      {
        workers: n,
        messageBytes,
        execElements: o.execElements,
        bits,
        levels: levels as Levels,
        encoding: "offset-binary",
        rounding: rounding as Rounding,
        blockSize: o.blockSize,
        seed: o.seed,
        link: o.link,
        ...(o.errorRate !== undefined ? { errors: { rate: o.errorRate, distribution: ERROR_DISTRIBUTION, seed: o.seed } } : {}),
        ...(o.workload ? { workload: o.workload } : {}),
        ...(models ? { models } : {}),
      },
      circuit?.aggregateMany,
    ),
  );
  const aggregator = circuit
    ? `simulated netlist ${circuit.path}${anyDefined(o.nonIdeal) ? " with non-idealities (one seeded trial)" : " (ideal components)"}`
    : "golden quantized average (aggregate/golden.ts)";
  // A speed-up means nothing when the circuit does not compute the average.
  const wrong = runs.reduce((a, r) => a + r.optinc.mismatchedElements - r.optinc.injectedErrors, 0);
  const inexact = circuit && wrong > 0 ? { wrong, total: runs.reduce((a, r) => a + r.executed.elements, 0) } : null;
  const comparison = models
    ? compareOnWorkload(
        models,
        workers,
        o.workload,
        messageBytes,
        { ...o.link, bits },
        {
          layers: o.layers ?? null,
          ...(o.iterations !== undefined ? { iterations: o.iterations } : {}),
        },
      )
    : undefined;
  return { kind: "done", aggregator, runs, inexact, ...(comparison ? { comparison } : {}), link: o.link };
}

/** The options with a spec file's workload, link and precision (explicit options win). */
function withSpec(o: AllreduceOptions, file: string): AllreduceOptions {
  const path = resolve(o.cwd, file);
  // The one input reader: a FIFO or /dev/zero is refused unread, invalid UTF-8 at its byte.
  const r = readInputTextSync(path, SPEC_BYTES_MAX);
  if ("error" in r) {
    const bad = notText(file, `--spec: ${file}`, r);
    if (bad) throw new VerifyInputError(bad.code, bad.message, 2, bad.hint, bad.where);
    throw new AllreduceOptionsError(`--spec: cannot read ${file} (${r.error})`);
  }
  const loaded = loadSpec(file, r.text);
  if (!loaded.checked) {
    const d = loaded.diagnostics.find((x) => x.severity === "error") ?? loaded.diagnostics[0];
    throw new AllreduceOptionsError(`--spec: ${file}${d ? `:${d.line}:${d.column}: ${d.message}` : " does not load"}`);
  }
  const spec = loaded.checked.spec;
  return {
    ...o,
    workload: o.workload ?? { ...spec.workload },
    bits: o.bits ?? spec.precision,
    link: {
      transceiverBps: spec.link.bandwidth,
      transceivers: spec.link.transceivers,
      stepLatency: spec.link.stepLatency,
      fiberLength: spec.link.fiberLength,
      ...o.explicitLink,
      ...Object.fromEntries(Object.entries(o.link).filter(([k]) => !LINK_FROM_SPEC.has(k))),
    },
  };
}

const LINK_FROM_SPEC = new Set(["transceiverBps", "transceivers", "stepLatency", "fiberLength"]);
