// Every IR type of the toolchain lives here: the phase table (mesh-synthesis output, the
// contract other tools read) and the SAX-style circuit netlist the backends emit.
// Conventions (MZI matrix, port numbering, mode order) are specified in docs/reference/conventions.md.
import type { Complex, Matrix2 } from "../math/complex.ts";

// ---------------------------------------------------------------------------
// Phase table (`*.phases.json` / `*.phases.csv`)
// ---------------------------------------------------------------------------

/** Name of the 2×2 MZI convention; see docs/reference/conventions.md. */
export const MZI_CONVENTION = "MZ-in" as const;

/** Quantized DAC codes of an element's phases (present only when quantization is on). */
export interface DacCodes {
  bits: number;
  theta?: number;
  phi?: number;
}

interface ElementBase {
  /** Position in light order within its stage (0 = first element light meets). */
  index: number;
  /** Column (layer of simultaneous elements) within the stage. */
  column: number;
  dac?: DacCodes;
}

/**
 * A tunable MZI on modes [a, b], a the top mode: (m, m+1) in a mesh; a tree MZI (trees = mzi) may,
 * like a fixed coupler, join any two modes a < b.
 */
export interface MziElement extends ElementBase {
  kind: "mzi";
  modes: [number, number];
  theta: number;
  phi: number;
  matrix: Matrix2;
  /** A splitter/combiner-tree MZI (trees = mzi), counted apart from the mesh (inventory.ts). */
  tree?: true;
}

/** A single-mode phase shifter. */
export interface PhaseElement extends ElementBase {
  kind: "phase";
  modes: [number];
  phi: number;
  /** 1×1 transfer: [[ [re, im] ]]. */
  matrix: [[Complex]];
}

/**
 * A single-mode amplitude element realizing a diagonal entry sigma (|sigma| ≤ 1).
 * Physically an MZI between this mode and a dumped auxiliary port; theta/phi are its setting.
 */
export interface AttenuatorElement extends ElementBase {
  kind: "attenuator";
  modes: [number];
  sigma: Complex;
  theta: number;
  phi: number;
  matrix: [[Complex]];
}

/** A fixed (untunable) 2×2 coupler, e.g. in a splitter or combiner tree. */
export interface CouplerElement extends ElementBase {
  kind: "coupler";
  modes: [number, number];
  /** Power coupling to the cross port (0.5 = 50:50). */
  coupling: number;
  matrix: Matrix2;
}

export type LinearElement = MziElement | PhaseElement | AttenuatorElement | CouplerElement;

export type StageRole =
  | "unitary" // a bare unitary mesh
  | "svd" // V† · Σ · U of an arbitrary matrix
  | "sigma-u" // segmented Σ·U layer
  | "preprocess" // digit-sum combiner
  | "sparse" // fan-out trees, one attenuator per matrix entry, fan-in trees (closed-form cells)
  | "broadcast"; // splitter tree back to the workers

/**
 * One linear stage. Its matrix (outputs × inputs) is
 *   gain · P_out · E_{k-1} · … · E_1 · E_0   restricted to [outputs, inputs],
 * where E_i are the elements in light order (each embedded in `modes` modes),
 * P_out = diag(exp(i · outputPhases)), and the rows kept are `outputModes` (default 0..outputs−1).
 */
export interface PhaseStage {
  name: string;
  role: StageRole;
  /** "clements" | "reck" | "none" (for fixed stages). */
  mesh: string;
  /** Waveguides in the stage. */
  modes: number;
  /** Input modes 0..inputs-1 carry light in; the others are dark. */
  inputs: number;
  /** Output modes 0..outputs-1 are read (or the modes in `outputModes`); the others are dumped. */
  outputs: number;
  /**
   * The modes read as outputs 0..outputs-1, in that order, when they are not modes 0..outputs-1:
   * a sparse stage's fan-in trees end wherever their rows' light is (compiler/cells/sparse-stage.ts).
   */
  outputModes?: number[];
  /** Electronic/optical gain applied after the passive stage (σ_max scale of an SVD). */
  gain: number;
  elements: LinearElement[];
  outputPhases: number[];
  /** DAC codes of the output phase screen (present only when quantization is on). */
  outputDac?: { bits: number; codes: number[] };
  convention: typeof MZI_CONVENTION;
  /**
   * When set, input mode `inputs - 1` is not fed by the previous step but by a constant
   * optical source of this (real) amplitude: the layer's bias input.
   */
  biasInput?: number;
}

/**
 * A nonlinear step between linear stages, applied per mode to the complex field z:
 *   relu:       z ↦ z if Re z > 0, else 0
 *   leaky-relu: z ↦ z if Re z > 0, else slope · z      (params.slope)
 * (an idealized coherent optical nonlinearity; see docs/reference/conventions.md).
 */
