// The power budget of an emitted closed-form chip (docs/design/power-budget.md): with a laser of
// P mW per source, the optical power at every stage and detector of every cell, each decision's
// signal and noise from the receiver's physics, its error rate, and from them the chip's error rate
// per aggregated value; and the laser power that meets a target rate.
//
// Units. A pam source maps digit d to the field d·a; its full-scale field (L − 1)·a carries the
// laser's power after the facet, so |field|² × κ is mW with κ = P·10^(−facet/10) / ((L − 1)·a)². A
// bias source of field b needs a laser of (b / ((L − 1)·a))²·P.
//
// A decision is direct detection: the photodiode sees P = κ|z|² and a receiver set on the received
// levels decides between them at the midpoints of their powers. The levels are those of the
// emitted rule (docs/reference/netlists.md §5): field (offset + j·step) read against the reference,
// i.e. (offset + j·step)·y_ref/r at the detector. The reference row is constant, read over many
// symbols (an ASSUMPTION): its noise is left out. The intended digit is the emitted rule's noiseless
// decision. Its error rate is Q(below/σ) + Q(above/σ), the distances in photocurrent to the
// thresholds beside it and σ the receiver's at that power (netlist/devices/).
//
// A cell's rate per use is the union bound over its digits, at its worst input; the chip's rate per
// aggregated value is the union bound over every physical copy of every cell (each takes part in
// every value once).
import type { LightBudget } from "../../dsl/technology.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { detectDigit } from "../../netlist/models.ts";
import { decisionErrorRate } from "../../netlist/devices/error-rate.ts";
import { afterLossMw, laserElectricalMw, noiseBandwidthHz, receiverSigmaA } from "../../netlist/devices/receiver.ts";
import { readCellInfo } from "../../aggregate/circuit-info.ts";
import { cellCases } from "../../aggregate/cell-cases.ts";
import { PowerWalkError, walkCircuit, type CircuitLight } from "./walk.ts";

export { PowerWalkError } from "./walk.ts";

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
  light: CircuitLight;
  /** y_ref / r per case (1 without a reference); ≤ 0 where the reference is dark. */
  scale: Float64Array;
  /** The emitted rule's noiseless digit, cases × outputs. */
  digits: Int32Array;
}

/** Reads one cell circuit at an MZI loss: its whole input space through the walk. */
export function readCellLight(circuit: Circuit, netlist: string, mziLossDb: number): CellLight {
  const f = readCellInfo(circuit.info);
  if (!f) throw new PowerWalkError(`circuit ${circuit.name} is not a closed-form cell: the power budget reads cells only`);
  const set = cellCases(f);
  const sim = compileCircuit(circuit, { mziLossDb });
  const matrices = new Map(sim.stageMatrices.map((s) => [s.instance, s.matrix]));
  const light = walkCircuit(circuit, matrices, set.inputs, set.cases);
  const det = light.detector;
  const W = det.modes.length;
  if (W !== f.outputs.length)
    throw new PowerWalkError(`cell ${f.name}: the detector reads ${W} digits, its function has ${f.outputs.length} outputs`);
  for (let k = 0; k < W; k++) {
    if (!(det.step[k]! > 0) || det.offset[k]! < 0)
      throw new PowerWalkError(`cell ${f.name}: detector mode ${k} has a level below zero, which direct detection cannot place`);
  }
  const scale = new Float64Array(set.cases).fill(1);
  if (det.reference !== null) for (let c = 0; c < set.cases; c++) scale[c] = det.referenceField!.re[c]! / det.reference;
  const digits = new Int32Array(set.cases * W);
  for (let c = 0; c < set.cases; c++)
    for (let k = 0; k < W; k++)
      digits[c * W + k] = scale[c]! > 0 ? detectDigit(det.modes[k]!.re[c]! / scale[c]!, det.step[k]!, det.offset[k]!, det.levels) : 0;
  return {
    name: f.name,
    netlist,
    copies: Math.max(1, Math.round(Number(circuit.info.cell_instances ?? 1))),
    outputs: f.outputs.map((o) => o.name),
    ports: f.ports.length,
    cases: set.cases,
    inputs: set.inputs,
    light,
    scale,
    digits,
  };
}

/** mW per unit |field|² at a laser power per source (emitted, before the facet). */
export function kappaOf(cell: CellLight, light: LightBudget, laserMw: number): number {
  return afterLossMw(laserMw, light.facetLossDb) / cell.light.topField ** 2;
}

/** One decision's budget: the case, the level it reads, its distances to the thresholds and σ (A). */
export interface Decision {
  cell: string;
  output: string;
  /** Index of the case in the cell's input space, and its port digits. */
  caseIndex: number;
  inputs: number[];
  level: number;
  powerMw: number;
  /** Photocurrent distances to the thresholds below and above (null: none), A. */
  below: number | null;
  above: number | null;
  sigmaA: number;
  /** The smaller distance over σ. */
  q: number;
  rate: number;
}

interface Geometry {
  powerMw: number;
  below: number | null;
  above: number | null;
  sigmaA: number;
  level: number;
}

