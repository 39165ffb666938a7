// The error rate of a cell's decisions at an operating point (docs/design/power-budget.md §4): each
// decision's σ from the noise weights of budget.ts at the taps' κ and the reads' noise, its rate
// from its margins, and the union bounds over digits, cases and cells. A search asks for thousands
// of rates per cell (lasers.ts bisects the tap), so the terms that depend on the operating point
// alone are found once per cell and tap (OperatingTerms), and a rate allocates nothing.
import type { LightBudget } from "../../dsl/technology.ts";
import { decisionErrorRate } from "../../netlist/devices/error-rate.ts";
import { normalTail } from "../../math/normal.ts";
import { homodyneNoise } from "../../netlist/devices/homodyne.ts";
import { kappas, type CellLight, type Operating } from "./budget.ts";

/** One decision's budget at a tap power. */
export interface Decision {
  cell: string;
  output: string;
  /** Index of the case in the cell's input space, and its port digits. */
  caseIndex: number;
  inputs: number[];
  level: number;
  /** Power of the decided field at the output detector, mW. */
  powerMw: number;
  /** Field distances to the thresholds below and above (null: none), √mW at the output detector. */
  below: number | null;
  above: number | null;
  /** σ of the decided field, √mW at the output detector, and the share of its variance by source. */
  sigma: number;
  shares: { source: string; share: number }[];
  /** The smaller distance over σ. */
  q: number;
  rate: number;
}

/** What one cell's decisions share at an operating point: per read, its noise in circuit units. */
interface OperatingTerms {
  /** Per layer: the variance of its reads per unit Σw² (a), per unit Σw²x² (b); 0 when `only` leaves it out. */
  layerA: Float64Array;
  layerB: Float64Array;
  /** The output read's own variance: a + b·y². */
  outA: number;
  outB: number;
  /** √κ of the output segment: circuit units → √mW at the detector. */
  root: number;
  kOut: number;
}

function termsAt(cell: CellLight, light: LightBudget, op: Operating): OperatingTerms {
  const kap = kappas(cell, light, op.tapMw);
  const n = homodyneNoise(light, op.loMw);
  const g2 = n.gain * n.gain;
  const kOut = kap[cell.outputSegment]!;
  const L = cell.layers.length;
  const layerA = new Float64Array(L);
  const layerB = new Float64Array(L);
  cell.layers.forEach((l, a) => {
    if (op.only !== undefined && op.only !== l.instance) return;
    layerA[a] = n.a / (g2 * kap[l.segment]!);
    layerB[a] = n.b / g2;
  });
  const outOn = op.only === undefined || op.only === cell.light.detector.instance;
  return { layerA, layerB, outA: outOn ? n.a / (g2 * kOut) : 0, outB: outOn ? n.b / g2 : 0, root: Math.sqrt(kOut), kOut };
}

/** A decision's field y, its noiseless digit d, and the distances (circuit units) to the thresholds beside it (null: none). */
interface Margins {
  y: number;
  d: number;
  below: number | null;
  above: number | null;
}

/** The margins of decision (k, c). */
function margins(cell: CellLight, k: number, c: number): Margins {
  const det = cell.light.detector;
  const W = cell.outputs.length;
  const y = det.modes[k]!.re[c]!;
  const d = cell.digits[c * W + k]!;
  const s = cell.scale[c]!;
  // A dark reference: the decision is lost whatever the noise.
  if (!(s > 0)) return { y, d, below: d > 0 ? -Infinity : null, above: d < det.levels - 1 ? -Infinity : null };
  const level = (j: number): number => (det.offset[k]! + j * det.step[k]!) * s;
  return {
    y,
    d,
    below: d > 0 ? y - 0.5 * (level(d - 1) + level(d)) : null,
    above: d < det.levels - 1 ? 0.5 * (level(d) + level(d + 1)) - y : null,
  };
}

/** Variance of decision (k, c) in circuit units, by source when `parts` is given. */
function varianceAt(cell: CellLight, t: OperatingTerms, k: number, c: number, y: number, parts?: number[]): number {
  const L = cell.layers.length;
  const at = (k * cell.cases + c) * L;
  let v = 0;
  for (let a = 0; a < L; a++) {
    const p = t.layerA[a]! * cell.s0[at + a]! + t.layerB[a]! * cell.s1[at + a]!;
    parts?.push(p);
    v += p;
  }
  const out = t.outA + t.outB * y * y;
  parts?.push(out);
  return v + out;
}

/**
 * Each blocked read alone: noise must carry it past its kink and then on until the output moves by
 * its margin (a union bound over reads, each as if the others were quiet).
 */
