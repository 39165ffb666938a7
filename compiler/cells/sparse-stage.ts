// A sparse real matrix as one passive optical stage: every input fans out through a coupler tree to
// the rows that use it, each matrix entry has its own programmable attenuator (an MZI with a dumped
// port, which also sets the entry's sign and cancels the trees' i factors), and each row fans in
// through an equal-split coupler tree. Compared with a dense mesh, an entry's light meets only
// ⌈log₂F⌉ + ⌈log₂G⌉ fixed couplers and one attenuator, so a component error perturbs only the
// entries whose path it lies on, and every path sees the same loss (one MZI).
//
// Every fan-out tree is cut from one binary shape over the stage's rows (and every fan-in tree from
// one over its inputs): two inputs that feed the same rows split alike, so their leaves meet in
// adjacent pairs and a drawing interleaves the trees with about one crossing per level, not a
// shuffle of one tree's leaves across the other's (docs/design/layout.md §7.4).
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
 * The most unevenly a fan-out coupler with shares splits: at least this much of its light goes down
 * either branch. A die adds an absolute error to each coupler's ratio (fab/draw.ts: σ·N(0, 1) cut
 * at 3σ), so the widest spread the lab departures model (`coupler-wide`, σ = 3 %) moves a ratio by
 * up to 0.09. A branch below that can be shut on a die, and no attenuator after it can restore the
 * light: paper_4x8.add0's 0.022 leaf left 11 of 30 coupler-wide dies inexact even with the oracle's
 * calibration, and cluster-16's L2.add1 and L2.add2 2 of 10 nominal dies each (docs/design/digit-cells.md §2.2).
 */
export const MIN_SPLIT = 0.09;

/**
 * A binary tree over `modes`, cut from the stage's common shape: the shape halves the key range
 * [0, size) recursively, and a range whose modes all fall in one half is that half's tree (a node
 * with one side empty is no coupler). A coupler of ratio share(right)/share(all), kept within
 * [minSplit, 1 − minSplit], joins modes[lo] and modes[mid] of each range. Fan-out splits the light on modes[0] over all modes (root first:
 * the coupler comes before the subtrees); fan-in is its mirror, the coherent sum of all modes onto
 * modes[0] (subtrees first). Returns the complex path factor of each mode.
 */
function tree(b: Builder, modes: number[], direction: "out" | "in", shape: TreeShape): Complex[] {
  const { keys, size, share, unit = 1, minSplit = MIN_SPLIT } = shape;
  const part = (lo: number, hi: number): number => {
    let a = 0;
    for (let i = lo; i < hi; i++) a += share ? share[i]! : 1;
    return a;
  };
  // the common shape halves a range of keys, at a multiple of `unit` from its start
  const half = (a: number, z: number): number => (z - a > unit ? a + unit * Math.ceil((z - a) / (2 * unit)) : a + Math.ceil((z - a) / 2));
  const factor: Complex[] = modes.map(() => [1, 0]);
  const rec = (lo: number, hi: number, mlo = 0, mhi = size): void => {
    const n = hi - lo;
    if (n <= 1) return;
    let mm = half(mlo, mhi);
    while (keys[lo]! >= mm || keys[hi - 1]! < mm) {
      if (keys[lo]! >= mm) mlo = mm;
      else mhi = mm;
      mm = half(mlo, mhi);
    }
    let mid = lo;
    while (keys[mid]! < mm) mid++;
    if (direction === "in") {
      rec(lo, mid, mlo, mm);
      rec(mid, hi, mm, mhi);
    }
    const ratio = part(mid, hi) / part(lo, hi);
    const coupling = share ? Math.min(1 - minSplit, Math.max(minSplit, ratio)) : ratio;
    const root = modes[lo]!;
    const other = modes[mid]!;
    coupler(b, root, other, coupling);
    // [[τ, iκ], [iκ, τ]]: light stays on the root mode with τ and crosses with iκ, either way.
    const [[stay, cross]] = couplerMatrix(coupling);
    for (let i = lo; i < mid; i++) factor[i] = cmul(factor[i]!, stay);
    for (let i = mid; i < hi; i++) factor[i] = cmul(factor[i]!, cross);
    if (direction === "out") {
      rec(lo, mid, mlo, mm);
      rec(mid, hi, mm, mhi);
    }
  };
  rec(0, modes.length);
  return factor;
}

/** Where a tree's modes sit in the common shape of its stage's trees (`tree`). */
interface TreeShape {
  /** Each mode's key (its row or input index, or the row's rank), ascending; the shape spans [0, size). */
  keys: number[];
  size: number;
  /** Power share of each leaf (equal when absent). */
  share?: number[];
  /** The shape halves a range at a multiple of this from its start (FanOutShape.unit). */
  unit?: number;
  /** With shares: the least either branch of a coupler takes (FanOutShape.minSplit). */
  minSplit?: number;
}

const fanOut = (b: Builder, modes: number[], shape: TreeShape): Complex[] => tree(b, modes, "out", shape);
const fanIn = (b: Builder, modes: number[], shape: TreeShape): Complex[] => tree(b, modes, "in", shape);

/** How a stage's fan-out trees are shaped (sparseLayout). */
export interface FanOutShape {
  /** Each row's place in the trees' common shape (default: its index). */
  rowRank?: number[];
  /** Rows whose ranks share a block of this many (from 0) are never split apart before the rest. */
  unit?: number;
  /**
   * The power each entry's fan-out leaf takes, relative to its input's other leaves (equal when
   * absent): an entry its attenuator dims needs less of its input's light than one near the
   * headroom (cell-circuit.ts sets them from a first balance). Each coupler's ratio is kept within
   * [minSplit, 1 − minSplit], so a leaf may take more than its share.
   */
  share?: (r: number, j: number) => number;
  /** The least either branch of a shared coupler takes (default MIN_SPLIT). */
  minSplit?: number;
}

export function sparseLayout(name: string, weights: number[][], shape: FanOutShape = {}): SparseLayout {
  const W = weights;
  const rows = W.length;
  const cols = W[0]?.length ?? 0;
  if (rows === 0 || cols === 0) throw new Error(`stage ${name}: empty matrix`);
  W.forEach((row, r) => {
    if (row.every((w) => w === 0)) throw new Error(`stage ${name}: row ${r} is zero`);
  });
  // each input's rows in the order of the fan-out trees' common shape
  const rank = shape.rowRank ?? W.map((_, r) => r);
  const rowsOf: number[][] = Array.from({ length: cols }, (_, j) =>
    W.map((_, r) => r)
      .filter((r) => W[r]![j] !== 0)
      .sort((a, b) => rank[a]! - rank[b]!),
  );
  // Input j's light starts on mode j and stays there for its first row in the shape's order; every other
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
      {
        keys: rs.map((r) => rank[r]!),
        size: rows,
        unit: shape.unit,
        share: shape.share && rs.map((r) => shape.share!(r, j)),
        minSplit: shape.minSplit,
      },
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
      { keys: js, size: cols },
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
      { keys: js, size: cols },
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
