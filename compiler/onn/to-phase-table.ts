// Trained network → phase-table pipeline (the circuit IR's source of truth). The network's inputs
// are the centred digit sums x_k = S_k/maxSum − ½; preprocessing produces them optically.
//
// The optical network is fully passive: every stage has gain 1. Layer l realizes M_l = W_l / s_l
// with s_l ≥ the largest |weight factor| (so attenuators stay ≤ 1) times the fan-out/fan-in loss.
// Because ReLU(a·z) = a·ReLU(z) for a > 0, the physical field is the network's activation divided
// by G_l = G_{l−1}·s_l; the bias source of layer l emits 1/G_{l−1} and the detector's decision
// step is 1/G_L. Nothing is lost: the decoded digits are those of the trained network.
import type { Activation, TreeKind } from "../../dsl/spec.ts";
import type {
  ActivationStep,
  CouplerElement,
  DetectorStep,
  LinearElement,
  MziElement,
  PhaseElement,
  PhaseStage,
  PipelineStep,
  SourceStep,
} from "../../netlist/ir.ts";
import { MZI_CONVENTION } from "../../netlist/ir.ts";
import type { CMat } from "../../math/cmat.ts";
import { attenuatorElement, decomposeMatrix, decomposeUnitary, type MeshKind } from "../mesh/decompose.ts";
import { couplerMatrix, couplerTheta, mziMatrix, wrapPhase } from "../../netlist/mzi.ts";
import type { Mlp } from "./mlp.ts";
import { attenuatorSetting } from "../../netlist/mzi.ts";
import type { Tile, TilePlan } from "./sigma-u.ts";

export interface UnitShape {
  workers: number;
  inDigits: number;
  outDigits: number;
  levels: number;
  /** Largest digit sum: the network input is S / maxSum. */
  maxSum: number;
}

/** Symbol amplitude per PAM level: the top level is sent at amplitude 1. */
export function amplitudePerLevel(levels: number): number {
  return 1 / (levels - 1);
}

const MINUS_HALF_PI = wrapPhase(-Math.PI / 2);

function phaseEl(index: number, column: number, mode: number, phi: number): PhaseElement {
  return { kind: "phase", index, column, modes: [mode], phi, matrix: [[[Math.cos(phi), Math.sin(phi)]]] };
}

function couplerEl(index: number, column: number, a: number, b: number, coupling: number): CouplerElement {
  return { kind: "coupler", index, column, modes: [a, b], coupling, matrix: couplerMatrix(coupling) };
}

function treeMzi(index: number, column: number, a: number, b: number, theta: number, phi: number): MziElement {
  return { kind: "mzi", index, column, modes: [a, b], theta, phi: wrapPhase(phi), matrix: mziMatrix(theta, wrapPhase(phi)), tree: true };
}

/**
 * Element list builder that keeps indices in light order. A coupler [[τ, iκ], [iκ, τ]] puts a
 * factor i on light crossing over; a −π/2 phase on the crossing arm cancels it, so fields stay real.
 *
 * With `trees = mzi` every split and merge coupler is an MZI instead (on the same two modes, which
 * need not be adjacent: routing, like the couplers), set to the same split, so calibration can trim
 * it; the stage then reads its outputs where the fan-in trees end (outputModes) instead of crossing
 * them over. The MZ-in
 * cell with θ = 2·atan2(√(1−k), √k) sends √(1−k) of its top input to the top output and √k across,
 * times i·e^{iθ/2}·e^{iφ}; φ (or a phase after it) takes that phase out.
 */
class Elements {
  readonly list: LinearElement[] = [];
  /** Tree MZIs emitted (trees = mzi). */
  treeMzis = 0;
  constructor(readonly trees: TreeKind = "fixed") {}
  push(e: LinearElement): void {
    this.list.push(e);
  }
  get next(): number {
    return this.list.length;
  }
  private mzi(column: number, a: number, b: number, theta: number, phi: number): void {
    this.push(treeMzi(this.next, column, a, b, theta, phi));
    this.treeMzis++;
  }
  /** Move the fraction `coupling` of the power on `from` onto the dark mode `to`, real-valued. */
  split(column: number, from: number, to: number, coupling: number): void {
    if (this.trees === "mzi") {
      const theta = couplerTheta(coupling);
      this.mzi(column, from, to, theta, -Math.PI / 2 - theta / 2);
      return;
    }
    this.push(couplerEl(this.next, column, from, to, coupling));
    this.push(phaseEl(this.next, column, to, MINUS_HALF_PI));
  }
  /** Coherently add mode `from` into `into` (into < from): into ← τ·into + sign·κ·from. */
  merge(column: number, into: number, from: number, coupling: number, sign: 1 | -1 = 1): void {
    if (this.trees === "mzi") {
      // Row 0 of T(θ, φ) with e^{iφ} = sign: i·e^{iθ/2}·sign·(τ·into + sign·κ·from).
      const theta = couplerTheta(coupling);
      const phi = sign > 0 ? 0 : Math.PI;
      this.mzi(column, into, from, theta, phi);
      this.push(phaseEl(this.next, column, into, wrapPhase(-(Math.PI / 2 + theta / 2 + phi))));
      return;
    }
    // A −π/2 phase on the crossing arm makes its weight +κ, +π/2 makes it −κ.
    this.push(phaseEl(this.next, column, from, sign > 0 ? MINUS_HALF_PI : wrapPhase(Math.PI / 2)));
    this.push(couplerEl(this.next, column, into, from, coupling));
  }
  /** Exchange two modes (a full-cross coupler), correcting the phase of the mode we keep. */
  swapInto(column: number, keep: number, other: number): void {
    this.push(couplerEl(this.next, column, keep, other, 1));
    this.push(phaseEl(this.next, column, keep, MINUS_HALF_PI));
  }
}

