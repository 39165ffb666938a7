// All cost models evaluated together, and OptINC against the best electrical baseline and ring.
import { doubleBinaryTreeModel, rabenseifnerModel, recursiveDoublingModel, ringModel, sharpModel } from "./electrical.ts";
import { fatTreeModel } from "./fat-tree.ts";
import { oddlModel } from "./oddl.ts";
import { opticalNeighbourExchangeModel, opticalRecursiveDoublingModel, opticalRingModel } from "./optical.ts";
import { optincModel } from "./optinc.ts";
import { modelEnergy } from "./energy.ts";
import { baselineBytes, type ModelInputs } from "./params.ts";
import type { ModelResult, PricedResult } from "./result.ts";
import { sipRingModel } from "./sip-ring.ts";
import { wrhtModel } from "./wrht.ts";

export type { ModelInputs } from "./params.ts";
export type { ModelResult, PricedResult } from "./result.ts";

/** Every model by name, in the order tables list them. */
export const MODELS: Readonly<Record<string, (p: ModelInputs) => ModelResult>> = {
  ring: ringModel,
  "recursive-doubling": recursiveDoublingModel,
  rabenseifner: rabenseifnerModel,
  "double-binary-tree": doubleBinaryTreeModel,
  sharp: sharpModel,
  "optical-ring": opticalRingModel,
  "optical-rd": opticalRecursiveDoublingModel,
  "optical-ne": opticalNeighbourExchangeModel,
  wrht: wrhtModel,
  oddl: oddlModel,
  "fat-tree": fatTreeModel,
  "sip-ring": sipRingModel,
  optinc: optincModel,
};
export const MODEL_NAMES = Object.keys(MODELS);
/** What `optinc allreduce` compares without --models (the seed systems' fabrics are opt-in). */
export const DEFAULT_MODELS = [
  "ring",
  "recursive-doubling",
  "rabenseifner",
  "double-binary-tree",
  "sharp",
  "optical-ring",
  "optical-rd",
  "wrht",
  "optinc",
];

export interface Comparison {
  models: PricedResult[];
  bestElectrical: string;
  bestBaseline: string;
  /** T_baseline / T_OptINC (> 1 means OptINC is faster). */
  speedupVsRing: number;
  speedupVsBestElectrical: number;
  speedupVsBestBaseline: number;
}

function check(p: ModelInputs): void {
  if (!(Number.isInteger(p.workers) && p.workers >= 2)) throw new Error(`cost models need at least 2 workers, got ${p.workers}`);
  if (!(p.messageBytes > 0)) throw new Error(`message size must be positive, got ${p.messageBytes}`);
}

/**
 * One model at p. `messageBytes` is the fp32 gradient: OptINC quantizes it to `bits` itself, every
 * baseline moves it at `baselineBits` per element (32 fp32, 16 bf16, 8 fp8).
 */
export function runModel(name: string, p: ModelInputs): PricedResult {
  const model = MODELS[name];
  if (!model) throw new Error(`unknown model "${name}"; known: ${MODEL_NAMES.join(", ")}`);
  const q = name === "optinc" || p.baselineBits === 32 ? p : { ...p, messageBytes: baselineBytes(p) };
  const r = model(q);
  return { ...r, energy: modelEnergy(r, q) };
}

/** The named models (default DEFAULT_MODELS), in MODELS order. */
export function evaluateModels(p: ModelInputs, names: readonly string[] = DEFAULT_MODELS): PricedResult[] {
  check(p);
  for (const n of names) if (!MODELS[n]) throw new Error(`unknown model "${n}"; known: ${MODEL_NAMES.join(", ")}`);
  return MODEL_NAMES.filter((n) => names.includes(n)).map((n) => runModel(n, p));
}

function fastest(models: PricedResult[]): PricedResult {
  return models.reduce((a, b) => (b.time_s < a.time_s ? b : a));
}

/** OptINC against ring and the best baselines; ring and optinc are always evaluated. */
export function compareModels(p: ModelInputs, names: readonly string[] = DEFAULT_MODELS): Comparison {
  const models = evaluateModels(p, [...new Set([...names, "ring", "optinc"])]);
  const byName = (n: string) => models.find((m) => m.name === n)!;
  const optinc = byName("optinc");
  const electrical = fastest(models.filter((m) => m.kind.startsWith("electrical")));
  const baseline = fastest(models.filter((m) => m.name !== "optinc"));
  return {
    models,
    bestElectrical: electrical.name,
    bestBaseline: baseline.name,
    speedupVsRing: byName("ring").time_s / optinc.time_s,
    speedupVsBestElectrical: electrical.time_s / optinc.time_s,
    speedupVsBestBaseline: baseline.time_s / optinc.time_s,
  };
}