function kinkRate(cell: CellLight, t: OperatingTerms, k: number, c: number, margin: number): number {
  const b = cell.blocked();
  let r = 0;
  for (let e = b.head[k * cell.cases + c]!; e >= 0; e = b.next[e]!) {
    const up = b.upLayer[e]!;
    const v = t.layerA[b.layer[e]!]! + (up >= 0 ? b.upGain2[e]! * t.layerA[up]! : 0);
    if (v > 0) r += normalTail((b.dist[e]! + margin / b.w[e]!) / Math.sqrt(v));
  }
  return r;
}

/** The rate of decision (k, c); without kinks, a lower bound that skips finding the blocked reads. */
function rateAt(cell: CellLight, t: OperatingTerms, k: number, c: number, withKinks: boolean): number {
  const m = margins(cell, k, c);
  return rateOf(cell, t, k, c, m, Math.sqrt(varianceAt(cell, t, k, c, m.y)), withKinks);
}

/** The rate of decision (k, c) from its margins and σ (circuit units). */
function rateOf(cell: CellLight, t: OperatingTerms, k: number, c: number, m: Margins, sigma: number, withKinks: boolean): number {
  let rate = decisionErrorRate(m.below, m.above, sigma);
  if (withKinks && Number.isFinite(m.below ?? 0) && Number.isFinite(m.above ?? 0))
    rate += kinkRate(cell, t, k, c, Math.min(m.below ?? Infinity, m.above ?? Infinity));
  return Math.min(1, rate);
}

export interface CellRates {
  /** Worst case over the input space of the union over the cell's digits. */
  worstPerUse: number;
  /** Mean over the input space of the same. */
  meanPerUse: number;
  /** Per output digit, its worst case. */
  worstPerDigit: number[];
  /** The decision of largest rate. */
  binding: { k: number; c: number; rate: number };
}

/** `withKinks` false leaves out the reads a kink blocks: a lower bound on every rate, without finding them. */
export function cellRates(cell: CellLight, light: LightBudget, op: Operating, withKinks = true): CellRates {
  const W = cell.outputs.length;
  const t = termsAt(cell, light, op);
  let worstPerUse = 0;
  let sum = 0;
  const worstPerDigit = new Array<number>(W).fill(0);
  let binding = { k: 0, c: 0, rate: -1 };
  for (let c = 0; c < cell.cases; c++) {
    let perUse = 0;
    for (let k = 0; k < W; k++) {
      const rate = rateAt(cell, t, k, c, withKinks);
      perUse += rate;
      if (rate > worstPerDigit[k]!) worstPerDigit[k] = rate;
      if (rate > binding.rate) binding = { k, c, rate };
    }
    perUse = Math.min(1, perUse);
    sum += perUse;
    if (perUse > worstPerUse) worstPerUse = perUse;
  }
  return { worstPerUse, meanPerUse: sum / cell.cases, worstPerDigit, binding };
}

/** One decision in full (for the report: the binding one). */
export function decisionOf(cell: CellLight, light: LightBudget, op: Operating, k: number, c: number): Decision {
  const t = termsAt(cell, light, op);
  const m = margins(cell, k, c);
  const parts: number[] = [];
  const v = varianceAt(cell, t, k, c, m.y, parts);
  const sources = [...cell.layers.map((l) => l.instance), cell.light.detector.instance];
  const sigma = Math.sqrt(v) * t.root;
  const scaled = (x: number | null): number | null => (x === null ? null : Number.isFinite(x) ? x * t.root : -1);
  const below = scaled(m.below);
  const above = scaled(m.above);
  const sides = [below, above].filter((x): x is number => x !== null);
  return {
    cell: cell.name,
    output: cell.outputs[k]!,
    caseIndex: c,
    inputs: Array.from(cell.inputs.subarray(c * cell.ports, (c + 1) * cell.ports)),
    level: m.d,
    powerMw: t.kOut * m.y * m.y,
    below,
    above,
    sigma,
    shares: parts.map((p, i) => ({ source: sources[i]!, share: v > 0 ? p / v : 0 })),
    q: sides.length ? Math.min(...sides) / sigma : Number.POSITIVE_INFINITY,
    rate: rateOf(cell, t, k, c, m, Math.sqrt(v), true),
  };
}

/**
 * The chip's rate per aggregated value: Σ over cells of copies × worst rate per use (capped at 1).
 * `withKinks` false gives a lower bound (chipRateFloor) that skips finding the blocked reads.
 */
export function chipRate(cells: CellLight[], light: LightBudget, op: Operating, withKinks = true): number {
  let r = 0;
  for (const cell of cells) r += cell.copies * cellRates(cell, light, op, withKinks).worstPerUse;
  return Math.min(1, r);
}

/** A lower bound on chipRate: the rate without the noise that carries blocked reads past their kinks. */
export const chipRateFloor = (cells: CellLight[], light: LightBudget, op: Operating): number => chipRate(cells, light, op, false);
