// All cost models evaluated together, and OptINC against the best electrical baseline and ring.
import { doubleBinaryTreeModel, rabenseifnerModel, recursiveDoublingModel, ringModel, sharpModel } from "./electrical.ts";
import { opticalRecursiveDoublingModel, opticalRingModel, wrhtModel } from "./optical.ts";
import { optincModel } from "./optinc.ts";
import type { ModelInputs } from "./params.ts";
import type { ModelResult } from "./result.ts";

export type { ModelInputs } from "./params.ts";
export type { ModelResult } from "./result.ts";

export interface Comparison {
  models: ModelResult[];
  bestElectrical: string;
  bestBaseline: string;
  /** T_baseline / T_OptINC (> 1 means OptINC is faster). */
  speedupVsRing: number;
  speedupVsBestElectrical: number;
  speedupVsBestBaseline: number;
}

export function evaluateModels(p: ModelInputs): ModelResult[] {
  if (!(Number.isInteger(p.workers) && p.workers >= 2)) throw new Error(`cost models need at least 2 workers, got ${p.workers}`);
  if (!(p.messageBytes > 0)) throw new Error(`message size must be positive, got ${p.messageBytes}`);
  return [
    ringModel(p),
    recursiveDoublingModel(p),
    rabenseifnerModel(p),
    doubleBinaryTreeModel(p),
    sharpModel(p),
    opticalRingModel(p),
    opticalRecursiveDoublingModel(p),
    wrhtModel(p),
    optincModel(p),
  ];
}

function fastest(models: ModelResult[]): ModelResult {
  return models.reduce((a, b) => (b.time_s < a.time_s ? b : a));
}

export function compareModels(p: ModelInputs): Comparison {
  const models = evaluateModels(p);
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