export interface ActivationStep {
  name: string;
  role: "activation";
  function: "relu" | "leaky-relu";
  /** Parameters of the documented transfer function. */
  params: Record<string, number>;
  modes: number;
  /**
   * Per mode, the gain of a regenerating read (it writes gain_m · f(z) on fresh light): the next
   * stage's inputs at their full scale whatever the rows before them (compiler/cells/balance.ts).
   * Absent: unit gain.
   */
  gain?: number[];
  /**
   * Per mode, the saturation of a regenerating read's limiting amplifier, in the units of its input
   * (0: none): above it the mode writes Re z = limit, the phase kept. Applied before `gain`.
   */
  limit?: number[];
  /** "homodyne": Re z read against an LO, written on fresh light in phase (Im 0); absent: the field model, `ideal` only. */
  read?: "homodyne";
}

/**
 * The first step of an ONN pipeline: how worker symbols become optical amplitudes.
 * Input vector x has workers × digits entries, worker-major: x[w·digits + k] is digit k
 * (k = 0 least significant) of worker w, sent at amplitude digit × amplitudePerLevel.
 */
export interface SourceStep {
  name: string;
  role: "source";
  workers: number;
  digits: number;
  levels: number;
  amplitudePerLevel: number;
}

/**
 * The last step: coherent (homodyne) detection of Re(field) on each output mode and
 * threshold decoding: digit = clamp(round((Re y − offset) / step), 0, levels − 1).
 * `step` and `offset` are one value for every mode, or one per mode (a calibrated die's receiver).
 */
export interface DetectorStep {
  name: string;
  role: "detector";
  levels: number;
  step: number | number[];
  offset: number | number[];
  /** Decoded modes. */
  modes: number;
  /**
   * Ratiometric detection: the detector reads one more input mode (the last), a reference row that
   * crossed the same stages as the outputs, whose nominal Re field is `reference`. Each decoded
   * mode's Re y is first scaled by reference / Re y_ref, so a loss common to every path cancels; a
   * reference field ≤ 0 decodes every mode as 0.
   */
  reference?: number;
}

export type PipelineStep = SourceStep | PhaseStage | ActivationStep | DetectorStep;

export interface PhaseTable {
  format: "optinc.phases/1";
  convention: {
    name: typeof MZI_CONVENTION;
    /** Human-readable closed form of the MZI 2×2 matrix. */
    mzi: string;
    coupler: string;
    phaseRange: string;
  };
  /**
   * Steps in light order. A bare mesh (optinc decompose) lists PhaseStages only; a compiled
   * ONN starts with a SourceStep and ends with a DetectorStep. Each step consumes the previous
   * step's outputs as its input modes 0..k-1 (plus a bias source where biasInput is set).
   */
  pipeline: PipelineStep[];
}

// ---------------------------------------------------------------------------
// Circuit netlist (SAX-style plain data; one hierarchical level per stage)
// ---------------------------------------------------------------------------

export type SettingValue = number | string | boolean | number[];

export interface Instance {
  /** A primitive model name (see netlist/models) or the name of another netlist in the circuit. */
  component: string;
  settings: Record<string, SettingValue>;
}

/** "instance,port" */
export type PortRef = string;

export interface Netlist {
  instances: Record<string, Instance>;
  /** "a,o3": "b,o1" — undirected optical connections. */
  connections: Record<PortRef, PortRef>;
  /** External port name → "instance,port". Mode k ↔ "in<k>" / "out<k>". */
  ports: Record<string, PortRef>;
  /** Optional layout hints (gdsfactory placements), metres-free units (µm). */
  placements?: Record<string, { x: number; y: number; rotation?: number }>;
}

/** A hierarchical circuit: `top` names the netlist to simulate; others are sub-circuits. */
export interface Circuit {
  name: string;
  top: string;
  netlists: Record<string, Netlist>;
  /** Free-form metadata carried into every backend (spec name, seed, convention). */
  info: Record<string, SettingValue>;
}

// ---------------------------------------------------------------------------
// Port map (`<name>.ports.json`): what a lab connects to each port of the emitted circuit
// ---------------------------------------------------------------------------

/** One optical input of the circuit: a top-level input port or an on-chip constant source. */
export type PortMapInput =
  | {
      /** Top-level input port in<k>: digit `digit` (0 = least significant) of worker `worker`. */
      kind: "worker-digit";
      port: string;
      worker: number;
      digit: number;
      /** Place value of the digit: levels^digit. */
      weight: number;
      /** The PAM modulator it drives ("instance,port"); symbol d is sent at amplitude d · amplitudePerLevel. */
      drives: string;
      levels: number;
      amplitudePerLevel: number;
    }
  | {
      /**
       * Top-level input port in<k> of a closed-form cell (circuit info has `cell`): port k of the
       * cell in its chip file (`optinc.chip/1`, docs/reference/chip-files.md), which every copy of this design
       * reads with the same weight. Without the chip file at hand, `weight`, `max` and `carries`
       * are left out.
       */
      kind: "cell-port";
      port: string;
      /** Index k into the chip file's `ports` of every copy of this design. */
      cellPort: number;
      /** The port's weight in the cell's v = bias + Σ weight·x. */
      weight?: number;
      /** Largest digit the port carries. */
      max?: number;
      /** What the port carries on each physical copy: a worker digit, or an earlier cell's output. */
      carries?: CellPortSource[];
      drives: string;
      levels: number;
      amplitudePerLevel: number;
    }
  | {
      /** Top-level input port that carries an optical amplitude directly (no modulator). */
      kind: "optical";
      port: string;
      drives: string;
    }
  | {
      /** A constant optical source inside the circuit (a layer's bias input). */
      kind: "bias";
      instance: string;
      /** Real field amplitude the source emits. */
      amplitude: number;
      drives: string;
    }
  | {
      /** A modulator input fed by a detector inside the circuit (an O-E-O regenerated digit). */
      kind: "regenerated";
      drives: string;
      from: string;
      levels: number;
      amplitudePerLevel: number;
    };

