// Compile one aggregation unit: dataset → architecture → exact-match training → phase-table pipeline.
import type { Spec } from "../../dsl/spec.ts";
import { createRng } from "../linalg/rng.ts";
import { COMPILE_CODES, CompileError } from "../errors.ts";
import type { PipelineStep } from "../../netlist/ir.ts";
import { chooseArchitecture, type UnitArchitecture } from "./architecture.ts";
import { exhaustiveDataset, reducedSpaceSize, type Dataset, type UnitFunction } from "./dataset.ts";
import { layerCost, unitHardware, type UnitHardware } from "./hardware.ts";
import { activationSlope } from "./mlp.ts";
import { mapNetwork } from "./to-phase-table.ts";
import { initMlp, inputsFromSums, trainUnit, type EpochStats, type TrainResult } from "./train.ts";

/** Largest reduced space trained exhaustively; larger ones are sampled (stratified + edge cases). */
export const EXHAUSTIVE_LIMIT = 500_000;

export interface UnitResult {
  fn: UnitFunction;
  arch: UnitArchitecture;
  dataset: { cases: number; spaceSize: number; exhaustive: boolean };
  training: { epochs: number; exact: number; cases: number; history: EpochStats[]; decisionMargin: number };
  hardware: UnitHardware;
  pipeline: PipelineStep[];
}

export function unitDataset(fn: UnitFunction): Dataset {
  const size = reducedSpaceSize(fn);
  if (size > EXHAUSTIVE_LIMIT) {
    throw new CompileError(
      COMPILE_CODES.spaceTooLarge,
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
      COMPILE_CODES.noPreprocess,
      `preprocess = none would make the ONN learn from all ${fn.workers * fn.inDigits} worker digits (${(fn.levels ** (fn.workers * fn.inDigits)).toExponential(2)} cases); the compiler trains on digit sums only`,
      "preprocess",
      "use preprocess = digit-sum (it loses nothing: the average is a function of the digit sums)",
    );
  }
  const ds = unitDataset(fn);
  const arch = chooseArchitecture(spec, fn);
  const rng = createRng(seed);
  const net = initMlp(arch.dims, spec.network.activation, activationSlope(spec.network.activation), rng);
  const maxSum = (fn.levels - 1) * fn.workers;
  const x = inputsFromSums(ds, maxSum);
  const t: TrainResult = trainUnit(
    net,
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
  const layers = net.layers.map((l, i) =>
    layerCost(i + 1, l.out, l.in + 1, arch.segments[i] == null ? { kind: "svd" } : { kind: "sigma-u", s: arch.segments[i]! }),
  );
  const preprocess = spec.preprocess === "digit-sum";
  const hardware = unitHardware(layers, fn.workers, fn.inDigits, fn.outDigits, preprocess);
  const mapped = mapNetwork(net, t.plans, t.tiles, { workers: fn.workers, inDigits: fn.inDigits, outDigits: fn.outDigits, levels: fn.levels, maxSum }, { mesh: spec.mesh, preprocess });
  return {
    fn,
    arch,
    dataset: { cases: ds.cases, spaceSize: reducedSpaceSize(fn), exhaustive: ds.exhaustive },
    training: { epochs: t.epochs, exact: t.exact, cases: t.cases, history: t.history, decisionMargin: t.decisionMargin },
    hardware,
    pipeline: mapped.pipeline,
  };
}
