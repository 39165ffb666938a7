// The option table: every setting of the language, its reader, default and one-line documentation.
// docs/reference/language.md embeds a table generated from this list (tests/dsl/docs.test.ts keeps them equal).
import { PRESET_NAMES } from "./presets.ts";
import { DAC_BITS, NON_IDEALITY, SEED, WORKERS } from "./limits.ts";
import { TECHNOLOGY_PRESET_NAMES } from "./technology-presets.ts";
import { choice, int, intIn, list, orWord, percent, quantity, real, word, type Reader } from "./values.ts";

export interface OptionDef {
  /** Block name ("" for top level). */
  block: string;
  /** Name as written in .optinc and .yaml (snake_case). */
  key: string;
  /** Dotted path in Spec (camelCase), also the key of CheckedSpec.locations. */
  specPath: string;
  reader: Reader<unknown>;
  /** The default as it would be written in a spec. */
  defaultText: string;
  doc: string;
}

export interface BlockDef {
  name: string;
  doc: string;
}

export const BLOCKS: BlockDef[] = [
  { name: "network", doc: "Shape of the optical neural network that computes the aggregation." },
  { name: "approximate", doc: "Hardware-saving approximation of weight matrices by unitary × diagonal factors." },
  { name: "cascade", doc: "Split more workers than one unit takes into a cascade of units. Absent: a single unit." },
  { name: "training", doc: "How the network is trained, including hardware-aware options." },
  {
    name: "technology",
    doc: "Non-idealities of the photonic technology. Unset values come from the preset (ideal unless `preset` says otherwise).",
  },
  {
    name: "calibration",
    doc: "Design for calibration (closed-form cells): which monitor photodiodes the design carries for the lab calibration (docs/design/calibration.md §7.2).",
  },
  { name: "link", doc: "Network links, for the comparison with ring all-reduce." },
  { name: "workload", doc: "The training job, for the comparison with ring all-reduce. Unset values come from the preset." },
];

const bitsRange = DAC_BITS;
const none = <T>(inner: Reader<T>) => orWord("none", null, inner);

function opt(block: string, key: string, specPath: string, reader: Reader<unknown>, defaultText: string, doc: string): OptionDef {
  return { block, key, specPath, reader, defaultText, doc };
}

