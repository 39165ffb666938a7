// A complete ReportData for report tests and the screenshot sample. Mesh stages follow the
// Clements layout (column c holds MZIs on modes m ≡ c mod 2) with seeded phases; the
// histogram/yield/latency figures are illustrative inputs for rendering, not results.
import { attenuatorSetting, mziMatrix } from "../../../netlist/mzi.ts";
import type { LinearElement, PhaseStage } from "../../../netlist/ir.ts";
import type { ReportData, TrainingSection } from "../../../verify/report/types.ts";
import { createRng } from "../../../math/rng.ts";

export function clementsStage(name: string, modes: number, seed: number, withSigma: boolean): PhaseStage {
  const rng = createRng(seed);
  const elements: LinearElement[] = [];
  let index = 0;
  for (let c = 0; c < modes; c++) {
    for (let m = c % 2; m + 1 < modes; m += 2) {
      const theta = rng.next() * 2 * Math.PI;
      const phi = rng.next() * 2 * Math.PI;
      elements.push({ kind: "mzi", index: index++, column: c, modes: [m, m + 1], theta, phi, matrix: mziMatrix(theta, phi) });
    }
  }
  if (withSigma) {
    for (let m = 0; m < modes; m++) {
      const s = 0.2 + 0.8 * rng.next();
      const { theta, phi } = attenuatorSetting([s, 0]);
      elements.push({ kind: "attenuator", index: index++, column: modes, modes: [m], sigma: [s, 0], theta, phi, matrix: [[[s, 0]]] });
    }
  }
  return {
    name,
    role: withSigma ? "sigma-u" : "unitary",
    mesh: "clements",
    modes,
    inputs: modes - 2,
    outputs: modes,
    gain: withSigma ? 1.7 : 1,
    elements,
    outputPhases: new Array(modes).fill(0),
    convention: "MZ-in",
  };
}

export function syntheticTraining(): TrainingSection {
  const curve = (shift: number) =>
    Array.from({ length: 6 }, (_, i) => ({
      step: 25 * (i + 1),
      trainLoss: 2 / (i + 1.5) + shift,
      testLoss: 1.8 / (i + 1.4) + shift,
      testAccuracy: 0.9 - 0.4 / (i + 1) - shift,
    }));
  return {
    runs: [
      { name: "ring all-reduce (fp32)", curve: curve(0), finalAccuracy: 0.8333, finalLoss: 0.2769 },
      { name: "OptINC (ideal)", curve: curve(0.001), finalAccuracy: 0.8323, finalLoss: 0.2779 },
      { name: "OptINC (errors 0.01)", curve: curve(0.004), finalAccuracy: 0.8293, finalLoss: 0.2809 },
    ],
    description: "synthetic curves (fixture)",
  };
}

export function sampleReport(training: TrainingSection = syntheticTraining()): ReportData {
  const trials = Array.from({ length: 32 }, (_, i) => (i % 11 === 5 ? 0.99982 : i % 7 === 3 ? 0.99996 : 1));
  return {
    name: "paper-4x8",
    facts: [
      { label: "workers", value: 4 },
      { label: "precision", value: "8 bit" },
      { label: "symbols", value: "PAM-4 × 4 digits" },
      { label: "preprocess", value: "digit-sum" },
      { label: "rounding", value: "nearest-even" },
    ],
    verdict: { exactMatch: 1, cases: 28561, spaceSize: 28561, areaRatio: 0.393, minExact: 0.9999, minYield: 0.9 },
    mesh: { stages: [clementsStage("layer1", 16, 1, true), clementsStage("layer2", 32, 2, true)] },
    errorHistogram: {
      bins: [
        { steps: 0, count: 913_901 },
        { steps: -1, count: 8 },
        { steps: 1, count: 9 },
        { steps: 2, count: 1 },
        { steps: -4, count: 1 },
      ],
      condition: "all 32 Monte-Carlo trials",
    },
    yield: {
      trials: trials.length,
      exactPerTrial: trials,
      minExact: 0.9999,
      condition: "phase noise σ = 0.01 rad, 0.1 dB/MZI, detector noise 0.05 step",
    },
    hardware: {
      rows: [
        { item: "MZIs (approximated ONN)", value: 1234 },
        { item: "MZIs (un-approximated SVD ONN)", value: 3140 },
        { item: "area ratio", value: 0.393, note: "paper Table I: 39.3%" },
        { item: "phase shifters", value: 2548 },
        { item: "activation nodes", value: 96 },
        { item: "optical depth", value: 112, unit: "MZI columns" },
      ],
    },
    latency: {
      presets: [
        {
          name: "resnet50-cifar100",
          ring: { compute: 0.21, communication: 0.79 },
          optinc: { compute: 0.21, communication: 0.53 },
          paper: 0.74,
        },
        { name: "llama-8x384", ring: { compute: 0.52, communication: 0.48 }, optinc: { compute: 0.52, communication: 0.31 }, paper: 0.83 },
      ],
    },
    volume: { points: [4, 8, 16].map((w) => ({ workers: w, ring: (2 * (w - 1)) / w, optinc: 1 })) },
    training,
  };
}
