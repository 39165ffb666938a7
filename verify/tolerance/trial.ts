// One Monte-Carlo trial of a whole chip: one die per physical copy of every unit, plus one detector
// noise draw per decision, all as unit variates ("shape") that an operating point scales. The
// trial's critical level is the largest level at which every case of every copy decides right.
//
// Streams: the dies are those `optinc verify --trials` draws for the same circuit (copy 0 of a
// unit: (seed, t); every copy of a closed-form cell: chip-yield.ts's copy seed), so a trial here
// and there is the same chip (design.ts streamSeed). Detector noise uses the same stream in
// receiver.ts's case-major order.
//
// A trial is a pure function of (design, axis, seed, trial): nothing carries over between trials,
// so trials may run in any order or in parallel with the same results.
import { createRng } from "../../math/rng.ts";
import { drawDieShape, realizeDie, type DieShape } from "../../netlist/die/die.ts";
import { drawable, drawDieDraws, drawnMatrices, type DieDraws } from "../../netlist/sim/die-draws.ts";
import { detectDigit } from "../../netlist/models.ts";
import { compileCircuit, type CompiledCircuit } from "../../netlist/sim/simulate.ts";
import type { Circuit } from "../../netlist/ir.ts";
import type { CMat } from "../../math/cmat.ts";
import { fitReceiver, type ReceiverMode } from "../circuit/receiver.ts";
import type { AxisDef, OperatingPoint } from "./axes.ts";
import { margin } from "./decisions.ts";
import type { Design, DesignUnit } from "./design.ts";
import { simulateSet } from "./design.ts";
import { dieMatrices, type CircuitPrograms } from "../../netlist/sim/stage-program.ts";
import { criticalLevel, type Bracket } from "./search.ts";

/**
 * A copy's die as unit variates: arrays per stage program when every part compiled to one
 * (netlist/sim/die-draws.ts, no map of leaf objects per evaluation), otherwise the netlist path's shape.
 * Both are the same die (tests/netlist/die-draws.test.ts).
 */
export type TrialDie = { draws: DieDraws; shape?: undefined } | { draws?: undefined; shape: DieShape };

export interface CopyShape {
  unit: DesignUnit;
  copy: number;
  die: TrialDie;
  /** Unit normals per decision (cases × width), or null when the axis has no detector noise. */
  noise: Float64Array | null;
}

export function copyShape(unit: DesignUnit, seed: number, copy: number, trial: number, withNoise: boolean): CopyShape {
  const s = unit.streamSeed(seed, copy);
  const die: TrialDie = drawable(unit.programs)
    ? { draws: drawDieDraws(unit.programs, s, trial, true) }
    : { shape: drawDieShape(unit.circuit, s, trial, unit.programs.parts) };
  return { unit, copy, die, noise: withNoise ? noiseDraws(unit, seed, copy, trial) : null };
}

/** The simulator's detector-noise stream of (seed, trial), drawn case-major like receiver.ts. */
export function noiseDraws(unit: DesignUnit, seed: number, copy: number, trial: number): Float64Array {
  const rng = createRng(unit.streamSeed(seed, copy) * 1000003 + trial * 2 + 2);
  const z = new Float64Array(unit.set.cases * unit.width);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal();
  return z;
}

export interface CopyResult {
  exact: boolean;
  /** Signed margin of every decision (steps), cases × width; null when a raw receiver stopped at a wrong case. */
  margins: Float64Array | null;
}

/**
 * Simulate every case of one copy at an operating point and decide as verify does: the receiver
 * is fitted on the ideal fields (receiver.ts) or decides on its thresholds, then detector noise,
 * then the detector's rounding rule. A threshold receiver decides case by case, so it simulates the
 * cases with the least ideal margin first, in chunks, and stops at the first wrong one; a fitted
 * receiver's gain and offset come from every case, so it always simulates them all.
 */
