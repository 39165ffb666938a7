// One linear stage of a circuit compiled once into a flat list of leaf operations on numbered
// "slots" (the wires alive at each point in light order), so that a die's stage matrix can be
// rebuilt for every trial and error level without re-reading the netlist: the tolerance search
// evaluates hundreds of dies of the same circuit. The arithmetic mirrors netlist/propagate.ts
// transferMatrix on netlist/die.ts applyDie's perturbed netlist operation for operation, so the
// matrices are the same numbers (tests/verify/tolerance/program.test.ts compares them exactly).
// Certification (certify/) walks the same operations forwards and backwards.
import { zeros, type CMat } from "../../math/cmat.ts";
import type { Circuit, Netlist } from "../../netlist/ir.ts";
import { applyDie, circuitLookup, leafPath, linearParts, type Die, type LinearPart } from "../../netlist/die.ts";
import { getModel, lossAmplitude, num } from "../../netlist/models.ts";
import { quantizePhase } from "../../netlist/nonideal.ts";
import { netlistPortSpec, noSubcircuits, resolveInstance, topologicalOrder, transferMatrix } from "../../netlist/propagate.ts";

export type LeafKind = "coupler" | "phase" | "waveguide" | "amplifier";

export interface LeafOp {
  kind: LeafKind;
  /** Die address of the leaf ("<part>/<leaf>"). */
  path: string;
  /** Slots read, in the model's input order (−1: dark); written, in output order (−1: dumped). */
  ins: number[];
  outs: number[];
  /** coupler: nominal power coupling (coupling + imbalance). */
  coupling: number;
  /** phase: programmed phase; phase and waveguide: nominal loss (dB). */
  phi: number;
  lossDb: number;
  /** An MZI or attenuator arm: insertion loss per MZI applies here (netlist/die.ts). */
  arm: boolean;
  /** amplifier gain. */
  gain: number;
}

export interface LinearProgram {
  part: string;
  inputs: number;
  outputs: number;
  slots: number;
  /** Slot of stage input j at the start, and of stage output k at the end (−1: never lit). */
  inputSlots: number[];
  outputSlots: number[];
  /** 1 for slots holding a stage output: reading them downstream does not consume them. */
  keep: Uint8Array;
  ops: LeafOp[];
}

/** The stage cannot be compiled (an unusual wiring): callers fall back to the simulator's path. */
export class ProgramUnsupported extends Error {}

