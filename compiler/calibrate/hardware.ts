// What the die makes of each cell: the MZ-in cell's couplers, shifters and arms (mzi-solve.ts
// CellHardware) as designed and as realized, read through netlist/die.ts so that calibration and the
// simulator apply one model.
import { dieCoupling, dieGain, leafPath, perturbLeaf, type Die, type LeafError, type LinearPart } from "../../netlist/die.ts";
import type { Instance } from "../../netlist/ir.ts";
import { lossAmplitude, num } from "../../netlist/models.ts";
import type { MziCell } from "./cells.ts";
import type { CellHardware, Shifter } from "./mzi-solve.ts";

export interface DieView {
  part: LinearPart;
  die: Die | null;
  /** DAC the programmed phases are snapped to (verify's --dac-bits). */
  dacBits: number | null;
}

export function leafError(v: DieView, leaf: string): LeafError | undefined {
  return v.die?.leaves.get(leafPath(v.part.name, leaf));
}

/** A leaf as realized on the die with its phase (if any) programmed to `phi`. */
export function realizedLeaf(v: DieView, leaf: string, inst: Instance, phi?: number): Instance {
  const programmed = phi === undefined ? inst : { component: inst.component, settings: { ...inst.settings, phi } };
  return perturbLeaf(programmed, leafError(v, leaf), v.dacBits, v.die?.dacBits);
}

function shifter(v: DieView, leaf: string, real: boolean): Shifter {
  const inst = v.part.flat.instances[leaf]!;
  const e = real ? leafError(v, leaf) : undefined;
  return {
    gain: real ? dieGain(e, v.die?.dacBits) : 1,
    offset: e?.dPhi ?? 0,
    amp: lossAmplitude(num(inst.settings, "loss_db", 0) + (e?.lossDb ?? 0)),
  };
}

/** The cell's hardware, as designed (real = false) or on the die. */
export function cellHardware(v: DieView, cell: MziCell, real: boolean): CellHardware {
  const inst = (l: string): Instance => v.part.flat.instances[l]!;
  const k = (l: string): number =>
    real ? dieCoupling(inst(l).settings, leafError(v, l)) : num(inst(l).settings, "coupling", 0.5) + num(inst(l).settings, "imbalance", 0);
  const ref = inst(cell.leaves.ref);
  const refInst = real ? realizedLeaf(v, cell.leaves.ref, ref) : ref;
  return {
    kA: k(cell.leaves.bsA),
    kB: k(cell.leaves.bsB),
    phi: shifter(v, cell.leaves.phi, real),
    theta: shifter(v, cell.leaves.theta, real),
    ref: { amp: lossAmplitude(num(refInst.settings, "loss_db", 0)), phase: ref.component === "phase" ? num(refInst.settings, "phi") : 0 },
  };
}

/** Programmed phases of the cell's two shifters in the netlist. */
export function cellPhases(v: DieView, cell: MziCell): { theta: number; phi: number } {
  return {
    theta: num(v.part.flat.instances[cell.leaves.theta]!.settings, "phi"),
    phi: num(v.part.flat.instances[cell.leaves.phi]!.settings, "phi"),
  };
}
