// Every option's documented default (docs/reference/language.md lists the same values; a test keeps them in sync).
import { PRESETS } from "./presets.ts";
import { DEFAULT_TECHNOLOGY_PRESET, technologyPreset } from "./technology-presets.ts";
import type { Spec } from "./spec.ts";

export const DEFAULT_PRESET = "resnet50-cifar100";

export function defaultSpec(name: string): Spec {
  return {
    name,
    workers: 4,
    precision: 8,
    levels: 4,
    innerLevels: null,
    encoding: "offset-binary",
    rounding: "nearest-even",
    preprocess: "digit-sum",
    route: "auto",
    optimize: "energy",
    network: { hidden: "auto", slices: "auto", activation: "relu" },
    approximate: { method: "unitary-diagonal", layers: "all", segment: "auto" },
    mesh: "clements",
    trees: "fixed",
    cascade: null,
    training: {
      seed: 1,
      epochs: 200,
      learningRate: 0.003,
      batchSize: 256,
      margin: 0.2,
      dacBits: null,
      phaseNoise: 0,
      projectEvery: 20,
      hardwareAware: "from-start",
    },
    technology: technologyPreset(DEFAULT_TECHNOLOGY_PRESET)!,
    target: { yield: 0.99, confidence: 0.95 },
    calibration: { monitors: "auto" },
    link: { bandwidth: 800e9, transceivers: 8, stepLatency: 2.7e-6, fiberLength: 10 },
    workload: { ...PRESETS[DEFAULT_PRESET]! },
  };
}
