// One linear stage of a circuit compiled once into a flat list of leaf operations on numbered
// "slots" (the wires alive at each point in light order), so that a die's stage matrix can be
// rebuilt for every trial and error level without re-reading the netlist: the tolerance search
// evaluates hundreds of dies of the same circuit. The arithmetic mirrors netlist/sim/propagate.ts
// transferMatrix on netlist/die/die.ts applyDie's perturbed netlist operation for operation, so the
// matrices are the same numbers (tests/verify/tolerance/program.test.ts compares them exactly).
// Certification (certify/) walks the same operations forwards and backwards.
import type { CMat } from "../../math/cmat.ts";
import type { Circuit, Netlist } from "../ir.ts";
import { applyDie, circuitLookup, leafPath, linearParts, type Die, type LinearPart } from "../die/die.ts";
import { getModel, isUnheatedSection, lossAmplitude, num } from "../models.ts";
import { couplerCross, couplerThrough } from "../mzi.ts";
import { quantizePhase } from "../dac.ts";
import { buildMatrixWith, workspace, type ProgramWorkspace } from "./stage-build.ts";
import type { LeafOp, LinearProgram } from "./stage-ops.ts";
import { indexedNetlist, netlistPortSpec, noSubcircuits, pinDirection, resolveInstance, transferMatrix } from "./propagate.ts";

export type { LeafKind, LeafOp, LinearProgram } from "./stage-ops.ts";

/** The stage cannot be compiled (an unusual wiring): callers fall back to the simulator's path. */
export class ProgramUnsupported extends Error {}

