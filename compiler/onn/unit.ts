// Compile one aggregation unit: dataset → architecture → exact-match training → phase-table pipeline.
import type { Spec } from "../../dsl/spec.ts";
import { createRng } from "../../math/rng.ts";
import { CompileError } from "../errors.ts";
import type { PipelineStep } from "../../netlist/ir.ts";
import { chooseArchitecture, type UnitArchitecture } from "./architecture.ts";
import { exhaustiveDataset, reducedSpaceSize, type Dataset, type UnitFunction } from "../../aggregate/unit.ts";
import { layerCost, unitHardware, type UnitHardware } from "./hardware.ts";
import { activationSlope, type Mlp } from "./mlp.ts";
import { mapNetwork } from "./to-phase-table.ts";
import { initMlp, inputsFromSums, trainUnit, type EpochStats, type TrainResult } from "./train.ts";
import { COMPILE } from "../../codes/catalogue.ts";

/** Training runs tried on a unit of at most RESTART_LIMIT cases before giving up on exact match. */
export const RESTARTS = 3;
export const RESTART_LIMIT = 20_000;

/** Largest reduced space trained exhaustively; larger ones are sampled (stratified + edge cases). */
export const EXHAUSTIVE_LIMIT = 500_000;

export interface UnitResult {
  fn: UnitFunction;
  arch: UnitArchitecture;
  dataset: { cases: number; spaceSize: number; exhaustive: boolean };
  /** `runs`: training runs started (restarts after a run that ended short of exact match). */
  training: { epochs: number; exact: number; cases: number; history: EpochStats[]; decisionMargin: number; runs: number };
  hardware: UnitHardware;
  pipeline: PipelineStep[];
}

export function unitDataset(fn: UnitFunction): Dataset {
  const size = reducedSpaceSize(fn);
  if (size > EXHAUSTIVE_LIMIT) {
    throw new CompileError(
      COMPILE.spaceTooLarge,
      `the reduced input space of this unit has ${size.toLocaleString("en-US")} cases; exhaustive training handles at most ${EXHAUSTIVE_LIMIT.toLocaleString("en-US")}, and this unit is not digit-sliced (network.slices = none, nearest-away rounding, or a divisor that divides no power of L evenly)`,
      "precision",
      "allow digit slices (network { slices = auto }), use floor or nearest-even rounding, a cascade (cascade { radix = … }), or fewer bits per unit",
    );
  }
  return exhaustiveDataset(fn);
}

export function compileUnit(spec: Spec, fn: UnitFunction, seed: number, onEpoch?: (s: EpochStats) => void): UnitResult {
  if (spec.preprocess !== "digit-sum") {
    throw new CompileError(
      COMPILE.noPreprocess,
      `preprocess = none would make the ONN learn from all ${fn.workers * fn.inDigits} worker digits (${(fn.levels ** (fn.workers * fn.inDigits)).toExponential(2)} cases); the compiler trains on digit sums only`,
      "preprocess",
      "use preprocess = digit-sum (it loses nothing: the average is a function of the digit sums)",
    );
  }
  const ds = unitDataset(fn);
  const arch = chooseArchitecture(spec, fn);
  const maxSum = (fn.levels - 1) * fn.workers;
  const x = inputsFromSums(ds, maxSum);
  // Small units train in seconds, so a run that ends short of exact match is retried from a new
  // seeded initialisation (seed + 1000·k); the best run (exact, then decision margin) is kept.
  const attempts = ds.cases <= RESTART_LIMIT ? RESTARTS : 1;
  let t: TrainResult | null = null;
  let net: Mlp | null = null;
  let runs = 0;
  for (let k = 0; k < attempts && (!t || t.exact < t.cases); k++, runs++) {
    const rng = createRng(seed + 1000 * k);
    const n = initMlp(arch.dims, spec.network.activation, activationSlope(spec.network.activation), rng);
    const r = trainUnit(
      n,
      ds,
      x,
      {
        levels: fn.levels,
        segments: arch.segments,
        epochs: spec.training.epochs,
        learningRate: spec.training.learningRate,
        batchSize: spec.training.batchSize,
        margin: spec.training.margin,
        projectEvery: spec.training.projectEvery,
        weightNoise: spec.training.phaseNoise,
        fitFromStart: spec.training.hardwareAware === "from-start",
      },
      rng,
      onEpoch,
    );
    if (!t || r.exact > t.exact || (r.exact === t.exact && r.decisionMargin > t.decisionMargin)) {
      t = r;
      net = n;
    }
  }
  if (!t || !net) throw new Error("internal: no training run");
  const layers = net.layers.map((l, i) =>
    layerCost(i + 1, l.out, l.in + 1, arch.segments[i] == null ? { kind: "svd" } : { kind: "sigma-u", s: arch.segments[i]! }),
  );
  const preprocess = spec.preprocess === "digit-sum";
  const hardware = unitHardware(layers);
  const mapped = mapNetwork(
    net,
    t.plans,
    t.tiles,
    { workers: fn.workers, inDigits: fn.inDigits, outDigits: fn.outDigits, levels: fn.levels, maxSum },
    { mesh: spec.mesh, preprocess, trees: spec.trees },
  );
  return {
    fn,
    arch,
    dataset: { cases: ds.cases, spaceSize: reducedSpaceSize(fn), exhaustive: ds.exhaustive },
    training: { epochs: t.epochs, exact: t.exact, cases: t.cases, history: t.history, decisionMargin: t.decisionMargin, runs },
    hardware,
    pipeline: mapped.pipeline,
  };
}
