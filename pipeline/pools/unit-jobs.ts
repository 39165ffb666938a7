// One unit to train: what a pool thread needs (plain data, structured-cloneable).
import type { Spec } from "../../dsl/spec.ts";
import type { UnitFunction } from "../../aggregate/unit.ts";

export interface UnitTrainJob {
  spec: Spec;
  fn: UnitFunction;
  seed: number;
  file: string;
}
