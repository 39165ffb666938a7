// The checked aggregation spec: the DSL's output and every later stage's input.
// All physical quantities are in SI base units (bits/s, seconds, bytes, radians, dB where named *Db).
// Defaults live in `defaultSpec()` (dsl/defaults.ts) and are documented in docs/reference/language.md.
import type { Technology } from "./technology.ts";

export type Levels = 2 | 4 | 8 | 16;
export type Encoding = "offset-binary" | "twos-complement";
export type Rounding = "nearest-even" | "nearest-away" | "floor";
export type Preprocess = "digit-sum" | "none";
export type Activation = "relu" | "leaky-relu";
export type MeshKind = "clements" | "reck";
/** Splitter and combiner trees as fixed couplers, or as MZIs whose split ratio can be trimmed. */
export type TreeKind = "fixed" | "mzi";
export type ApproxMethod = "none" | "unitary-diagonal";
/** auto: the compiler picks the cheapest closed-form structure that meets the yield target (pipeline/compile/structure-search.ts). */
export type Route = "auto" | "closed-form" | "trained";
/** What route = auto minimizes among the structures that meet the targets. */
export type Optimize = "energy" | "laser" | "latency" | "area";

export interface NetworkSpec {
  /** Hidden layer widths, or "auto" (the compiler picks). */
  hidden: number[] | "auto";
  /** Digit slicing: auto (units above 100,000 reduced cases), none, or always (when possible). */
  slices: "auto" | "none" | "always";
  activation: Activation;
}

export interface ApproximateSpec {
  method: ApproxMethod;
  /** 1-based weight-layer indices to approximate, or "all". */
  layers: number[] | "all";
  /** Square segment edge, or "auto" (per layer: the smaller dimension, capped). */
  segment: number | "auto";
}

export interface CascadeSpec {
  /** Workers per unit. A cascade is planned when workers > radix. */
  radix: number;
}

export interface TrainingSpec {
  seed: number;
  /** Upper bound on epochs; training stops earlier at exact match. */
  epochs: number;
  learningRate: number;
  batchSize: number;
  /** Decision margin in quantization steps (0 < margin < 0.5) the loss asks for. */
  margin: number;
  /** Hardware-aware options: phase DAC bits used in training (null = off). */
  dacBits: number | null;
  /** Phase-noise sigma injected during training, rad (0 = off). */
  phaseNoise: number;
  /** Optimizer steps between Σ·U projection refreshes in the pull phase (after-free route). */
  projectEvery: number;
  /** Σ·U training route: hardware parameterization from the start, or free → pull → fitted. */
  hardwareAware: "from-start" | "after-free";
}

/** The spec's technology block: the technology's numbers (dsl/technology.ts) and the preset they start from. */
export interface TechnologySpec extends Technology {
  /** Named preset the values start from (dsl/technology-presets.ts); written settings override it. */
  preset: string;
}

/** The yield a design must reach at its technology, and the confidence it must be shown at. */
export interface YieldTarget {
  /** Share of chips exact, 0 < yield < 1. */
  yield: number;
  /** Confidence of the one-sided lower bound on the yield, 0.5 ≤ confidence < 1. */
  confidence: number;
}

/** Monitor photodiodes for calibration: auto (the fewest that identify every element, closed-form cells only) or none. */
export type MonitorsChoice = "auto" | "none";

/** Design for calibration: monitor photodiodes on discarded light. */
export interface CalibrationSpec {
  /** auto: monitors on the discarded light calibration reads (closed-form cells); none: no monitor. */
  monitors: MonitorsChoice;
}

export interface LinkSpec {
  /** Per-transceiver bandwidth, bits/s. */
  bandwidth: number;
  /** Transceivers per server. */
  transceivers: number;
  /** Per-step software/NIC latency α, seconds. */
  stepLatency: number;
  /** Fibre length worker ↔ aggregator, metres. */
  fiberLength: number;
}

export interface WorkloadSpec {
  /** Named preset that supplied the values below, if any. */
  preset: string | null;
  /** Gradient size per worker per iteration, bytes (fp32 baseline). */
  gradientBytes: number;
  /** Model parameters (gradientBytes = 4 × parameters for fp32). */
  parameters: number;
  /** Compute time per iteration, seconds (derived from flopsPerStep when given). */
  computeTime: number;
  /** Training FLOPs per iteration per worker (null when computeTime was given directly). */
  flopsPerStep: number | null;
  /** Accelerator peak FLOP/s and efficiency used to turn FLOPs into time. */
  peakFlops: number;
  efficiency: number;
}

export interface Spec {
  /** Aggregator name; also the base name of every emitted file. */
  name: string;
  workers: number;
  /** Gradient precision b, bits. */
  precision: number;
  /** PAM-L levels per symbol. */
  levels: Levels;
  /**
   * Base of the closed-form cells inside the chip, or null for `levels` itself. A narrower base L'
   * (levels = L'^g, g ≥ 2) converts each link symbol into g inner symbols at ingress and merges
   * g result digits into one link symbol at egress (aggregate/narrow-base.ts).
   */
  innerLevels: Levels | null;
  encoding: Encoding;
  rounding: Rounding;
  preprocess: Preprocess;
  /** auto (the structure search), closed-form digit cells (docs/design/digit-cells.md), or the paper's trained ONN (docs/design/onn.md). */
  route: Route;
  /** What route = auto minimizes among the structures that close the light budget and meet the yield target. */
  optimize: Optimize;
  network: NetworkSpec;
  approximate: ApproximateSpec;
  mesh: MeshKind;
  trees: TreeKind;
  /** null = a single unit (workers ≤ radix or no cascade requested). */
  cascade: CascadeSpec | null;
  training: TrainingSpec;
  technology: TechnologySpec;
  /** Written in the technology block (`yield`, `target_confidence`). */
  target: YieldTarget;
  calibration: CalibrationSpec;
  link: LinkSpec;
  workload: WorkloadSpec;
}

/** Where a setting was written, for diagnostics raised by later stages. */
export interface SourceLoc {
  file: string;
  line: number;
  column: number;
}

/** A checked spec plus the source location of every setting that was written explicitly. */
export interface CheckedSpec {
  spec: Spec;
  /** Keyed by dotted path, e.g. "training.seed", "link.bandwidth". */
  locations: Record<string, SourceLoc>;
}
