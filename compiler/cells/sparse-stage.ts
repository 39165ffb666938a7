// A sparse real matrix as one passive optical stage: every input fans out through an equal-split
// coupler tree to the rows that use it, each matrix entry has its own programmable attenuator (an
// MZI with a dumped port, which also sets the entry's sign and cancels the trees' i factors), and
// each row fans in through an equal-split coupler tree. Compared with a dense mesh, an entry's light
// meets only ⌈log₂F⌉ + ⌈log₂G⌉ fixed couplers and one attenuator, so a component error perturbs
// only the entries whose path it lies on, and every path sees the same loss (one MZI).
//
//   in j ──┬─ split ─┬── [σ_rj] ──┐
//          │         └── [σ_r'j] ─┼─ merge ─┬─► out r
//   in j' ─┴─ split ──── [σ_rj'] ─┘         │
//
// Input j enters on mode j (the phase-table contract); each row's fan-in tree ends on the mode of
// one of its entries, which the stage lists in `outputModes`.
import type { CouplerElement, LinearElement, PhaseStage } from "../../netlist/ir.ts";
import { MZI_CONVENTION } from "../../netlist/ir.ts";
import { cmul, type Complex } from "../../math/complex.ts";
import { attenuatorSetting, couplerMatrix } from "../../netlist/mzi.ts";
import { attenuatorElement } from "../mesh/decompose.ts";

/**
 * Where every entry's light runs, before any attenuator is set: the fan-out trees (already laid
 * out) and each entry's tree path factor |fan-out leaf| · |fan-in leaf|.
 */
export interface SparseLayout {
  name: string;
  /** Target matrix, rows × cols; the last column multiplies the constant 1 (the bias source). */
  weights: number[][];
  /** |path factor| of entry (r, j) through both trees (0 where the entry is zero). */
  pathMag: number[][];
  entryMode: Map<string, number>;
  survivor: number[];
  path: Map<string, [number, number]>;
  fanInOrder: number[][];
  builder: { elements: LinearElement[]; depth: number[] };
}

/** Physical amplitudes: input j arrives at inputScale[j] per unit, the bias source at biasAmplitude. */
export interface SparseScales {
  inputScale: number[];
  /** Physical output r = rowScale[r] · (weights · [x; 1])_r. */
  rowScale: number[];
  biasAmplitude: number;
  /**
   * The amplitude the bias source emits, when it differs from the design's biasAmplitude (a
   * source pre-scaled to match the loss its signals met in earlier stages); |σ| are set for
   * biasAmplitude either way.
   */
  biasSource?: number;
  /**
   * The bias column is fed by the previous stage's last output (a replica of the constant carried
   * through the same stages as the signal), not by a source: the stage reads it as its last input.
   */
  chained?: boolean;
}

interface Builder {
  elements: LinearElement[];
  /** Next free column per mode (ASAP layout). */
  depth: number[];
}

function coupler(b: Builder, a: number, c: number, coupling: number): void {
  const [lo, hi] = a < c ? [a, c] : [c, a];
  while (b.depth.length <= hi) b.depth.push(0);
  const column = Math.max(b.depth[lo]!, b.depth[hi]!);
  const el: CouplerElement = {
    kind: "coupler",
    index: b.elements.length,
    column,
    modes: [lo, hi],
    coupling,
    matrix: couplerMatrix(coupling),
  };
  b.elements.push(el);
  b.depth[lo] = b.depth[hi] = column + 1;
}

/**
 * An equal-split binary tree over `modes` by recursive halving: a coupler of ratio |right|/|all|
 * joins modes[lo] and modes[mid] of each range. Fan-out splits the light on modes[0] over all modes
 * (root first: the coupler comes before the subtrees); fan-in is its mirror, the coherent sum of all
 * modes onto modes[0] (subtrees first). Returns the complex path factor of each mode.
 */
function tree(b: Builder, modes: number[], direction: "out" | "in"): Complex[] {
  const factor: Complex[] = modes.map(() => [1, 0]);
  const rec = (lo: number, hi: number): void => {
    const n = hi - lo;
    if (n <= 1) return;
    const mid = lo + Math.ceil(n / 2);
    if (direction === "in") {
      rec(lo, mid);
      rec(mid, hi);
    }
    const coupling = (hi - mid) / n;
    const root = modes[lo]!;
    const other = modes[mid]!;
    coupler(b, root, other, coupling);
    // [[τ, iκ], [iκ, τ]]: light stays on the root mode with τ and crosses with iκ, either way.
    const [[stay, cross]] = couplerMatrix(coupling);
    for (let i = lo; i < mid; i++) factor[i] = cmul(factor[i]!, stay);
    for (let i = mid; i < hi; i++) factor[i] = cmul(factor[i]!, cross);
    if (direction === "out") {
      rec(lo, mid);
      rec(mid, hi);
    }
  };
  rec(0, modes.length);
  return factor;
}

const fanOut = (b: Builder, modes: number[]): Complex[] => tree(b, modes, "out");
const fanIn = (b: Builder, modes: number[]): Complex[] => tree(b, modes, "in");

