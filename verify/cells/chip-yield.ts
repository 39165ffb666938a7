// Monte-Carlo yield of a closed-form chip: one trial is one fabricated chip, on which every physical
// copy of every cell design is its own die (netlist/die/die.ts). The chip passes when every copy decodes
// every input of its cell's input space. Copies are seeded by (seed, design, copy) and trials by their
// index, so results do not depend on the order or the thread they run in.
import type { CMat } from "../../math/cmat.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { drawDieShape, linearParts, realizeDie, type LinearPart } from "../../netlist/die/die.ts";
import { drawable, drawDieDraws, drawnMatrices } from "../../netlist/sim/die-draws.ts";
import { compileCircuit, type CompiledCircuit } from "../../netlist/sim/simulate.ts";
import { circuitPrograms, type CircuitPrograms } from "../../netlist/sim/stage-program.ts";
import { dieLevels, type Technology } from "../../dsl/technology.ts";
import type { CellFunction } from "../../aggregate/circuit-info.ts";
import { cellCases, type CellCases } from "../../aggregate/cell-cases.ts";
import { checkCell, checkCompiled, type CellCheck } from "./cell-verify.ts";

export interface ChipDesign {
  /** Design name (file stem). */
  name: string;
  circuit: Circuit;
  cell: CellFunction;
  /** Physical copies on the chip (cell copies × units of a cascade level). */
  copies: number;
}

export interface ChipTrials {
  trials: number;
  passing: number;
  yield: number;
  /** Per trial: the fraction of cell copies that were exact. */
  exactCopies: number[];
  /** Per design: trials in which every copy of it was exact. */
  perDesign: { name: string; copies: number; passing: number }[];
}

/** The copy seed: distinct per (seed, design, copy), stable under reordering. */
export function copySeed(seed: number, design: number, copy: number): number {
  return (seed * 7919 + design * 104729 + copy * 1299709) % 2 ** 31;
}

export interface Prepared {
  d: ChipDesign;
  parts: LinearPart[];
  set: CellCases;
  /** The design's stage programs, or null when a part has none (then every copy takes dieCopyCheck). */
  cp: CircuitPrograms | null;
  /** The design compiled once, for its first copy's die; later copies re-bind their matrices. */
  compiled: CompiledCircuit | null;
}

export function prepareDesigns(designs: ChipDesign[]): Prepared[] {
  return designs.map((d) => {
    const parts = linearParts(d.circuit);
    return { d, parts, set: cellCases(d.cell), cp: programsOf(d.circuit, parts), compiled: null };
  });
}

function programsOf(circuit: Circuit, parts: LinearPart[]): CircuitPrograms | null {
  try {
    const cp = circuitPrograms(circuit, parts);
    return drawable(cp) ? cp : null;
  } catch {
    return null;
  }
}

/**
 * One copy checked the straightforward way: its die drawn as a map of leaves (drawDieShape +
 * realizeDie) and the circuit compiled on it. copyCheck must agree with it bit for bit
 * (tests/verify/cells/chip-yield.test.ts).
 */
export function dieCopyCheck(
  d: ChipDesign,
  set: CellCases,
  o: Partial<Technology>,
  seed: number,
  di: number,
  k: number,
  t: number,
): CellCheck {
  const s = copySeed(seed, di, k);
  const die = realizeDie(drawDieShape(d.circuit, s, t), dieLevels(o), `${d.name} copy ${k} trial ${t}`);
  return checkCell(d.circuit, d.cell, set, { die, dacBits: o.dacBits, detectorNoise: o.detectorNoise, seed: s, trial: t }, true);
}

/**
 * The same check from the die's draws as arrays (netlist/sim/die-draws.ts, the same stream and arithmetic)
 * on the design's compiled circuit with only its stage matrices re-bound: the per-copy cost of
 * reading the netlist, applying a die to it and planning the run was most of a trial.
 */
function copyCheck(p: Prepared, o: Partial<Technology>, seed: number, di: number, k: number, t: number): CellCheck {
  if (!p.cp) return dieCopyCheck(p.d, p.set, o, seed, di, k, t);
  const s = copySeed(seed, di, k);
  let matrices: Map<string, CMat>;
  try {
    matrices = drawnMatrices(p.cp, drawDieDraws(p.cp, s, t, !!o.lossSpreadDb), dieLevels(o), o.dacBits);
  } catch {
    // An invalid part (a coupling outside [0, 1]): the netlist path reports it in its own words.
    return dieCopyCheck(p.d, p.set, o, seed, di, k, t);
  }
  const stream = { seed: s, trial: t };
  p.compiled = p.compiled
    ? p.compiled.withMatrices(matrices, stream)
    : compileCircuit(p.d.circuit, { matrices, dacBits: o.dacBits, detectorNoise: o.detectorNoise, ...stream });
  return checkCompiled(p.compiled, p.d.cell, p.set, true);
}

/** Whether every copy of every design is exact on trial `t` at these non-idealities. */
export function chipTrial(
  prepared: Prepared[],
  o: Partial<Technology>,
  seed: number,
  t: number,
): { pass: boolean; exactCopies: number; copies: number; designPass: boolean[]; copyExact: boolean[][] } {
  let exactCopies = 0;
  let copies = 0;
  const designPass = prepared.map(() => true);
  const copyExact = prepared.map((p, di) =>
    Array.from({ length: p.d.copies }, (_, k) => {
      const r = copyCheck(p, o, seed, di, k, t);
      copies++;
      if (r.exact === r.cases) exactCopies++;
      else designPass[di] = false;
      return r.exact === r.cases;
    }),
  );
  return { pass: designPass.every(Boolean), exactCopies, copies, designPass, copyExact };
}

/**
 * Whether a chip passes, checking only until its first inexact copy. `order` is the order designs
 * are tried in: the design that failed is moved to the front for the next chip (a chip passes only
 * when every design does, so the order changes the work, never the result).
 */
export function passTrial(prepared: Prepared[], order: number[], o: Partial<Technology>, seed: number, t: number): boolean {
  const failed = order.findIndex((di) => {
    const p = prepared[di]!;
    for (let k = 0; k < p.d.copies; k++) {
      const r = copyCheck(p, o, seed, di, k, t);
      if (r.exact !== r.cases) return true;
    }
    return false;
  });
  if (failed >= 0) order.unshift(...order.splice(failed, 1));
  return failed < 0;
}

/** "full": every copy of every chip is checked; "pass": a chip stops at its first inexact copy. */
export type ChipMode = "full" | "pass";

export interface ChipResult {
  pass: boolean;
  /** Fraction of copies exact ("full" only; NaN in "pass"). */
  exactFraction: number;
  /** Per design: every copy exact ("full" only; empty in "pass"). */
  designPass: boolean[];
}

/** Chips start … start + trials − 1 of designs at a technology (plain data: it goes to pool threads). */
export interface ChipJob {
  designs: ChipDesign[];
  o: Partial<Technology>;
  seed: number;
  start: number;
  trials: number;
  mode: ChipMode;
}

/** The result of chip `start + i` of a job, for any i, in any order, on any thread. */
export function chipServer(job: ChipJob): (i: number) => ChipResult {
  const prepared = prepareDesigns(job.designs);
  const order = prepared.map((_, i) => i);
  return (i) => {
    const t = job.start + i;
    if (job.mode === "pass") return { pass: passTrial(prepared, order, job.o, job.seed, t), exactFraction: Number.NaN, designPass: [] };
    const r = chipTrial(prepared, job.o, job.seed, t);
    return { pass: r.pass, exactFraction: r.exactCopies / r.copies, designPass: r.designPass };
  };
}