export function sourceStep(shape: UnitShape): SourceStep {
  return {
    name: "source",
    role: "source",
    workers: shape.workers,
    digits: shape.inDigits,
    levels: shape.levels,
    amplitudePerLevel: amplitudePerLevel(shape.levels),
  };
}

/**
 * Digit-sum preprocessing with the input offset removed optically:
 *   q_k = (Σ_w x[w·D + k] − μ·β/√D) / √(N + μ²),   β = the bias input (mode N·D, amplitude 1),
 * so q_k ∝ S_k − maxSum/2: the network's centred input. The bias is split into D equal copies
 * (modes N·D … N·D + D − 1), then each digit's chain merges its N − 1 other workers (weight 1)
 * and its bias copy (weight −μ). Chain couplings κ_j² = v_j² / Σ_{i≤j} v_i² give every input its
 * weight v_j / √Σv², a +π/2 instead of −π/2 phase on the crossing arm makes a weight negative.
 */
export function preprocessStage(shape: UnitShape, trees: TreeKind = "fixed"): { stage: PhaseStage; scale: number; treeMzis: number } {
  const { workers: n, inDigits: d } = shape;
  const a = amplitudePerLevel(shape.levels);
  const mu = 0.5 * a * shape.maxSum * Math.sqrt(d);
  const biasMode = n * d;
  const el = new Elements(trees);
  for (let k = 1; k < d; k++) el.split(0, biasMode, biasMode + k, 1 / (d - k + 1));
  const copy = (k: number): number => biasMode + k; // digit 0's copy stays on the source mode
  for (let k = 0; k < d; k++) {
    let acc = 1; // Σ v² merged so far (worker 0 is already on mode k)
    for (let w = 1; w < n; w++) {
      acc += 1;
      el.merge(1 + w, k, w * d + k, 1 / acc);
    }
    acc += mu * mu;
    el.merge(n + 1, k, copy(k), (mu * mu) / acc, -1); // negative weight
  }
  const modes = n * d + d;
  const stage: PhaseStage = {
    name: "preprocess",
    role: "preprocess",
    mesh: "none",
    modes,
    inputs: n * d + 1,
    outputs: d,
    gain: 1,
    elements: el.list,
    outputPhases: new Array<number>(modes).fill(0),
    convention: MZI_CONVENTION,
    biasInput: 1,
  };
  // q_k = a·(S_k − maxSum/2)/√(N + μ²) = a·maxSum/√(N + μ²) · x_k.
  return { stage, scale: Math.sqrt(n + mu * mu) / (a * shape.maxSum), treeMzis: el.treeMzis };
}

function realCMat(rows: number, cols: number, data: Float64Array): CMat {
  return { rows, cols, re: Float64Array.from(data), im: new Float64Array(rows * cols) };
}

