// The power budget of an emitted closed-form chip (docs/design/power-budget.md §4). Every activation
// is a regenerator (netlist/devices/homodyne.ts): it reads Re z against an LO and writes ReLU(Re z)
// on fresh CW light, so the light starts again at every activation layer. A cell is then a chain of
// segments: ingress modulators → linear stages → the first activation layer's detectors; that
// layer's modulators → … → the output detectors, which read homodyne too.
//
// Units. Fields stay in the circuit's units (the simulator's). Every modulator and every LO takes
// one tap of P_tap mW from a laser's split tree. A segment's κ (mW per unit |field|²) is set by its
// modulators: full scale P_fs = P_tap·10^(−MZM loss/10) at the layer's largest output (at a worker
// modulator: the top PAM level). A layer's gain is one number, so the fields of the next stage keep
// their ratios and the chip computes what the simulator computes.
//
// Noise. Each read adds Gaussian noise σ_E(P_s) at its detector's input (homodyne.ts), referred to
// circuit units by 1/√κ of its segment. Every later stage is linear and every later activation is
// either on or off at a given case, so each noise reaches an output with a fixed weight: the
// backward pass of `readCellLight` finds Σ weight² per layer, output and case. A read whose field is
// dark (exactly 0) is counted as on: its noise passes half the time, and the model keeps all of it.
// The output decision reads Re y_o against the levels (offset + j·step)·y_ref/r; the reference row
// is constant and read over many symbols (an ASSUMPTION): its noise averages away. A decision's rate
// is Q(below/σ) + Q(above/σ); a cell's rate per use is the union bound over its digits at its worst
// input; the chip's rate per aggregated value is the union bound over every copy of every cell
// (decisions.ts).
import type { LightBudget } from "../../dsl/technology.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { detectDigit } from "../../netlist/models.ts";
import { modulatorFullScaleMw } from "../../netlist/devices/homodyne.ts";
import { readCellInfo } from "../../aggregate/circuit-info.ts";
import { cellCases } from "../../aggregate/cell-cases.ts";
import { PowerWalkError, walkCircuit, type CircuitLight, type Field } from "./walk.ts";
import { kinkEntries, type Kinks } from "./kinks.ts";

export { PowerWalkError } from "./walk.ts";

/** One activation layer: its modes, the segment that feeds it and its largest output (circuit units). */
export interface Layer {
  instance: string;
  modes: number;
  /** Index into CellLight.segments of the light it reads. */
  segment: number;
  maxOut: number;
}

/** One cell design read for its budget: geometry in circuit units, independent of the laser. */
export interface CellLight {
  /** The cell design (circuit info `cell`) and its netlist as shown. */
  name: string;
  netlist: string;
  copies: number;
  outputs: string[];
  ports: number;
  cases: number;
  /** Port digits, cases × ports. */
  inputs: Float64Array;
  /** The walk; its `fields` kept only at the activations' and the detector's reads. */
  light: CircuitLight;
  /** y_ref / r per case (1 without a reference); ≤ 0 where the reference is dark. */
  scale: Float64Array;
  /** The emitted rule's noiseless digit, cases × outputs. */
  digits: Int32Array;
  /** Per segment, 1 / (its full-scale field)²: κ = P_fs × this. Segment 0 is the worker modulators'. */
  segments: number[];
  /** Segment of every top-level instance. */
  segmentOf: Map<string, number>;
  layers: Layer[];
  /** The output detectors' segment. */
  outputSegment: number;
  /** Noise weights, index ((k·cases) + c)·layers + a: Σ_m w² and Σ_m w²·x_m² over layer a's modes. */
  s0: Float64Array;
  s1: Float64Array;
  /**
   * Reads a kink blocks (off, or saturated at their limit), per (output k, case c) at k·cases + c:
   * the layer, the read's distance to the kink and the weight it would reach the output with past
   * it (circuit units). Noise that carries such a read past its kink reaches the output after all.
   * Found on first use (most of a wide cell's reading), then kept.
   */
  blocked: () => Kinks;
  /** Taps one copy draws: modulators (worker inputs, bias, activation modes) and LOs (activation and output reads). */
  modulators: number;
  los: number;
}

/** Where the chip runs: the CW tap of every modulator and the LO of every balanced read, mW. */
export interface Operating {
  tapMw: number;
  loMw: number;
  /** Keep the noise of this read alone (an activation layer's instance, or the detector's): which reads bind. */
  only?: string;
}

/** The modulators' full-scale power and every segment's κ at a tap power. */
export function kappas(cell: CellLight, light: LightBudget, tapMw: number): number[] {
  const fs = modulatorFullScaleMw(light.regenerator, tapMw);
  return cell.segments.map((u) => fs * u);
}