/** Compile one flattened linear part; `inputs` and `outputs` are its port names in mode order. */
export function compileProgram(part: LinearPart, inputs: string[], outputs: string[]): LinearProgram {
  const flat: Netlist = part.flat;
  // Pins as integers (propagate.ts's index of this connection table, shared with transferMatrix):
  // a stage of thousands of leaves compiles without building a string per pin.
  const { ix, order } = indexedNetlist(flat, noSubcircuits);
  const portPin = (p: string, what: string): number => {
    const ref = flat.ports[p];
    if (ref === undefined) throw new ProgramUnsupported(`part "${part.name}" has no ${what} port ${p}`);
    return ix.pinId(ref);
  };
  const inputOf = new Map<number, number>();
  inputs.forEach((p, j) => inputOf.set(portPin(p, "input"), j));
  const outputOf = new Map<number, number[]>();
  outputs.forEach((p, k) => {
    const pin = portPin(p, "output");
    outputOf.set(pin, [...(outputOf.get(pin) ?? []), k]);
  });
  const free: number[] = [];
  let slots = 0;
  const alloc = (): number => free.pop() ?? slots++;
  const kept = new Set<number>();
  const inputSlots = inputs.map(() => alloc());
  const outputSlots = outputs.map(() => -1);
  const slotOfPin = new Int32Array(ix.peer.length).fill(-1);
  const ops: LeafOp[] = [];
  const opOfInstance = new Int32Array(ix.names.length).fill(-1);
  for (const i of order) {
    const inst = flat.instances[ix.names[i]!]!;
    const model = getModel(inst.component);
    if (!model || model.kind !== "linear") throw new ProgramUnsupported(`leaf "${ix.names[i]}" is a ${inst.component}`);
  }
  for (const i of order) {
    const name = ix.names[i]!;
    const inst = flat.instances[name]!;
    const c = inst.component;
    if (c === "terminator") continue;
    if (c !== "coupler" && c !== "phase" && c !== "waveguide" && c !== "amplifier")
      throw new ProgramUnsupported(`leaf "${name}" is a ${c}`);
    const spec = ix.specs[i]!;
    const base = ix.pinBase[i]!;
    const nin = spec.inputs.length;
    const ins: number[] = [];
    for (let k = 0; k < nin; k++) {
      const pin = base + k;
      if (outputOf.has(pin)) throw new ProgramUnsupported(`output port on input pin ${name},${spec.inputs[k]}`);
      const from = ix.peer[pin]!;
      if (from >= 0 && slotOfPin[from]! >= 0) {
        const s = slotOfPin[from]!;
        // A stage output that also feeds a leaf would need accumulated sensitivities (certify/).
        if (kept.has(s)) throw new ProgramUnsupported(`stage output ${ix.names[ix.owner[from]!]} also feeds ${name},${spec.inputs[k]}`);
        ins.push(s);
        continue;
      }
      const j = inputOf.get(pin);
      ins.push(j === undefined ? -1 : inputSlots[j]!);
    }
    // A wire is consumed by its one reader; its slot is free for the reader's own outputs.
    for (const s of ins) if (s >= 0 && !kept.has(s)) free.push(s);
    const outs: number[] = [];
    for (let q = 0; q < spec.outputs.length; q++) {
      const pin = base + nin + q;
      const to = ix.peer[pin]!;
      const ks = outputOf.get(pin);
      if (!ks && !(to >= 0 && pinDirection(ix, to) === "in")) {
        outs.push(-1);
        continue;
      }
      const s = alloc();
      slotOfPin[pin] = s;
      if (ks) {
        kept.add(s);
        for (const k of ks) outputSlots[k] = s;
      }
      outs.push(s);
    }
    const st = inst.settings;
    opOfInstance[i] = ops.length;
    ops.push({
      kind: c,
      path: leafPath(part.name, name),
      ins,
      outs,
      coupling: c === "coupler" ? num(st, "coupling", 0.5) + num(st, "imbalance", 0) : 0,
      phi: c === "phase" ? num(st, "phi") : 0,
      lossDb: c === "phase" || c === "waveguide" ? num(st, "loss_db", 0) : 0,
      arm: st.arm === "top" || st.arm === "bottom",
      gain: c === "amplifier" ? num(st, "gain") : 1,
    });
  }
  const keep = new Uint8Array(slots);
  for (const s of kept) keep[s] = 1;
  // The index lists instances in declaration order, drawDieShape's order.
  const draws: number[] = [];
  const armDraws: number[] = [];
  ix.names.forEach((n, i) => {
    const c = flat.instances[n]!.component;
    // An unheated section takes its variate and uses none (drawDieShape): no programming error there.
    if (c === "coupler" || c === "phase" || isUnheatedSection(flat.instances[n]!)) draws.push(opOfInstance[i]!);
    if (ops[opOfInstance[i]!]?.arm && (c === "phase" || c === "waveguide")) armDraws.push(opOfInstance[i]!);
  });
  return {
    part: part.name,
    inputs: inputs.length,
    outputs: outputs.length,
    slots,
    inputSlots,
    outputSlots,
    keep,
    ops,
    draws: Int32Array.from(draws),
    armDraws: Int32Array.from(armDraws),
  };
}

/** The 2×2 (coupler) or 1×1 transfer of one leaf on a die: [re00, im00, re01, im01, re10, im10, re11, im11]. */
export function leafTransfer(op: LeafOp, die: Die | null, dacBits: number | null | undefined, out: Float64Array): void {
  const e = die?.leaves.get(op.path);
  transferOf(op, e !== undefined, e?.dCoupling ?? 0, e?.dPhi ?? 0, e?.phaseGain ?? 1, e?.lossDb ?? 0, dacBits, out);
}

/**
 * The same transfer from the leaf's deviations as plain numbers (`has`: the die lists the leaf),
 * so that a drawn die need not be built as a map of objects (netlist/sim/die-draws.ts). Measured dies (absolute
 * couplings, gains per DAC code) take the simulator's netlist path instead.
 */
