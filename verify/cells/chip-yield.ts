// Monte-Carlo yield of a closed-form chip: one trial is one fabricated chip, on which every physical
// copy of every cell design is its own die (netlist/die.ts). The chip passes when every copy decodes
// every input of its cell's input space. Copies are seeded by (seed, design, copy) and trials by their
// index, so results do not depend on the order or the thread they run in.
import type { Circuit } from "../../netlist/ir.ts";
import { drawDieShape, linearParts, realizeDie, type DieShape, type LinearPart } from "../../netlist/die.ts";
import { dieLevels, type Technology } from "../../dsl/technology.ts";
import type { CellFunction } from "../../aggregate/circuit-info.ts";
import { cellCases, type CellCases } from "./cell-cases.ts";
import { checkCell } from "./cell-verify.ts";

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

interface Prepared {
  d: ChipDesign;
  parts: LinearPart[];
  set: CellCases;
}

export function prepareDesigns(designs: ChipDesign[]): Prepared[] {
  return designs.map((d) => ({ d, parts: linearParts(d.circuit), set: cellCases(d.cell) }));
}

/** Whether every copy of every design is exact on trial `t` at these non-idealities. */
export function chipTrial(
  prepared: Prepared[],
  o: Partial<Technology>,
  seed: number,
  t: number,
  shapes?: DieShape[][],
): { pass: boolean; exactCopies: number; copies: number; designPass: boolean[] } {
  const levels = dieLevels(o);
  let exactCopies = 0;
  let copies = 0;
  const designPass = prepared.map(() => true);
  prepared.forEach((p, di) => {
    for (let k = 0; k < p.d.copies; k++) {
      const shape = shapes?.[di]?.[k] ?? drawDieShape(p.d.circuit, copySeed(seed, di, k), t, p.parts);
      const die = realizeDie(shape, levels, `${p.d.name} copy ${k} trial ${t}`);
      const r = checkCell(
        p.d.circuit,
        p.d.cell,
        p.set,
        { die, dacBits: o.dacBits, detectorNoise: o.detectorNoise, seed: copySeed(seed, di, k), trial: t },
        true,
      );
      copies++;
      if (r.exact === r.cases) exactCopies++;
      else designPass[di] = false;
    }
  });
  return { pass: designPass.every(Boolean), exactCopies, copies, designPass };
}

/** Trials `start` … `start + trials − 1` (a later stage of a staged run continues where the first stopped). */
export function chipYield(designs: ChipDesign[], o: Partial<Technology>, trials: number, seed: number, start = 0): ChipTrials {
  const prepared = prepareDesigns(designs);
  let passing = 0;
  const exactCopies: number[] = [];
  const perDesign = designs.map((d) => ({ name: d.name, copies: d.copies, passing: 0 }));
  for (let t = start; t < start + trials; t++) {
    const r = chipTrial(prepared, o, seed, t);
    if (r.pass) passing++;
    exactCopies.push(r.exactCopies / r.copies);
    r.designPass.forEach((ok, i) => ok && perDesign[i]!.passing++);
  }
  return { trials, passing, yield: trials ? passing / trials : 1, exactCopies, perDesign };
}