/** Adds g·M (a row vector times the stage's matrix, complex) to the gradients of its inputs. */
function backLinear(
  m: NonNullable<CircuitLight["steps"][number]["matrix"]>,
  out: (Field | undefined)[],
  into: Field[],
  cases: number,
): void {
  for (let q = 0; q < m.rows; q++) {
    const g = out[q];
    if (!g) continue;
    for (let j = 0; j < m.cols; j++) {
      const ar = m.re[q * m.cols + j]!;
      const ai = m.im[q * m.cols + j]!;
      if (ar === 0 && ai === 0) continue;
      const t = into[j]!;
      for (let c = 0; c < cases; c++) {
        t.re[c] += g.re[c]! * ar - g.im[c]! * ai;
        t.im[c] += g.re[c]! * ai + g.im[c]! * ar;
      }
    }
  }
}

/** Segments of every instance and the activation layers, from the propagation order. */
function segmentsOf(light: CircuitLight, cases: number): Pick<CellLight, "segments" | "segmentOf" | "layers" | "outputSegment"> {
  const segments = [1 / light.topField ** 2];
  const segmentOf = new Map<string, number>();
  const ofKey = new Map<string, number>();
  const layers: Layer[] = [];
  let outputSegment = -1;
  for (const st of light.steps) {
    if (st.kind === "source" || st.kind === "bias") {
      segmentOf.set(st.instance, 0);
      for (const w of st.writes) ofKey.set(w, 0);
      continue;
    }
    const lit = [...new Set(st.reads.map((r) => ofKey.get(r)).filter((s): s is number => s !== undefined))];
    if (lit.length > 1)
      throw new PowerWalkError(`instance "${st.instance}" mixes light of two activation layers: no single gain sets both`);
    const seg = lit[0] ?? 0;
    segmentOf.set(st.instance, seg);
    if (st.kind === "activation") {
      // Its outputs (gains included) set the modulators' full scale.
      let maxOut = 0;
      for (const w of st.writes) {
        const f = light.fields.get(w);
        if (f) for (let c = 0; c < cases; c++) maxOut = Math.max(maxOut, f.re[c]!);
      }
      if (!(maxOut > 0)) throw new PowerWalkError(`activation "${st.instance}" is dark in every case`);
      layers.push({ instance: st.instance, modes: st.writes.length, segment: seg, maxOut });
      segments.push(1 / maxOut ** 2);
      for (const w of st.writes) ofKey.set(w, segments.length - 1);
    } else {
      for (const w of st.writes) ofKey.set(w, seg);
      if (st.kind === "detector") outputSegment = seg;
    }
  }
  return { segments, segmentOf, layers, outputSegment };
}

/** Reads one cell circuit at an MZI loss: its whole input space through the walk, and its noise weights. */
export function readCellLight(circuit: Circuit, netlist: string, mziLossDb: number): CellLight {
  // A compile budgets the same cell for its form, its structure's light and its report: once each.
  const key = String(mziLossDb);
  const owner = sameCell.get(circuit) ?? circuit;
  const memo = read.get(owner);
  const hit = memo?.get(key);
  if (hit) {
    // A shared walk: the name, file and copies are this circuit's own.
    const name = readCellInfo(circuit.info)?.name ?? hit.name;
    const copies = copiesOf(circuit);
    return hit.netlist === netlist && hit.name === name && hit.copies === copies ? hit : { ...hit, netlist, name, copies };
  }
  const light = walkCellLight(circuit, netlist, mziLossDb);
  if (memo) memo.set(key, light);
  else read.set(owner, new Map([[key, light]]));
  return light;
}

const copiesOf = (circuit: Circuit): number => Math.max(1, Math.round(Number(circuit.info.cell_instances ?? 1)));
const read = new WeakMap<object, Map<string, CellLight>>(); // circuits are never changed once built
const sameCell = new WeakMap<Circuit, object>();

/**
 * Declares that `circuit` is the cell `key` stands for (its stages, settings and function), only
 * named and counted otherwise: every circuit declared with one key shares one walk. The structure
 * search builds the same cell into many candidate structures.
 */
export function shareCellLight(circuit: Circuit, key: object): void {
  sameCell.set(circuit, key);
}