export function transferOf(
  op: LeafOp,
  has: boolean,
  dCoupling: number,
  dPhi: number,
  phaseGain: number,
  extraLossDb: number,
  dacBits: number | null | undefined,
  out: Float64Array,
): void {
  if (op.kind === "coupler") {
    let k = op.coupling;
    if (dCoupling) k = Math.min(1, Math.max(0, k + dCoupling));
    else if (k < -1e-15 || k > 1 + 1e-15) throw new RangeError(`coupler ${op.path}: power coupling ${k} is outside [0, 1]`);
    else k = Math.min(1, Math.max(0, k));
    const t = couplerThrough(k);
    const c = couplerCross(k);
    out[0] = t;
    out[1] = 0;
    out[2] = 0;
    out[3] = c;
    out[4] = 0;
    out[5] = c;
    out[6] = t;
    out[7] = 0;
    return;
  }
  if (op.kind === "amplifier") {
    out[0] = op.gain;
    out[1] = 0;
    return;
  }
  const loss = extraLossDb ? op.lossDb + extraLossDb : op.lossDb;
  const a = lossAmplitude(loss);
  if (op.kind === "waveguide") {
    // A fabricated die's unheated section (netlist/models.ts isUnheatedSection) keeps a phase.
    const d = has ? dPhi : 0;
    out[0] = d ? a * Math.cos(d) : a;
    out[1] = d ? a * Math.sin(d) : 0;
    return;
  }
  let phi = op.phi;
  if (dacBits) phi = quantizePhase(phi, dacBits);
  if (has || dacBits) phi = phaseGain * phi + dPhi;
  out[0] = a * Math.cos(phi);
  out[1] = a * Math.sin(phi);
}

/** The stage matrix (outputs × inputs) on a die, with programmed phases snapped to a DAC grid. */
export function buildMatrix(
  p: LinearProgram,
  die: Die | null,
  dacBits: number | null | undefined,
  ws: ProgramWorkspace = workspace(p),
): CMat {
  return buildMatrixWith(p, (op, _i, t) => leafTransfer(op, die, dacBits, t), ws);
}

/** A circuit's linear parts with their compiled programs (null: built by the simulator's path). */
export interface CircuitPrograms {
  circuit: Circuit;
  parts: LinearPart[];
  programs: (LinearProgram | null)[];
  workspaces: (ProgramWorkspace | null)[];
  /** Port names of each part, mode order. */
  ports: { inputs: string[]; outputs: string[] }[];
}

export function circuitPrograms(circuit: Circuit, parts: LinearPart[] = linearParts(circuit)): CircuitPrograms {
  const top = circuit.netlists[circuit.top]!;
  const lookup = circuitLookup(circuit);
  const ports = parts.map((part) => {
    const inst = top.instances[part.name]!;
    const r = resolveInstance(part.name, inst, lookup);
    const spec = r.model ? r.model.ports(inst.settings) : netlistPortSpec(r.netlist, lookup);
    return { inputs: spec.inputs, outputs: spec.outputs };
  });
  const programs = parts.map((part, i) => {
    try {
      return compileProgram(part, ports[i]!.inputs, ports[i]!.outputs);
    } catch (e) {
      if (e instanceof ProgramUnsupported) return null;
      throw e;
    }
  });
  return { circuit, parts, programs, workspaces: programs.map((p) => (p ? workspace(p) : null)), ports };
}

/** Every linear stage matrix of the circuit on a die (for compileCircuit's `matrices`). */
export function dieMatrices(cp: CircuitPrograms, die: Die | null, dacBits: number | null | undefined): Map<string, CMat> {
  const lookup = circuitLookup(cp.circuit);
  const out = new Map<string, CMat>();
  cp.parts.forEach((part, i) => {
    const p = cp.programs[i];
    const m = p
      ? buildMatrix(p, die, dacBits, cp.workspaces[i]!)
      : transferMatrix(applyDie(part, die, dacBits), cp.ports[i]!.inputs, cp.ports[i]!.outputs, lookup);
    out.set(part.name, m);
  });
  return out;
}