export const OPTIONS: OptionDef[] = [
  opt("", "workers", "workers", int(WORKERS), "4", "Number of workers (servers) whose gradients are averaged."),
  opt(
    "",
    "precision",
    "precision",
    int({ min: 2, max: 16 }, "bits"),
    "8 bits",
    "Gradient precision b in bits; must be a multiple of log2(levels).",
  ),
  opt("", "levels", "levels", intIn([2, 4, 8, 16], "PAM-L"), "4", "PAM-L levels per optical symbol: 2, 4, 8 or 16."),
  opt(
    "",
    "inner_levels",
    "innerLevels",
    none(intIn([2, 4], "PAM-L")),
    "none",
    "Closed-form cells only: the base the cells compute in, narrower than the link's (levels must be a power of it: 16 → 4 or 2, 8 → 2, 4 → 2). Each link symbol is detected at ingress and re-sent as log(levels)/log(inner_levels) inner symbols (one O-E-O stage); result digits are merged into link symbols at egress. none = levels. route = auto tries it by itself (docs/design/structures.md).",
  ),
  opt(
    "",
    "encoding",
    "encoding",
    choice(["offset-binary", "twos-complement"]),
    "offset-binary",
    "How a signed gradient is written as b-bit digits.",
  ),
  opt(
    "",
    "rounding",
    "rounding",
    choice(["nearest-even", "nearest-away", "floor"]),
    "nearest-even",
    "How the average is rounded back to b bits.",
  ),
  opt(
    "",
    "preprocess",
    "preprocess",
    choice(["digit-sum", "none"]),
    "digit-sum",
    "Optical preprocessing: a fixed coupler stage sums the workers' base-L digits per position before the ONN.",
  ),
  opt(
    "",
    "route",
    "route",
    choice(["auto", "closed-form", "trained"]),
    "auto",
    "How the average is realized: auto builds the cheapest closed-form structure (flat cells or a cascade) that meets the technology block's yield target, or refuses (docs/design/structures.md); closed-form builds the digit cells as written (flat, or the cascade block; a cascade block without a route implies it); trained builds the paper's trained ONN (network, approximate, training and mesh apply to it; docs/design/onn.md).",
  ),
  opt(
    "",
    "optimize",
    "optimize",
    choice(["energy", "laser", "latency", "area"]),
    "energy",
    "What route = auto minimizes among the structures that close the light budget and meet the yield target: energy per input bit (lasers at wall-plug, thermo-optic shifters, activations, O-E-O; docs/design/energy.md), the lasers' total power, latency (O-E-O stages on the critical path) or area (fewest MZIs). Energy and laser power need a light budget; without one (`ideal`) the fewest MZIs are built (docs/design/structures.md §1).",
  ),
  opt("", "mesh", "mesh", choice(["clements", "reck"]), "clements", "MZI mesh topology that realises each unitary."),
  opt(
    "",
    "trees",
    "trees",
    choice(["fixed", "mzi"]),
    "fixed",
    "Splitter and combiner trees (segment fan-out and fan-in, digit-sum combiners) as fixed couplers, or as MZIs whose split ratios optinc calibrate can trim on a measured die; MZI trees cost area (docs/design/calibration.md §5).",
  ),

  opt(
    "network",
    "hidden",
    "network.hidden",
    orWord("auto", "auto", list(int({ min: 1, max: 4096 }))),
    "auto",
    "Hidden layer widths, e.g. [64, 32], or auto (the compiler picks).",
  ),
  opt(
    "network",
    "slices",
    "network.slices",
    choice(["auto", "none", "always"]),
    "auto",
    "Digit slicing (docs/design/onn.md): split a unit into a chain of small exhaustively trained ONNs; auto slices units whose reduced space exceeds 100,000 cases.",
  ),
  opt(
    "network",
    "activation",
    "network.activation",
    choice(["relu", "leaky-relu"]),
    "relu",
    "Activation between layers (realised electro-optically).",
  ),

  opt(
    "approximate",
    "method",
    "approximate.method",
    choice(["none", "unitary-diagonal"]),
    "unitary-diagonal",
    "none keeps full SVD meshes; unitary-diagonal replaces segments by Σ·U.",
  ),
  opt(
    "approximate",
    "layers",
    "approximate.layers",
    orWord("all", "all", list(int({ min: 1, max: 64 }), { unique: true })),
    "all",
    "1-based weight-layer indices to approximate, or all.",
  ),
  opt(
    "approximate",
    "segment",
    "approximate.segment",
    orWord("auto", "auto", int({ min: 2, max: 4096 })),
    "auto",
    "Square segment edge (≥ 2), or auto (4, or the layer's smaller side when below 4; see docs/design/onn.md).",
  ),

  opt(
    "cascade",
    "radix",
    "cascade.radix",
    int(WORKERS),
    "4",
    "Workers per unit (2 ≤ radix ≤ workers); a cascade is built when workers > radix.",
  ),

  opt("training", "seed", "training.seed", int(SEED), "1", "Seed of every random choice in training (same seed → same circuit)."),
  opt(
    "training",
    "epochs",
    "training.epochs",
    int({ min: 1, max: 10_000_000 }),
    "200",
    "Length of the training schedule in epochs; the hardware-aware (fitted) phase may run up to as long again, stopping at the first exact match (docs/design/onn.md).",
  ),
  opt("training", "learning_rate", "training.learningRate", real({ min: 0, max: 10, exclusiveMin: true }), "0.003", "Adam learning rate."),
  opt("training", "batch_size", "training.batchSize", int({ min: 1, max: 1_000_000 }), "256", "Training samples per step."),
  opt(
    "training",
    "margin",
    "training.margin",
    real({ min: 0, max: 0.5, exclusiveMin: true, exclusiveMax: true }),
    "0.2",
    "Decision margin in quantization steps the loss asks for (0 < margin < 0.5).",
  ),
  opt(
    "training",
    "dac_bits",
    "training.dacBits",
    none(int(bitsRange, "bits")),
    "none",
    "Hardware-aware training: phase DAC bits to train against, or none.",
  ),
  opt(
    "training",
    "phase_noise",
    "training.phaseNoise",
    quantity("angle", { min: 0, max: Math.PI }),
    "0 rad",
    "Hardware-aware training: phase-noise sigma injected during training.",
  ),
  opt(
    "training",
    "hardware_aware",
    "training.hardwareAware",
    choice(["from-start", "after-free"]),
    "from-start",
    "How approximated layers are trained: in their Σ·U (attenuator + Givens-angle) parameterization from the first epoch, or the paper's route — free training, a ramped pull toward Σ·U, then the fitted phase (docs/design/onn.md).",
  ),
  opt(
    "training",
    "project_every",
    "training.projectEvery",
    int({ min: 1, max: 1_000_000 }),
    "20",
    "Optimizer steps between refreshes of the Σ·U projection target in the pull phase (docs/design/onn.md).",
  ),

  opt(
    "technology",
    "preset",
    "technology.preset",
    word(`a technology preset (${TECHNOLOGY_PRESET_NAMES.join(", ")})`),
    "ideal",
    `Named technology supplying the values below: ${TECHNOLOGY_PRESET_NAMES.join(", ")} (docs/design/robustness.md §3).`,
  ),
  opt("technology", "mzi_loss", "technology.mziLossDb", quantity("loss", NON_IDEALITY.mziLossDb), "from preset", "Insertion loss per MZI."),
  opt(
    "technology",
    "loss_spread",
    "technology.lossSpreadDb",
    quantity("loss", NON_IDEALITY.lossSpreadDb),
    "from preset",
    "Gaussian σ of each MZI arm's insertion loss around mzi_loss, drawn per arm per die (0.02 dB in foundry and calibrated: an assumption).",
  ),
  opt(
    "technology",
    "splitter_imbalance",
    "technology.splitterImbalance",
    real(NON_IDEALITY.splitterImbalance),
    "from preset",
    "Coupler power-ratio deviation from 0.5.",
  ),
  opt(
    "technology",
    "phase_noise",
    "technology.phaseNoise",
    quantity("angle", NON_IDEALITY.phaseNoise),
    "from preset",
    "Phase-noise sigma per phase shifter.",
  ),
  opt(
    "technology",
    "dac_bits",
    "technology.dacBits",
    none(int(bitsRange, "bits")),
    "from preset",
    "Phase DAC resolution, or none for ideal continuous phases.",
  ),
  opt(
    "technology",
    "yield",
    "target.yield",
    percent({ min: 0, max: 100, exclusiveMin: true, exclusiveMax: true }),
    "99 %",
    "Yield target: the share of fabricated chips that must be exact at this technology (docs/design/robustness.md §1.4).",
  ),
  opt(
    "technology",
    "target_confidence",
    "target.confidence",
    percent({ min: 50, max: 100, exclusiveMax: true }),
    "95 %",
    "Confidence at which the yield target must be shown: a target is met when the one-sided lower bound on the yield at this confidence reaches it.",
  ),
  opt(
    "technology",
    "detector_noise",
    "technology.detectorNoise",
    real(NON_IDEALITY.detectorNoise),
    "from preset",
    "Detector noise sigma, in quantization steps of the output amplitude.",
  ),

  opt(
    "calibration",
    "monitors",
    "calibration.monitors",
    choice(["auto", "none"]),
    "auto",
    "Monitor photodiodes of closed-form cells: auto puts one on each terminator the lab calibration reads (every attenuator dump, and per meta-MZI pair the fan-in dump where it meets), all on light the cell already discards, so 0 dB added loss; none puts none. Listed in the netlist info, the port map and the report (docs/design/calibration.md §7.2).",
  ),

  opt(
    "link",
    "bandwidth",
    "link.bandwidth",
    quantity("bitrate", { min: 0, max: 1e15, exclusiveMin: true }),
    "800 Gb/s",
    "Bandwidth per transceiver.",
  ),
  opt("link", "transceivers", "link.transceivers", int({ min: 1, max: 1024 }), "8", "Transceivers per server."),
  opt(
    "link",
    "step_latency",
    "link.stepLatency",
    quantity("time", { min: 0, max: 1 }),
    "2.7 us",
    "Per-step software/NIC latency α of one communication step.",
  ),
  opt(
    "link",
    "fiber_length",
    "link.fiberLength",
    quantity("length", { min: 0, max: 1e6 }),
    "10 m",
    "Fibre length between a worker and the aggregator.",
  ),

  opt(
    "workload",
    "preset",
    "workload.preset",
    word(`a preset name (${PRESET_NAMES.join(", ")})`),
    "resnet50-cifar100",
    `Named workload supplying the values below: ${PRESET_NAMES.join(", ")}.`,
  ),
  opt(
    "workload",
    "parameters",
    "workload.parameters",
    quantity("count", { min: 1, max: 1e13 }, { integer: true, unitOptional: true }),
    "from preset",
    "Model parameters, e.g. 25.6 M params; sets gradient_size = 4 B × parameters unless given.",
  ),
  opt(
    "workload",
    "gradient_size",
    "workload.gradientBytes",
    quantity("bytes", { min: 1, max: 1e15 }, { integer: true }),
    "from preset",
    "Gradient bytes per worker per step (fp32 baseline).",
  ),
  opt(
    "workload",
    "compute_time",
    "workload.computeTime",
    quantity("time", { min: 0, max: 1e6, exclusiveMin: true }),
    "from preset",
    "Compute time per step; replaces flops_per_step.",
  ),
  opt(
    "workload",
    "flops_per_step",
    "workload.flopsPerStep",
    quantity("flops", { min: 0, max: 1e24, exclusiveMin: true }, { unitOptional: true }),
    "from preset",
    "Training FLOPs per worker per step; time = flops / (peak_flops × efficiency).",
  ),
  opt(
    "workload",
    "peak_flops",
    "workload.peakFlops",
    quantity("flop-rate", { min: 0, max: 1e20, exclusiveMin: true }),
    "60 TFLOP/s",
    "Accelerator peak FLOP rate.",
  ),
  opt(
    "workload",
    "efficiency",
    "workload.efficiency",
    real({ min: 0, max: 1, exclusiveMin: true }),
    "0.6",
    "Fraction of peak_flops achieved in training.",
  ),
];

export function optionsIn(block: string): OptionDef[] {
  return OPTIONS.filter((o) => o.block === block);
}

export function findOption(block: string, key: string): OptionDef | undefined {
  return OPTIONS.find((o) => o.block === block && o.key === key);
}

export function isBlock(name: string): boolean {
  return BLOCKS.some((b) => b.name === name);
}