/** The budget of one decision (mode k, case c) at κ. */
function decisionAt(cell: CellLight, light: LightBudget, kappa: number, k: number, c: number): Geometry {
  const det = cell.light.detector;
  const rx = light.receiver;
  const B = noiseBandwidthHz(rx, light.symbolRateGBd);
  const W = cell.outputs.length;
  const d = cell.digits[c * W + k]!;
  const s = cell.scale[c]!;
  const z = det.modes[k]!;
  const P = kappa * (z.re[c]! ** 2 + z.im[c]! ** 2);
  const sigmaA = receiverSigmaA(rx, light.laser.rinDbHz, B, P);
  if (!(s > 0)) return { powerMw: P, below: d > 0 ? -1 : null, above: d < det.levels - 1 ? -1 : null, sigmaA, level: d };
  const levelMw = (j: number): number => kappa * ((det.offset[k]! + j * det.step[k]!) * s) ** 2;
  const amps = (mw: number): number => rx.responsivityAW * mw * 1e-3;
  const Pd = levelMw(d);
  const below = d > 0 ? amps(P - 0.5 * (levelMw(d - 1) + Pd)) : null;
  const above = d < det.levels - 1 ? amps(0.5 * (Pd + levelMw(d + 1)) - P) : null;
  return { powerMw: P, below, above, sigmaA, level: d };
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

export function cellRates(cell: CellLight, light: LightBudget, laserMw: number): CellRates {
  const kappa = kappaOf(cell, light, laserMw);
  const W = cell.outputs.length;
  let worstPerUse = 0;
  let sum = 0;
  const worstPerDigit = new Array<number>(W).fill(0);
  let binding = { k: 0, c: 0, rate: -1 };
  for (let c = 0; c < cell.cases; c++) {
    let perUse = 0;
    for (let k = 0; k < W; k++) {
      const g = decisionAt(cell, light, kappa, k, c);
      const rate = Math.min(1, decisionErrorRate(g.below, g.above, g.sigmaA));
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
export function decisionOf(cell: CellLight, light: LightBudget, laserMw: number, k: number, c: number): Decision {
  const g = decisionAt(cell, light, kappaOf(cell, light, laserMw), k, c);
  const rate = Math.min(1, decisionErrorRate(g.below, g.above, g.sigmaA));
  const sides = [g.below, g.above].filter((x): x is number => x !== null);
  const q = sides.length ? Math.min(...sides) / g.sigmaA : Number.POSITIVE_INFINITY;
  return {
    cell: cell.name,
    output: cell.outputs[k]!,
    caseIndex: c,
    inputs: Array.from(cell.inputs.subarray(c * cell.ports, (c + 1) * cell.ports)),
    level: g.level,
    powerMw: g.powerMw,
    below: g.below,
    above: g.above,
    sigmaA: g.sigmaA,
    q,
    rate,
  };
}

/** The chip's rate per aggregated value at a laser power: Σ over cells of copies × worst rate per use (capped at 1). */
export function chipRate(cells: CellLight[], light: LightBudget, laserMw: number): number {
  let r = 0;
  for (const cell of cells) r += cell.copies * cellRates(cell, light, laserMw).worstPerUse;
  return Math.min(1, r);
}

/** Laser powers searched for a target, mW (1 nW … 10 GW). */
export const LASER_SEARCH_MW = { lo: 1e-6, hi: 1e13 } as const;

/**
 * The least laser power per source (mW, emitted) at which the chip's rate per aggregated value meets
 * `target`, to a relative 0.1 %; null when even LASER_SEARCH_MW.hi does not (a noise floor that
 * grows with the light: RIN).
 */
export function laserForTarget(cells: CellLight[], light: LightBudget, target: number): number | null {
  let lo = Math.log10(LASER_SEARCH_MW.lo);
  let hi = Math.log10(LASER_SEARCH_MW.hi);
  if (chipRate(cells, light, 10 ** hi) > target) return null;
  if (chipRate(cells, light, 10 ** lo) <= target) return 10 ** lo;
  while (hi - lo > 4e-4) {
    const mid = 0.5 * (lo + hi);
    if (chipRate(cells, light, 10 ** mid) <= target) hi = mid;
    else lo = mid;
  }
  return 10 ** hi;
}

/** The light sources of the chip at a laser power: every copy's inputs and bias sources. */
export function sourcesAt(cells: CellLight[], laserMw: number): { count: number; largestMw: number; totalMw: number } {
  let count = 0;
  let largestMw = 0;
  let totalMw = 0;
  for (const cell of cells) {
    for (const s of cell.light.sources) {
      const mw = laserMw * (s.field / cell.light.topField) ** 2;
      count += cell.copies;
      totalMw += cell.copies * mw;
      largestMw = Math.max(largestMw, mw);
    }
  }
  return { count, largestMw, totalMw };
}

/** The smallest detector level step of a cell relative to its full-scale input field, dB of power (negative). */
export function smallestStepDb(cell: CellLight): { db: number; output: string } {
  const det = cell.light.detector;
  let s = 0;
  for (let c = 0; c < cell.cases; c++) s += cell.scale[c]!;
  s /= cell.cases;
  let best = { db: Number.POSITIVE_INFINITY, output: cell.outputs[0]! };
  det.step.forEach((step, k) => {
    const db = 20 * Math.log10((step * s) / cell.light.topField);
    if (db < best.db) best = { db, output: cell.outputs[k]! };
  });
  return best;
}

export { laserElectricalMw };