/** One copy's source of a cell port, in the chip file's own JSON form plus the copy's cell name. */
export type CellPortSource = { copy: string; worker: number; position: number } | { copy: string; cell: string; output: string };

/**
 * What the ports of one closed-form cell design carry, from its chip file: per port k (in<k>) its
 * weight, range and source on each copy; per detector mode k (out<k>) the output's name.
 */
export interface PortMapCell {
  ports: { weight: number; max: number; carries: CellPortSource[] }[];
  /** Per detector mode k: output k's name on each copy (a shared design's copies name it by their own position). */
  outputs: { copy: string; output: string }[][];
}

export interface PortMapOutput {
  port: string;
  /**
   * "digit": a detector's decoded output digit; "cell-output": detector mode k of a closed-form
   * cell, its chip file output k; "optical": a field leaving the circuit.
   */
  kind: "digit" | "cell-output" | "optical";
  /** For kind "cell-output": index k into the chip file's `outputs` of the cell, and its name on each copy (with the chip file at hand). */
  cellOutput?: number;
  carries?: { copy: string; output: string }[];
  /** Digit position in the output code (0 = least significant), for kind "digit". */
  digit?: number;
  /** Place value levels^digit, for kind "digit". */
  weight?: number;
  /** The detector output ("instance,port") or the optical output it is. */
  from: string;
  /** For kind "digit": the optical field the detector reads ("instance,port"). */
  reads?: string;
}

export interface PortMapDetector {
  instance: string;
  levels: number;
  /** One value for every mode, or one per mode (a receiver calibrated for a die). */
  step: number | number[];
  offset: number | number[];
  modes: number;
  /** A ratiometric detector's reference level r (absent: the detector decodes Re y itself). */
  reference?: number;
  /** With `reference`: the field its last input (in<modes>) reads, `<instance>,<port>` or `dark`. */
  referenceReads?: string;
  /** The decision rule in words, the reference and half steps included. */
  rule: string;
}

/** A monitor photodiode of a closed-form cell (calibration { monitors = auto }; netlist/lab/monitors.ts). */
export interface PortMapMonitor {
  /** The monitor site: "<top instance>/<terminator>", e.g. "threshold/e4_dump". */
  name: string;
  /** "dump": an attenuator's dump port; "tree": a fan-in tree's dump. */
  kind: "dump" | "tree";
  /** The netlist (sub-circuit) and terminator instance the photodiode sits on. */
  netlist: string;
  terminator: string;
  /** What calibration reads it for: "theta fringe and row meter" (dumps) or "meta-MZI" (tree sites). */
  reads: string;
}

/** One heater's bumps on the drawn chip: an entry of the pad map (`optinc layout`,
 * `<file>.pads.json`, and `pads` of a design's port map; docs/reference/layout-files.md §3). */
export interface PortMapPad {
  /** Instance path from the chip: cell copy / sub-circuit instance / phase instance. */
  heater: string;
  /** The heater as die and lab files name it (`sum/e0.phi`, netlist/die/heaters.ts heaterLeaves). */
  name: string;
  /** The cell copy it belongs to (the chip's instance name of the design). */
  copy: string;
  /** DAC channel: the chip's heaters numbered in drawing order from 0. */
  channel: number;
  /** Its own signal bump (`S<channel>`), wired to its output end: centre in chip coordinates, µm. */
  signal: { name: string; x: number; y: number };
  /** The ground bump its input end shares with its column's heaters (`G<k>`), chip coordinates, µm. */
  ground: { name: string; x: number; y: number };
}

export interface PortMap {
  format: "optinc.ports/2";
  circuit: string;
  inputs: PortMapInput[];
  outputs: PortMapOutput[];
  detectors: PortMapDetector[];
  /** Monitor photodiodes on discarded light (present only when the circuit has some; 0 dB added loss). */
  monitors?: PortMapMonitor[];
  /** The function the output code computes, from the circuit info (unit_* entries, rounding). */
  function: Record<string, SettingValue>;
  /** The bumps of this design's heaters on the drawn chip: only in a compile with `--layout`
   * (docs/reference/layout-files.md §3), every copy's heaters, the entries of `<name>.pads.json` for this design. */
  pads?: PortMapPad[];
  /** Who receives which output digit. */
  broadcast: {
    /** Whether the splitting unit that fans the result out to the workers is part of the circuit. */
    emitted: boolean;
    workers: number;
    note: string;
    /** receivers[w] lists, for worker w, the output ports carrying each digit (digit order). */
    receivers: { worker: number; digits: { digit: number; port: string }[] }[];
  };
}