/** Compile one flattened linear part; `inputs` and `outputs` are its port names in mode order. */
export function compileProgram(part: LinearPart, inputs: string[], outputs: string[]): LinearProgram {
  const flat: Netlist = part.flat;
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(flat.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  const inputOf = new Map<string, number>();
  inputs.forEach((p, j) => {
    const ref = flat.ports[p];
    if (ref === undefined) throw new ProgramUnsupported(`part "${part.name}" has no input port ${p}`);
    inputOf.set(ref, j);
  });
  const outputOf = new Map<string, number[]>();
  outputs.forEach((p, k) => {
    const ref = flat.ports[p];
    if (ref === undefined) throw new ProgramUnsupported(`part "${part.name}" has no output port ${p}`);
    outputOf.set(ref, [...(outputOf.get(ref) ?? []), k]);
  });
  const free: number[] = [];
  let slots = 0;
  const alloc = (): number => free.pop() ?? slots++;
  const kept = new Set<number>();
  const inputSlots = inputs.map(() => alloc());
  const outputSlots = outputs.map(() => -1);
  const slotOfOut = new Map<string, number>();
  const inputPins = new Set<string>();
  const ops: LeafOp[] = [];
  const order = topologicalOrder(flat, noSubcircuits);
  for (const name of order) {
    const inst = flat.instances[name]!;
    const model = getModel(inst.component);
    if (!model || model.kind !== "linear") throw new ProgramUnsupported(`leaf "${name}" is a ${inst.component}`);
    for (const p of model.ports(inst.settings).inputs) inputPins.add(`${name},${p}`);
  }
  for (const name of order) {
    const inst = flat.instances[name]!;
    const c = inst.component;
    if (c === "terminator") continue;
    if (c !== "coupler" && c !== "phase" && c !== "waveguide" && c !== "amplifier") throw new ProgramUnsupported(`leaf "${name}" is a ${c}`);
    const spec = getModel(c)!.ports(inst.settings);
    const ins = spec.inputs.map((p) => {
      const ref = `${name},${p}`;
      if (outputOf.has(ref)) throw new ProgramUnsupported(`output port on input pin ${ref}`);
      const from = peer.get(ref);
      if (from !== undefined && slotOfOut.has(from)) {
        const s = slotOfOut.get(from)!;
        // A stage output that also feeds a leaf would need accumulated sensitivities (certify/).
        if (kept.has(s)) throw new ProgramUnsupported(`stage output ${from} also feeds ${ref}`);
        return s;
      }
      const j = inputOf.get(ref);
      return j === undefined ? -1 : inputSlots[j]!;
    });
    // A wire is consumed by its one reader; its slot is free for the reader's own outputs.
    for (const s of ins) if (s >= 0 && !kept.has(s)) free.push(s);
    const outs = spec.outputs.map((p) => {
      const ref = `${name},${p}`;
      const to = peer.get(ref);
      const ks = outputOf.get(ref);
      if (!ks && !(to !== undefined && inputPins.has(to))) return -1;
      const s = alloc();
      slotOfOut.set(ref, s);
      if (ks) {
        kept.add(s);
        for (const k of ks) outputSlots[k] = s;
      }
      return s;
    });
    const st = inst.settings;
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
  return { part: part.name, inputs: inputs.length, outputs: outputs.length, slots, inputSlots, outputSlots, keep, ops };
}

/** The 2×2 (coupler) or 1×1 transfer of one leaf on a die: [re00, im00, re01, im01, re10, im10, re11, im11]. */
export function leafTransfer(op: LeafOp, die: Die | null, dacBits: number | null | undefined, out: Float64Array): void {
  const e = die?.leaves.get(op.path);
  if (op.kind === "coupler") {
    let k = op.coupling;
    if (e?.dCoupling) k = Math.min(1, Math.max(0, k + e.dCoupling));
    else if (k < -1e-15 || k > 1 + 1e-15) throw new RangeError(`coupler ${op.path}: power coupling ${k} is outside [0, 1]`);
    else k = Math.min(1, Math.max(0, k));
    const t = Math.sqrt(1 - k);
    const c = Math.sqrt(k);
    out.set([t, 0, 0, c, 0, c, t, 0]);
    return;
  }
  if (op.kind === "amplifier") {
    out[0] = op.gain;
    out[1] = 0;
    return;
  }
  const loss = e?.lossDb ? op.lossDb + e.lossDb : op.lossDb;
  const a = lossAmplitude(loss);
  if (op.kind === "waveguide") {
    out[0] = a;
    out[1] = 0;
    return;
  }
  let phi = op.phi;
  if (dacBits) phi = quantizePhase(phi, dacBits);
  if (e || dacBits) phi = (e?.phaseGain ?? 1) * phi + (e?.dPhi ?? 0);
  out[0] = a * Math.cos(phi);
  out[1] = a * Math.sin(phi);
}

/** Reusable buffers of one program: slot rows (slots × inputs, re and im). */
export interface ProgramWorkspace {
  re: Float64Array;
  im: Float64Array;
  live: Uint8Array;
  t: Float64Array;
}

export function workspace(p: LinearProgram): ProgramWorkspace {
  return { re: new Float64Array(p.slots * p.inputs), im: new Float64Array(p.slots * p.inputs), live: new Uint8Array(p.slots), t: new Float64Array(8) };
}

/** The stage matrix (outputs × inputs) on a die, with programmed phases snapped to a DAC grid. */
export function buildMatrix(p: LinearProgram, die: Die | null, dacBits: number | null | undefined, ws: ProgramWorkspace = workspace(p)): CMat {
  const n = p.inputs;
  const { re, im, live, t } = ws;
  live.fill(0);
  p.inputSlots.forEach((s, j) => {
    re.fill(0, s * n, s * n + n);
    im.fill(0, s * n, s * n + n);
    re[s * n + j] = 1;
    live[s] = 1;
  });
  const yr = [new Float64Array(n), new Float64Array(n)];
  const yi = [new Float64Array(n), new Float64Array(n)];
  for (const op of p.ops) {
    leafTransfer(op, die, dacBits, t);
    const nin = op.ins.length;
    const nout = op.outs.length;
    // y_q = Σ_k t[q][k] · x_k, in transferMatrix's order and skipping its skips.
    for (let q = 0; q < nout; q++) {
      const r = yr[q]!;
      const i = yi[q]!;
      r.fill(0);
      i.fill(0);
      for (let k = 0; k < nin; k++) {
        const s = op.ins[k]!;
        const tr = t[2 * (q * nin + k)]!;
        const ti = t[2 * (q * nin + k) + 1]!;
        if (s < 0 || !live[s] || (tr === 0 && ti === 0)) continue;
        const o = s * n;
        for (let c = 0; c < n; c++) {
          r[c] += tr * re[o + c]! - ti * im[o + c]!;
          i[c] += tr * im[o + c]! + ti * re[o + c]!;
        }
      }
    }
    for (const s of op.ins) if (s >= 0 && !p.keep[s]) live[s] = 0;
    for (let q = 0; q < nout; q++) {
      const s = op.outs[q]!;
      if (s < 0) continue;
      re.set(yr[q]!, s * n);
      im.set(yi[q]!, s * n);
      live[s] = 1;
    }
  }
  const m = zeros(p.outputs, n);
  p.outputSlots.forEach((s, k) => {
    if (s < 0 || !live[s]) return;
    m.re.set(re.subarray(s * n, s * n + n), k * n);
    m.im.set(im.subarray(s * n, s * n + n), k * n);
  });
  return m;
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
    const m = p ? buildMatrix(p, die, dacBits, cp.workspaces[i]!) : transferMatrix(applyDie(part, die, dacBits), cp.ports[i]!.inputs, cp.ports[i]!.outputs, lookup);
    out.set(part.name, m);
  });
  return out;
}
