// One fabricated chip ("die"): how each element of a circuit deviates from its netlist. The errors
// are static: they are fixed when the chip is made, so one die is one Monte-Carlo trial. A die is
// drawn from a technology (verify's Monte-Carlo, `optinc die`), or read from a lab's measurement
// file, and applied to the flattened primitives of each linear stage before its matrix is built.
//
// Leaves are addressed by path "<top instance>/<leaf>", where <leaf> is the primitive's name in the
// flattened stage (netlist/sim/propagate.ts flatten: "e12_bsA", "c0_1", …). Detector noise is not a
// die property: it is drawn per sample at decode time.
//
// Draws are "shape × level": each coupler gets a sign and each phase shifter a standard normal,
// whatever the levels, so the same (seed, trial) at two error levels is the same die scaled —
// common random numbers, which the tolerance bisection relies on.
import { createRng } from "../../math/rng.ts";
import type { Circuit, Instance, Netlist } from "../ir.ts";
import { TWO_PI } from "../mzi.ts";
import { isUnheatedSection, num } from "../models.ts";
import type { DieLevels } from "../../dsl/technology.ts";
import { quantizePhase } from "../dac.ts";
import { flatten, type netlistPortSpec, resolveInstance, topologicalOrder, type SubcircuitLookup } from "../sim/propagate.ts";

export interface LeafError {
  /** Additive deviation of a coupler's power coupling (coupler leaves). */
  dCoupling?: number;
  /**
   * A measured coupler's absolute power coupling to the cross port; replaces coupling + imbalance +
   * dCoupling (a lab measures the ratio itself, and keeping it avoids a subtract-and-add round-off).
   */
  coupling?: number;
  /** Static phase offset, rad (phase leaves). */
  dPhi?: number;
  /** Phase-shifter gain: realized = gain · programmed + dPhi (1 when absent). */
  phaseGain?: number;
  /**
   * A measured shifter's gain in rad per DAC code (of the die's `dacBits` DAC); replaces phaseGain:
   * gain = radPerCode / (2π / 2^dacBits).
   */
  radPerCode?: number;
  /** Extra insertion loss, dB (phase and waveguide leaves). */
  lossDb?: number;
}

export interface Die {
  id: string;
  /** Deviations by leaf path; leaves not listed are ideal. */
  leaves: Map<string, LeafError>;
  /** Per detector input mode: measured = gain · field + offset (offset in field units). */
  detector?: { gain: number[]; offset: number[] };
  /** The phase DAC the shifter gains (radPerCode) refer to; a measured chip has one. */
  dacBits?: number;
}

/** The unit random variates of one trial: a sign per coupler, a standard normal per shifter. */
export interface DieShape {
  couplerSign: Map<string, number>;
  phaseZ: Map<string, number>;
  /** Arm leaves of MZIs and attenuators (the ones insertion loss applies to). */
  arms: string[];
  /** A standard normal per arm (its loss spread), from a stream of its own so the others are unchanged. */
  armZ: Float64Array;
}

/** The arm-loss stream of a trial: even seeds, where the coupler and phase streams are odd. */
export function armRng(seed: number, trial: number): ReturnType<typeof createRng> {
  return createRng(seed * 1000003 + trial * 2 + 2);
}

/** An arm's extra loss on a die: the nominal plus its spread draw, kept ≥ 0. */
export function armLossDb(levels: DieLevels, z: number): number {
  return Math.max(0, (levels.mziLossDb ?? 0) + (levels.lossSpreadDb ?? 0) * z);
}

/** One linear instance of the top netlist, flattened to primitives. */
export interface LinearPart {
  name: string;
  flat: Netlist;
}

export function circuitLookup(circuit: Circuit): SubcircuitLookup {
  return (c) => (c === circuit.top ? undefined : circuit.netlists[c]);
}

/**
 * The flattened primitives of every linear instance of the top netlist, in light order. A
 * sub-netlist instance flattens to its own leaves; a composite model (mzi, splitter_tree, …) to the
 * leaves of its sub-circuit; a primitive linear model is its own single leaf.
 */
export function linearParts(circuit: Circuit): LinearPart[] {
  // Every Monte-Carlo trial asks again; circuits are not modified after they are read.
  const hit = partsCache.get(circuit);
  if (hit) return hit;
  const parts = flattenParts(circuit);
  partsCache.set(circuit, parts);
  return parts;
}

const partsCache = new WeakMap<Circuit, LinearPart[]>();

function flattenParts(circuit: Circuit): LinearPart[] {
  const top = circuit.netlists[circuit.top];
  if (!top) throw new Error(`circuit "${circuit.name}": top netlist "${circuit.top}" is missing`);
  const lookup = circuitLookup(circuit);
  const parts: LinearPart[] = [];
  for (const name of topologicalOrder(top, lookup)) {
    const inst = top.instances[name]!;
    const r = resolveInstance(name, inst, lookup);
    if (r.model && r.model.kind !== "linear") continue;
    const sub: Netlist = r.netlist ?? r.model!.subcircuit?.(inst.settings) ?? wrap(name, inst, r.model!.ports(inst.settings));
    parts.push({ name, flat: flatten(sub, lookup) });
  }
  return parts;
}

function wrap(name: string, inst: Netlist["instances"][string], spec: ReturnType<typeof netlistPortSpec>): Netlist {
  return {
    instances: { [name]: inst },
    connections: {},
    ports: Object.fromEntries([...spec.inputs, ...spec.outputs, ...spec.both].map((p) => [p, `${name},${p}`])),
  };
}