function walkCellLight(circuit: Circuit, netlist: string, mziLossDb: number): CellLight {
  const f = readCellInfo(circuit.info);
  if (!f) throw new PowerWalkError(`circuit ${circuit.name} is not a closed-form cell: the power budget reads cells only`);
  const set = cellCases(f);
  const sim = compileCircuit(circuit, { mziLossDb });
  const matrices = new Map(sim.stageMatrices.map((s) => [s.instance, s.matrix]));
  const light = walkCircuit(circuit, matrices, set.inputs, set.cases);
  const det = light.detector;
  const W = det.modes.length;
  const cases = set.cases;
  if (W !== f.outputs.length)
    throw new PowerWalkError(`cell ${f.name}: the detector reads ${W} digits, its function has ${f.outputs.length} outputs`);
  const scale = new Float64Array(cases).fill(1);
  if (det.reference !== null) for (let c = 0; c < cases; c++) scale[c] = det.referenceField!.re[c]! / det.reference;
  const digits = new Int32Array(cases * W);
  for (let c = 0; c < cases; c++)
    for (let k = 0; k < W; k++)
      digits[c * W + k] = scale[c]! > 0 ? detectDigit(det.modes[k]!.re[c]! / scale[c]!, det.step[k]!, det.offset[k]!, det.levels) : 0;
  const seg = segmentsOf(light, cases);
  const L = seg.layers.length;
  const layerIndex = new Map(seg.layers.map((l, a) => [l.instance, a]));
  const s0 = new Float64Array(W * cases * L);
  const s1 = new Float64Array(W * cases * L);
  // Per output, layer, mode and case: the weight a read reaches the output with when it is open.
  const passW = Array.from({ length: W }, () => seg.layers.map((l) => Array.from({ length: l.modes }, () => new Float64Array(cases))));
  const detStep = light.steps.find((s) => s.kind === "detector")!;
  const zero = (): Field => ({ re: new Float64Array(cases), im: new Float64Array(cases) });
  for (let k = 0; k < W; k++) {
    const grads = new Map<string, Field>();
    const seed = zero();
    seed.re.fill(1);
    grads.set(detStep.reads[k]!, seed);
    for (let i = light.steps.length - 1; i >= 0; i--) {
      const st = light.steps[i]!;
      const gradOf = (key: string): Field => {
        let g = grads.get(key);
        if (!g) grads.set(key, (g = zero()));
        return g;
      };
      if (st.kind === "activation") {
        const a = layerIndex.get(st.instance)!;
        st.writes.forEach((w, m) => {
          const g = grads.get(w);
          if (!g) return;
          const x = light.fields.get(st.reads[m]!);
          const into = gradOf(st.reads[m]!);
          for (let c = 0; c < cases; c++) {
            const xr = x ? x.re[c]! : 0;
            // Dark reads (exactly 0) count as on: the model keeps their noise.
            // Noise passes where the read is on and below its limit (a saturated read writes its limit).
            const lim = st.limits?.[m] ?? 0;
            const pass = (st.gains?.[m] ?? 1) * g.re[c]!;
            const open = xr >= 0 && !(lim > 0 && xr > lim);
            const w2 = open ? pass : 0;
            passW[k]![a]![m]![c] = pass;
            const at = (k * cases + c) * L + a;
            s0[at] += w2 * w2;
            s1[at] += w2 * w2 * xr * xr;
            into.re[c] += w2;
          }
        });
      } else if (st.kind === "linear") {
        backLinear(
          st.matrix!,
          st.writes.map((w) => grads.get(w)),
          st.reads.map((r) => gradOf(r)),
          cases,
        );
      }
    }
  }
  // Only the fields at the reads are kept (kinks.ts reads the activations'): the rest, every port of
  // every stage, would live as long as the cell.
  const atReads = new Set(light.steps.flatMap((s) => (s.kind === "activation" || s.kind === "detector" ? s.reads : [])));
  for (const key of [...light.fields.keys()]) if (!atReads.has(key)) light.fields.delete(key);
  let blocked: Kinks | null = null;
  const blockedOnce = (): Kinks => (blocked ??= kinkEntries(light, seg.layers, passW, cases));
  const top = circuit.netlists[circuit.top]!;
  let modulators = 0;
  for (const inst of Object.values(top.instances)) if (inst.component === "bias_source") modulators++;
  modulators += light.sources.filter((s) => s.kind === "input").length;
  const activationModes = seg.layers.reduce((n, l) => n + l.modes, 0);
  return {
    name: f.name,
    netlist,
    copies: copiesOf(circuit),
    outputs: f.outputs.map((o) => o.name),
    ports: f.ports.length,
    cases,
    inputs: set.inputs,
    light,
    scale,
    digits,
    ...seg,
    s0,
    s1,
    blocked: blockedOnce,
    modulators: modulators + activationModes,
    los: activationModes + W,
  };
}