export function sparseLayout(name: string, weights: number[][]): SparseLayout {
  const W = weights;
  const rows = W.length;
  const cols = W[0]?.length ?? 0;
  if (rows === 0 || cols === 0) throw new Error(`stage ${name}: empty matrix`);
  W.forEach((row, r) => {
    if (row.every((w) => w === 0)) throw new Error(`stage ${name}: row ${r} is zero`);
  });
  const rowsOf: number[][] = Array.from({ length: cols }, (_, j) => W.map((_, r) => r).filter((r) => W[r]![j] !== 0));
  // Input j's light starts on mode j and stays there for the first row that uses it; every other
  // entry gets a fresh mode. A row's result leaves on the mode of its first entry.
  const entryMode = new Map<string, number>();
  let nextFree = cols;
  for (let j = 0; j < cols; j++) rowsOf[j]!.forEach((r, i) => entryMode.set(`${r},${j}`, i === 0 ? j : nextFree++));
  const survivor = W.map((row, r) => entryMode.get(`${r},${row.findIndex((w) => w !== 0)}`)!);
  const builder: Builder = { elements: [], depth: [] };
  const path = new Map<string, Complex>();
  for (let j = 0; j < cols; j++) {
    const rs = rowsOf[j]!;
    const f = fanOut(
      builder,
      rs.map((r) => entryMode.get(`${r},${j}`)!),
    );
    rs.forEach((r, i) => path.set(`${r},${j}`, f[i]!));
  }
  // The fan-in factors are needed before the attenuators are placed: lay the trees out on a
  // scratch builder now; the real fan-in follows the attenuators in sparseStage.
  const fanInOrder = W.map((row) => row.map((_, j) => j).filter((j) => row[j] !== 0));
  const scratch: Builder = { elements: [], depth: [] };
  fanInOrder.forEach((js, r) => {
    const f = fanIn(
      scratch,
      js.map((j) => entryMode.get(`${r},${j}`)!),
    );
    js.forEach((j, i) => path.set(`${r},${j}`, cmul(path.get(`${r},${j}`)!, f[i]!)));
  });
  const pathMag = W.map((row, r) => row.map((w, j) => (w === 0 ? 0 : Math.hypot(...path.get(`${r},${j}`)!))));
  return { name, weights: W, pathMag, entryMode, survivor, path, fanInOrder, builder };
}

/** |σ| of entry (r, j) at the given amplitudes. */
export function entrySigma(layout: SparseLayout, scales: SparseScales, r: number, j: number): number {
  const cols = layout.weights[0]!.length;
  const amp = j === cols - 1 ? scales.biasAmplitude : scales.inputScale[j]!;
  return (scales.rowScale[r]! * Math.abs(layout.weights[r]![j]!)) / (amp * layout.pathMag[r]![j]!);
}

/** The stage: the layout's fan-out trees, one attenuator per entry, the fan-in trees. */
export function sparseStage(layout: SparseLayout, scales: SparseScales): PhaseStage {
  const W = layout.weights;
  const rows = W.length;
  const cols = W[0]!.length;
  const b: Builder = { elements: [...layout.builder.elements], depth: [...layout.builder.depth] };
  for (let r = 0; r < rows; r++) {
    for (const j of layout.fanInOrder[r]!) {
      const p = layout.path.get(`${r},${j}`)!;
      const amp = j === cols - 1 ? scales.biasAmplitude : scales.inputScale[j]!;
      // σ · path = rowScale · W / amp (a real number): σ = rowScale·W / (amp · path).
      const target = (scales.rowScale[r]! * W[r]![j]!) / amp;
      const mag2 = p[0] * p[0] + p[1] * p[1];
      const sigma: Complex = [(target * p[0]) / mag2, (-target * p[1]) / mag2];
      const mode = layout.entryMode.get(`${r},${j}`)!;
      while (b.depth.length <= mode) b.depth.push(0);
      const { theta, phi } = attenuatorSetting(sigma);
      b.elements.push(attenuatorElement(b.elements.length, b.depth[mode]!, mode, theta, phi));
      b.depth[mode]!++;
    }
  }
  layout.fanInOrder.forEach((js, r) =>
    fanIn(
      b,
      js.map((j) => layout.entryMode.get(`${r},${j}`)!),
    ),
  );
  const modes = Math.max(b.depth.length, cols, rows);
  // A layer whose bias column is zero has no bias source: its last mode stays dark.
  const biasUsed = W.some((row) => row[cols - 1] !== 0);
  return {
    name: layout.name,
    role: "sparse",
    mesh: "none",
    modes,
    inputs: biasUsed || scales.chained ? cols : cols - 1,
    outputs: rows,
    ...(layout.survivor.every((m, r) => m === r) ? {} : { outputModes: layout.survivor }),
    gain: 1,
    elements: b.elements,
    outputPhases: new Array<number>(modes).fill(0),
    convention: MZI_CONVENTION,
    ...(biasUsed && !scales.chained ? { biasInput: scales.biasSource ?? scales.biasAmplitude } : {}),
  };
}