export const leafPath = (part: string, leaf: string): string => `${part}/${leaf}`;

/** Unit variates of trial `trial`: the same for every error level. */
export function drawDieShape(circuit: Circuit, seed: number, trial: number, parts: LinearPart[] = linearParts(circuit)): DieShape {
  const rng = createRng(seed * 1000003 + trial * 2 + 1);
  const shape: DieShape = { couplerSign: new Map(), phaseZ: new Map(), arms: [], armZ: new Float64Array(0) };
  for (const part of parts) {
    for (const [leaf, inst] of Object.entries(part.flat.instances)) {
      const path = leafPath(part.name, leaf);
      if (inst.component === "coupler") shape.couplerSign.set(path, rng.next() < 0.5 ? -1 : 1);
      else if (inst.component === "phase") shape.phaseZ.set(path, rng.normal());
      // An unheated section has no programming error; its variate is taken so every later draw stays.
      else if (isUnheatedSection(inst)) rng.normal();
      const arm = inst.settings.arm;
      if ((inst.component === "phase" || inst.component === "waveguide") && (arm === "top" || arm === "bottom")) shape.arms.push(path);
    }
  }
  const arms = armRng(seed, trial);
  shape.armZ = Float64Array.from(shape.arms, () => arms.normal());
  return shape;
}

/** A die at the given levels from a trial's unit variates. */
export function realizeDie(shape: DieShape, levels: DieLevels, id: string): Die {
  const leaves = new Map<string, LeafError>();
  const at = (p: string): LeafError => {
    let e = leaves.get(p);
    if (!e) leaves.set(p, (e = {}));
    return e;
  };
  if (levels.splitterImbalance) for (const [p, s] of shape.couplerSign) at(p).dCoupling = s * levels.splitterImbalance;
  if (levels.phaseNoise) for (const [p, z] of shape.phaseZ) at(p).dPhi = z * levels.phaseNoise;
  if (levels.lossSpreadDb)
    shape.arms.forEach((p, i) => {
      const db = armLossDb(levels, shape.armZ[i]!);
      if (db) at(p).lossDb = db;
    });
  else if (levels.mziLossDb) for (const p of shape.arms) at(p).lossDb = levels.mziLossDb;
  return { id, leaves };
}

export function drawDie(circuit: Circuit, levels: DieLevels, seed: number, trial: number): Die {
  return realizeDie(drawDieShape(circuit, seed, trial), levels, `seed ${seed} trial ${trial}`);
}

/**
 * A perturbed copy of one part's flat netlist: programmed phases snapped to the DAC grid, then the
 * die's deviations. The input is not modified.
 */
export function applyDie(part: LinearPart, die: Die | null, dacBits: number | null | undefined): Netlist {
  if (!die && !dacBits) return part.flat;
  const instances: Netlist["instances"] = {};
  for (const [leaf, inst] of Object.entries(part.flat.instances)) {
    instances[leaf] = perturbLeaf(inst, die?.leaves.get(leafPath(part.name, leaf)), dacBits, die?.dacBits);
  }
  return { ...part.flat, instances };
}

/** Effective power coupling of a coupler leaf on a die: the measured value, or nominal + deviation kept in [0, 1]. */
export function dieCoupling(settings: Instance["settings"], e: LeafError | undefined): number {
  if (e?.coupling !== undefined) return e.coupling;
  const nominal = num(settings, "coupling", 0.5) + num(settings, "imbalance", 0);
  if (!e?.dCoupling) return nominal;
  return Math.min(1, Math.max(0, nominal + e.dCoupling));
}

/** Realized phase-shifter gain of a leaf (1 when nominal). */
export function dieGain(e: LeafError | undefined, dieDacBits: number | undefined): number {
  if (e?.radPerCode !== undefined) {
    if (!dieDacBits) throw new Error("a die with gains in rad per DAC code needs its dacBits");
    return e.radPerCode / (TWO_PI / 2 ** dieDacBits);
  }
  return e?.phaseGain ?? 1;
}

/**
 * One leaf as the die realizes it: a phase shifter's programmed phase snapped to the DAC grid, then
 * gain · phase + offset; extra loss on phase shifters and waveguides; a coupler's effective coupling.
 * Returns the input instance itself when nothing changes.
 */
export function perturbLeaf(inst: Instance, e: LeafError | undefined, dacBits: number | null | undefined, dieDacBits?: number): Instance {
  // An unheated section realizes a phase as a shifter at 0 does (models.ts isUnheatedSection).
  const site = inst.component === "phase" || isUnheatedSection(inst);
  if (!e && !(dacBits && site)) return inst;
  const s = { ...inst.settings };
  if (site) {
    let phi = num(s, "phi", 0);
    if (dacBits) phi = quantizePhase(phi, dacBits);
    s.phi = dieGain(e, dieDacBits) * phi + (e?.dPhi ?? 0);
  }
  if (e?.lossDb && (inst.component === "phase" || inst.component === "waveguide")) s.loss_db = num(s, "loss_db", 0) + e.lossDb;
  if ((e?.dCoupling || e?.coupling !== undefined) && inst.component === "coupler") {
    // The effective coupling is written as is (imbalance 0), so the model reads back exactly it.
    s.coupling = dieCoupling(inst.settings, e);
    s.imbalance = 0;
  }
  return { component: site ? "phase" : inst.component, settings: s };
}