export function evaluateCopy(
  unit: DesignUnit,
  die: TrialDie | null,
  noise: Float64Array | null,
  point: OperatingPoint,
  receiver: ReceiverMode,
): CopyResult {
  const sim = copySim(unit.circuit, copyMatrices(unit.programs, die, point));
  if (receiver === "thresholds") return rawInOrder(unit, sim, noise ? point.detectorNoise : 0, noise);
  const measured = simulateSet(sim, unit.set, unit.format).re;
  const n = unit.set.cases;
  const w = unit.width;
  const rx = fitReceiver(measured, unit.idealRe, n, w);
  const { step, offset, levels } = unit.detector;
  const sigma = noise ? point.detectorNoise : 0;
  const margins = new Float64Array(n * w);
  let exact = true;
  for (let c = 0; c < n; c++) {
    for (let k = 0; k < w; k++) {
      const i = c * w + k;
      let v = rx.gain[k]! * measured[i]! + rx.offset[k]!;
      if (sigma) v += sigma * step[k]! * noise![i]!;
      const d = unit.reference[i]!;
      if (detectDigit(v, step[k]!, offset[k]!, levels) !== d) exact = false;
      margins[i] = margin((v - offset[k]!) / step[k]!, d, levels);
    }
  }
  return { exact, margins };
}

// Each unit's circuit planned once: a copy's evaluation re-binds only its stage matrices (planning
// the run anew was more than half of every evaluation).
const planned = new WeakMap<Circuit, CompiledCircuit>();

function copySim(circuit: Circuit, matrices: Map<string, CMat>): CompiledCircuit {
  const base = planned.get(circuit);
  if (base) return base.withMatrices(matrices, { seed: 0, trial: 0 });
  const sim = compileCircuit(circuit, { matrices });
  planned.set(circuit, sim);
  return sim;
}

/** The copy's stage matrices at an operating point (the ideal ones, with its DAC, at level 0). */
function copyMatrices(programs: CircuitPrograms, die: TrialDie | null, point: OperatingPoint): ReturnType<typeof dieMatrices> {
  const l = point.levels;
  const lit = !!(l.splitterImbalance || l.phaseNoise || l.mziLossDb || l.lossSpreadDb);
  if (die?.draws && lit) return drawnMatrices(programs, die.draws, l, point.dacBits);
  return dieMatrices(programs, die?.shape && lit ? realizeDie(die.shape, l, "trial") : null, point.dacBits);
}

/** Chunk sizes of the raw receiver's early-exit pass: a small first chunk of the hardest cases. */
const FIRST_CHUNK = 256;
const CHUNK = 4096;

function rawInOrder(unit: DesignUnit, sim: ReturnType<typeof compileCircuit>, sigma: number, noise: Float64Array | null): CopyResult {
  const n = unit.set.cases;
  const w = unit.width;
  const inW = unit.format.workers * unit.format.digits;
  const { step, offset, levels } = unit.detector;
  const { cases, digits } = unit.hardFirst;
  const margins = new Float64Array(n * w);
  for (let start = 0, size = FIRST_CHUNK; start < n; start += size, size = CHUNK) {
    const m = Math.min(size, n - start);
    const r = sim.run(Float64Array.from(digits.subarray(start * inW, (start + m) * inW)), m);
    for (let j = 0; j < m; j++) {
      const c = cases[start + j]!;
      for (let k = 0; k < w; k++) {
        const i = c * w + k;
        let v = r.fields.re[j * r.width + k]!;
        if (sigma) v += sigma * step[k]! * noise![i]!;
        const d = unit.reference[i]!;
        if (detectDigit(v, step[k]!, offset[k]!, levels) !== d) return { exact: false, margins: null };
        margins[i] = margin((v - offset[k]!) / step[k]!, d, levels);
      }
    }
  }
  return { exact: true, margins };
}

/**
 * Where the decision margins first reach zero, each extrapolated through the last evaluations of
 * its copy: a line through two levels, a parabola through three (margins fall faster than
 * linearly as errors grow, so a line alone keeps undershooting).
 */