/** A Σ·U-segmented layer as one stage realizing W / (g·√(R·C)), g = max |d| over its tiles. */
export function sigmaUStage(
  name: string,
  plan: TilePlan,
  tiles: Tile[],
  mesh: MeshKind,
  bias: number,
  trees: TreeKind = "fixed",
): { stage: PhaseStage; scale: number; treeMzis: number } {
  const { s, R, C, rows: m, cols: n } = plan;
  let g = 0;
  for (const t of tiles) for (const v of t.d) g = Math.max(g, Math.abs(v));
  if (g === 0) g = 1;
  const base = (r: number, c: number): number => (r * C + c) * s;
  const el = new Elements(trees);
  let col = 0;
  // 1. Fan-out: every real input mode i = c·s + t sends an equal share to each row group.
  for (let r = 1; r < R; r++, col++)
    for (let i = 0; i < n; i++) {
      const c = Math.floor(i / s);
      el.split(col, i, base(r, c) + (i % s), 1 / (R - r + 1));
    }
  // 2. Tiles: Clements/Reck mesh of U, then attenuators d_i / g (U's output phases folded in).
  let depth = 0;
  for (let r = 0; r < R; r++)
    for (let c = 0; c < C; c++) {
      const t = tiles[r * C + c];
      const u = decomposeUnitary(realCMat(s, s, t.u), { mesh, name: `${name}.tile${r}.${c}` });
      const b = base(r, c);
      let tileDepth = 0;
      for (const e of u.elements) {
        if (e.kind !== "mzi") throw new Error(`internal: a unitary mesh produced a ${e.kind} element`);
        el.push({ ...e, index: el.next, column: col + e.column, modes: [e.modes[0] + b, e.modes[1] + b] });
        tileDepth = Math.max(tileDepth, e.column + 1);
      }
      for (let i = 0; i < s; i++) {
        if (r * s + i >= m) continue; // padded row: its output is dumped
        const mag = t.d[i] / g;
        const ph = u.outputPhases[i];
        const { theta, phi } = attenuatorSetting([mag * Math.cos(ph), mag * Math.sin(ph)]);
        el.push(attenuatorElement(el.next, col + tileDepth, b + i, theta, phi));
      }
      depth = Math.max(depth, tileDepth + 1);
    }
  col += depth;
  // 3. Fan-in: row group r accumulates its C tiles into tile (r, 0).
  for (let c = 1; c < C; c++, col++)
    for (let r = 0; r < R; r++) for (let i = 0; i < s && r * s + i < m; i++) el.merge(col, base(r, 0) + i, base(r, c) + i, 1 / (c + 1));
  // 4. Move row group r from tile (r, 0) to output modes r·s.. (only needed when C > 1). MZI trees
  // read the rows where their fan-in ends instead (outputModes): a crossing is a cell at full cross,
  // which couplers that deviate the same way cannot reach, and it would pass on merge leftovers.
  let outputModes: number[] | undefined;
  if (C > 1 && trees === "mzi") outputModes = Array.from({ length: m }, (_, k) => base(Math.floor(k / s), 0) + (k % s));
  else if (C > 1) {
    for (let r = 1; r < R; r++) for (let i = 0; i < s && r * s + i < m; i++) el.swapInto(col, r * s + i, base(r, 0) + i);
    col++;
  }
  const modes = R * C * s;
  const stage: PhaseStage = {
    name,
    role: "sigma-u",
    mesh,
    modes,
    inputs: n,
    outputs: m,
    gain: 1,
    elements: el.list,
    outputPhases: new Array<number>(modes).fill(0),
    convention: MZI_CONVENTION,
    biasInput: bias,
    ...(outputModes ? { outputModes } : {}),
  };
  return { stage, scale: g * Math.sqrt(R * C), treeMzis: el.treeMzis };
}

/** An unconstrained layer by full SVD mapping, passive (gain folded into the scale chain). */
export function svdStage(
  name: string,
  rows: number,
  cols: number,
  w: Float64Array,
  mesh: MeshKind,
  bias: number,
): { stage: PhaseStage; scale: number } {
  const st = decomposeMatrix(realCMat(rows, cols, w), { mesh, name });
  const scale = st.gain > 0 ? st.gain : 1;
  return { stage: { ...st, gain: 1, biasInput: bias }, scale };
}

export interface MappedNetwork {
  pipeline: PipelineStep[];
  /** Cumulative scale after each layer (G_l); the detector step is 1 / G_L. */
  scales: number[];
  /** MZIs of the splitter and combiner trees (trees = mzi; 0 with fixed trees). */
  treeMzis: number;
}

export function mapNetwork(
  net: Mlp,
  plans: (TilePlan | null)[],
  tiles: (Tile[] | null)[],
  shape: UnitShape,
  opts: { mesh: MeshKind; preprocess: boolean; trees?: TreeKind },
): MappedNetwork {
  const pipeline: PipelineStep[] = [sourceStep(shape)];
  // The network input x_k = S_k/maxSum − ½ equals c·q_k, q_k the preprocessing stage's output.
  if (!opts.preprocess) throw new Error("internal: mapping without digit-sum preprocessing is not supported");
  const pre = preprocessStage(shape, opts.trees);
  pipeline.push(pre.stage);
  let cumulative = pre.scale;
  let treeMzis = pre.treeMzis;
  const scales: number[] = [];
  net.layers.forEach((l, i) => {
    const bias = 1 / cumulative;
    const name = `layer${i + 1}`;
    const plan = plans[i];
    const mapped = plan
      ? sigmaUStage(name, plan, tiles[i]!, opts.mesh, bias, opts.trees)
      : { ...svdStage(name, l.out, l.in + 1, l.w, opts.mesh, bias), treeMzis: 0 };
    treeMzis += mapped.treeMzis;
    pipeline.push(mapped.stage);
    cumulative *= mapped.scale;
    scales.push(cumulative);
    if (i < net.layers.length - 1) pipeline.push(activationStep(`act${i + 1}`, net.activation, net.slope, l.out));
  });
  const detector: DetectorStep = {
    name: "detector",
    role: "detector",
    levels: shape.levels,
    step: 1 / cumulative,
    offset: 0,
    modes: shape.outDigits,
  };
  pipeline.push(detector);
  return { pipeline, scales, treeMzis };
}

function activationStep(name: string, fn: Activation, slope: number, modes: number): ActivationStep {
  return fn === "leaky-relu"
    ? { name, role: "activation", function: fn, params: { slope }, modes }
    : { name, role: "activation", function: fn, params: {}, modes };
}
