// One workload on every chosen model: per-iteration time (bucketed backward/communication
// overlap, system/iteration.ts) beside each model's own all-reduce figures, per worker count; and
// the sweeps behind the report's chart (all-reduce time against message size and against N).
import { PRESETS } from "../dsl/presets.ts";
import type { WorkloadSpec } from "../dsl/spec.ts";
import { gradientBuckets, iterationTime, workloadLayers } from "./iteration.ts";
import { evaluateModels, runModel } from "./models/index.ts";
import { modelInputs, type ModelInputs } from "./models/params.ts";
import type { Note } from "./models/result.ts";

export interface ModelIteration {
  name: string;
  /** Per-iteration time, s (compute + communication not hidden behind backward). */
  time: number;
  /** One all-reduce of the whole gradient M, s. */
  allreduce: number;
  /** Communication left exposed per iteration, s. */
  exposed: number;
  derived: boolean;
  notes: Record<string, Note>;
}

export interface ComparisonAtN {
  workers: number;
  models: Record<string, ModelIteration>;
}

export interface WorkloadComparison {
  /** Preset name, or "none" (compute 0: iteration = the all-reduce of M). */
  workload: string;
  messageBytes: number;
  compute: number;
  buckets: number;
  rows: ComparisonAtN[];
}

export type Overrides = Partial<Omit<ModelInputs, "workers" | "messageBytes">>;

function workloadOf(name: string | undefined, messageBytes: number): WorkloadSpec {
  if (name === undefined)
    return {
      preset: null,
      gradientBytes: messageBytes,
      parameters: messageBytes / 4,
      computeTime: 0,
      flopsPerStep: null,
      peakFlops: 0,
      efficiency: 0,
    };
  const w = PRESETS[name];
  if (!w) throw new Error(`unknown workload preset "${name}"`);
  return w;
}

/** The named models on one workload at each N. `messageBytes` is used when no workload is named. */
export function compareOnWorkload(
  names: readonly string[],
  workers: readonly number[],
  workload: string | undefined,
  messageBytes: number,
  overrides: Overrides,
): WorkloadComparison {
  const w = workloadOf(workload, messageBytes);
  const layers = workloadLayers(w.preset);
  const buckets = gradientBuckets(w, layers);
  const rows = workers.map((n) => {
    const models: Record<string, ModelIteration> = {};
    const whole = evaluateModels(modelInputs({ ...overrides, workers: n, messageBytes: w.gradientBytes }), names);
    for (const m of whole) {
      const it = iterationTime(
        buckets,
        w.computeTime,
        (bytes) => runModel(m.name, modelInputs({ ...overrides, workers: n, messageBytes: bytes })).time_s,
      );
      models[m.name] = { name: m.name, time: it.time, allreduce: m.time_s, exposed: it.exposed, derived: m.derived, notes: m.notes };
    }
    return { workers: n, models };
  });
  return { workload: w.preset ?? "none", messageBytes: w.gradientBytes, compute: w.computeTime, buckets: buckets.length, rows };
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