export function predictRoot(points: { level: number; margins: Float64Array }[]): number {
  const pts = points.slice(-3);
  let root = Infinity;
  if (pts.length < 2) return root;
  const n = pts[0]!.margins.length;
  if (pts.length === 2) {
    const [a, b] = pts as [(typeof pts)[0], (typeof pts)[0]];
    const ds = b.level - a.level;
    for (let i = 0; i < n; i++) {
      const slope = (b.margins[i]! - a.margins[i]!) / ds;
      if (slope < 0) root = Math.min(root, b.level - b.margins[i]! / slope);
    }
    return root;
  }
  const [p0, p1, p2] = pts as [(typeof pts)[0], (typeof pts)[0], (typeof pts)[0]];
  const [x0, x1, x2] = [p0.level, p1.level, p2.level];
  for (let i = 0; i < n; i++) {
    // Newton form through the three points, then m(s) = c2 s² + c1 s + c0.
    const y0 = p0.margins[i]!,
      y1 = p1.margins[i]!,
      y2 = p2.margins[i]!;
    const d01 = (y1 - y0) / (x1 - x0);
    const d12 = (y2 - y1) / (x2 - x1);
    const c2 = (d12 - d01) / (x2 - x0);
    const c1 = d01 - c2 * (x0 + x1);
    const c0 = y0 - x0 * d01 + c2 * x0 * x1;
    root = Math.min(root, smallestPositiveRoot(c2, c1, c0));
  }
  return root;
}

function smallestPositiveRoot(a: number, b: number, c: number): number {
  if (Math.abs(a) < 1e-300) return b < 0 ? -c / b : Infinity;
  const disc = b * b - 4 * a * c;
  if (disc < 0) return Infinity;
  // Stable quadratic formula.
  const q = -0.5 * (b + Math.sign(b || 1) * Math.sqrt(disc));
  const roots = [q / a, q !== 0 ? c / q : Infinity].filter((r) => r > 0);
  return roots.length ? Math.min(...roots) : Infinity;
}

export interface TrialSearch {
  rtol: number;
  maxEvaluations: number;
  receiver: ReceiverMode;
}

/**
 * The margins of every unit at the axis's zero level (shared by all trials: no die yet). With no
 * DAC that is the ideal circuit, whose margins need no simulation: a receiver fitted on the ideal
 * fields against themselves is the identity (gain 1 and offset 0 exactly, receiver.ts).
 */
export function baseMargins(design: Design, axis: AxisDef, receiver: ReceiverMode): CopyResult[] {
  const p = axis.point(0);
  if (p.dacBits) return design.units.map((u) => evaluateCopy(u, null, null, p, receiver));
  return design.units.map((u) => {
    const { step, offset, levels } = u.detector;
    const margins = new Float64Array(u.idealRe.length);
    for (let i = 0; i < margins.length; i++)
      margins[i] = margin((u.idealRe[i]! - offset[i % u.width]!) / step[i % u.width]!, u.reference[i]!, levels);
    return { exact: u.exact, margins };
  });
}

/**
 * Trial t's critical level on one axis. Copies are evaluated in turn and the search stops at the
 * first failing one; the last failing copy goes first at the next level, where it most likely fails again.
 */
export function trialCritical(
  design: Design,
  axis: AxisDef,
  base: CopyResult[],
  trial: number,
  o: TrialSearch,
  start = axis.start,
): Bracket {
  if (!base.every((b) => b.exact)) return { lo: 0, hi: 0, evaluations: 0 };
  const withNoise = axis.point(1).detectorNoise > 0;
  const copies: { shape: CopyShape; points: { level: number; margins: Float64Array }[] }[] = [];
  design.units.forEach((u, ui) => {
    for (let c = 0; c < u.instances; c++)
      copies.push({ shape: copyShape(u, design.seed, c, trial, withNoise), points: [{ level: 0, margins: base[ui]!.margins! }] });
  });
  let order = copies.map((_, i) => i);
  return criticalLevel(
    (level) => {
      const point = axis.point(level);
      let predicted = Infinity;
      for (const i of order) {
        const cp = copies[i]!;
        const r = evaluateCopy(cp.shape.unit, cp.shape.die, cp.shape.noise, point, o.receiver);
        let p = Infinity;
        if (r.margins) {
          // The three evaluated levels nearest this one, in level order.
          cp.points = [...cp.points.filter((q) => q.level !== level), { level, margins: r.margins }]
            .sort((a, b) => Math.abs(a.level - level) - Math.abs(b.level - level))
            .slice(0, 3)
            .sort((a, b) => a.level - b.level);
          p = predictRoot(cp.points);
        }
        if (!r.exact) {
          order = [i, ...order.filter((j) => j !== i)];
          return { exact: false, ...(r.margins ? { predicted: p } : {}) };
        }
        predicted = Math.min(predicted, p);
      }
      return { exact: true, predicted };
    },
    { start, min: axis.min, max: axis.max, rtol: o.rtol, maxEvaluations: o.maxEvaluations },
  );
}
