// One workload on every chosen model: per-iteration time (bucketed backward/communication
// overlap, system/iteration.ts) beside each model's own all-reduce figures, per worker count; and
// the sweeps behind the report's chart (all-reduce time against message size and against N).
import type { LayerShape } from "../dsl/presets.ts";
import type { WorkloadSpec } from "../dsl/spec.ts";
import { gradientBuckets, iterationTime } from "./iteration.ts";
import { evaluateModels, runModel } from "./models/index.ts";
import { modelInputs, type ModelInputs } from "./models/params.ts";
import type { Note } from "./models/result.ts";
import { layersOf, presetWorkload } from "./workload.ts";

export interface ModelIteration {
  name: string;
  /** Per-iteration time, s (compute + communication not hidden behind backward). */
  time: number;
  /** One all-reduce of the whole gradient M, s. */
  allreduce: number;
  /** Communication left exposed per iteration, s. */
  exposed: number;
  /** Energy of the iteration's all-reduces (the whole gradient once), J (system/models/energy.ts). */
  energy: number;
  /** Time to train `iterations` iterations, s (only when iterations were asked for). */
  train?: number;
  derived: boolean;
  notes: Record<string, Note>;
}

export interface ComparisonAtN {
  workers: number;
  models: Record<string, ModelIteration>;
}

export interface WorkloadComparison {
  /** Preset name, "custom" (a user's workload), or "none" (compute 0: iteration = the all-reduce of M). */
  workload: string;
  messageBytes: number;
  compute: number;
  buckets: number;
  /** Where the layer list came from: given, the preset's own, uniform (assumed), or none (no workload). */
  layers: "given" | "preset" | "uniform" | "none";
  /** Iterations of the time-to-train figure, when asked for. */
  iterations?: number;
  rows: ComparisonAtN[];
}

export type Overrides = Partial<Omit<ModelInputs, "workers" | "messageBytes">>;

function workloadOf(workload: string | WorkloadSpec | undefined, messageBytes: number): WorkloadSpec {
  if (typeof workload === "object") return workload;
  if (workload === undefined)
    return {
      preset: null,
      gradientBytes: messageBytes,
      parameters: messageBytes / 4,
      computeTime: 0,
      flopsPerStep: null,
      peakFlops: 0,
      efficiency: 0,
    };
  return presetWorkload(workload);
}

export interface WorkloadExtras {
  /** The workload's layers in forward order (default: the preset's own, else uniform). */
  layers?: LayerShape[] | null;
  /** Report the time to train this many iterations. */
  iterations?: number;
}

/** The named models on one workload at each N. `messageBytes` is used when no workload is given. */
export function compareOnWorkload(
  names: readonly string[],
  workers: readonly number[],
  workload: string | WorkloadSpec | undefined,
  messageBytes: number,
  overrides: Overrides,
  extras: WorkloadExtras = {},
): WorkloadComparison {
  const w = workloadOf(workload, messageBytes);
  const chosen = workload === undefined ? null : layersOf(w, extras.layers ?? null);
  const buckets = gradientBuckets(w, chosen?.layers ?? null);
  const rows = workers.map((n) => {
    const models: Record<string, ModelIteration> = {};
    const whole = evaluateModels(modelInputs({ ...overrides, workers: n, messageBytes: w.gradientBytes }), names);
    for (const m of whole) {
      const it = iterationTime(
        buckets,
        w.computeTime,
        (bytes) => runModel(m.name, modelInputs({ ...overrides, workers: n, messageBytes: bytes })).time_s,
      );
      models[m.name] = {
        name: m.name,
        time: it.time,
        allreduce: m.time_s,
        exposed: it.exposed,
        energy: m.energy.joules,
        derived: m.derived,
        notes: m.notes,
        ...(extras.iterations !== undefined ? { train: it.time * extras.iterations } : {}),
      };
    }
    return { workers: n, models };
  });
  return {
    workload: workload === undefined ? "none" : (w.preset ?? "custom"),
    messageBytes: w.gradientBytes,
    compute: w.computeTime,
    buckets: buckets.length,
    layers: chosen?.source ?? "none",
    ...(extras.iterations !== undefined ? { iterations: extras.iterations } : {}),
    rows,
  };
}

export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

/** All-reduce time of each model against x (message bytes, or N). */
export function modelSweep(
  names: readonly string[],
  xs: readonly number[],
  at: (x: number) => Pick<ModelInputs, "workers" | "messageBytes">,
  overrides: Overrides,
): Series[] {
  const series: Series[] = names.map((name) => ({ name, points: [] }));
  for (const x of xs) {
    const results = evaluateModels(modelInputs({ ...overrides, ...at(x) }), names);
    for (const r of results) series.find((s) => s.name === r.name)!.points.push({ x, y: r.time_s });
  }
  return series;
}

export interface Crossover {
  /** The x where `faster` overtakes `slower` (log-linear interpolation between samples). */
  x: number;
  a: string;
  b: string;
}

/** Points where two series swap order between adjacent samples. */
export function crossovers(series: Series[]): Crossover[] {
  const out: Crossover[] = [];
  for (let i = 0; i < series.length; i++) {
    for (let j = i + 1; j < series.length; j++) {
      const a = series[i]!.points;
      const b = series[j]!.points;
      for (let k = 1; k < a.length; k++) {
        const d0 = Math.log(a[k - 1]!.y) - Math.log(b[k - 1]!.y);
        const d1 = Math.log(a[k]!.y) - Math.log(b[k]!.y);
        if (d0 === 0 || d0 * d1 >= 0) continue;
        const f = d0 / (d0 - d1);
        const x = Math.exp(Math.log(a[k - 1]!.x) + f * (Math.log(a[k]!.x) - Math.log(a[k - 1]!.x)));
        out.push({ x, a: series[i]!.name, b: series[j]!.name });
      }
    }
  }
  return out;
}
