// What the die makes of each cell: the MZ-in cell's couplers, shifters and arms (mzi-solve.ts
// CellHardware) as designed and as realized, read through netlist/die/die.ts so that calibration and the
// simulator apply one model.
import { dieCoupling, dieGain, leafPath, perturbLeaf, type Die, type LeafError, type LinearPart } from "../../netlist/die/die.ts";
import type { Instance } from "../../netlist/ir.ts";
import { lossAmplitude, num } from "../../netlist/models.ts";
import type { MziCell } from "./cells.ts";
import type { CellHardware, Shifter } from "./mzi-solve.ts";

/** What the cells of one linear part see of a die: the part, the die's leaf errors (null: as designed), the DAC. */
export interface CellView {
  part: LinearPart;
  die: Die | null;
  /** DAC the programmed phases are snapped to (verify's --dac-bits). */
  dacBits: number | null;
}

export function leafError(cellView: CellView, leaf: string): LeafError | undefined {
  return cellView.die?.leaves.get(leafPath(cellView.part.name, leaf));
}

/** A leaf as realized on the die with its phase (if any) programmed to `phi`. */
export function realizedLeaf(cellView: CellView, leaf: string, inst: Instance, phi?: number): Instance {
  const programmed = phi === undefined ? inst : { component: inst.component, settings: { ...inst.settings, phi } };
  return perturbLeaf(programmed, leafError(cellView, leaf), cellView.dacBits, cellView.die?.dacBits);
}

function shifter(cellView: CellView, leaf: string, real: boolean): Shifter {
  const inst = cellView.part.flat.instances[leaf]!;
  const e = real ? leafError(cellView, leaf) : undefined;
  return {
    gain: real ? dieGain(e, cellView.die?.dacBits) : 1,
    offset: e?.dPhi ?? 0,
    amp: lossAmplitude(num(inst.settings, "loss_db", 0) + (e?.lossDb ?? 0)),
  };
}

/** The cell's hardware, as designed (real = false) or on the die. */
export function cellHardware(cellView: CellView, cell: MziCell, real: boolean): CellHardware {
  const inst = (l: string): Instance => cellView.part.flat.instances[l]!;
  const k = (l: string): number =>
    real
      ? dieCoupling(inst(l).settings, leafError(cellView, l))
      : num(inst(l).settings, "coupling", 0.5) + num(inst(l).settings, "imbalance", 0);
  const ref = inst(cell.leaves.ref);
  const refInst = real ? realizedLeaf(cellView, cell.leaves.ref, ref) : ref;
  return {
    kA: k(cell.leaves.bsA),
    kB: k(cell.leaves.bsB),
    phi: shifter(cellView, cell.leaves.phi, real),
    theta: shifter(cellView, cell.leaves.theta, real),
    ref: { amp: lossAmplitude(num(refInst.settings, "loss_db", 0)), phase: ref.component === "phase" ? num(refInst.settings, "phi") : 0 },
  };
}

/** Programmed phases of the cell's two shifters in the netlist. */
export function cellPhases(cellView: CellView, cell: MziCell): { theta: number; phi: number } {
  return {
    theta: num(cellView.part.flat.instances[cell.leaves.theta]!.settings, "phi"),
    phi: num(cellView.part.flat.instances[cell.leaves.phi]!.settings, "phi"),
  };
}
