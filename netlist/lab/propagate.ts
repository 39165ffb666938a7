// Light through a cell for a die (the physics both the simulated lab and the calibration use):
// each linear part compiled once into its leaves in light order (pin ids, peers), every leaf's
// transfer on a die, a part propagated for input fields, and the whole cell for lit lab inputs
// (labFields), a part again only where its leaves' transfers or inputs moved, leaf by leaf, when
// given its last pass. The engine that patches heater leaves per setting is engine.ts; the cell's
// lab view — monitor sites, lab inputs, the top-level walk — optics.ts; sparse probes of one part, probe.ts.
import type { CMat } from "../../math/cmat.ts";
import type { Circuit } from "../ir.ts";
import { applyDie, circuitLookup, type Die } from "../die/die.ts";
import { indexedNetlist, resolveInstance } from "../sim/propagate.ts";
import type { LabCircuit, PartPlan } from "./optics.ts";
import { wiring } from "./wiring.ts";

export interface LabFields {
  /** Optical power at each monitor site, mW. */
  power: Float64Array;
  /** Homodyne Re(y) of each detector mode, √mW. */
  detectorRe: Float64Array;
  /** Field on a top-level output pin "inst,port" (a part's row before any activation). */
  pin(key: string): [number, number];
}

/** A part compiled for fast repeated propagation: leaves in light order with their pin ids. */
export interface PartEngine {
  leaves: { name: string; base: number; nin: number; nout: number; peers: Int32Array }[];
  pins: number;
  inPins: number[];
  outPins: number[];
  monPins: number[];
}

const engines = new WeakMap<PartPlan, PartEngine>();

export function partEngine(plan: PartPlan, circuit: Circuit): PartEngine {
  const hit = engines.get(plan);
  if (hit) return hit;
  const { ix, order } = indexedNetlist(plan.part.flat, circuitLookup(circuit));
  const leaves = order.map((i) => {
    const spec = ix.specs[i]!;
    const base = ix.pinBase[i]!;
    const peers = Int32Array.from(spec.outputs, (_, q) => ix.peer[base + spec.inputs.length + q]!);
    return { name: ix.names[i]!, base, nin: spec.inputs.length, nout: spec.outputs.length, peers };
  });
  const pinOf = (port: string): number => ix.pinId(plan.monitored.flat.ports[port]!);
  const e: PartEngine = {
    leaves,
    pins: ix.peer.length,
    inPins: plan.inputs.map(pinOf),
    outPins: plan.outputs.map(pinOf),
    monPins: plan.monitors.map(pinOf),
  };
  engines.set(plan, e);
  return e;
}

/** Every leaf's transfer on a die, per part, in the engine's light order. */
export function partTransfers(lc: LabCircuit, die: Die | null): Map<string, CMat[]> {
  const out = new Map<string, CMat[]>();
  const lookup = circuitLookup(lc.circuit);
  for (const n of lc.nodes) {
    if (n.kind !== "part") continue;
    const eng = partEngine(n.plan, lc.circuit);
    const net = applyDie(n.plan.part, die, null);
    out.set(
      n.name,
      eng.leaves.map((l) => {
        const inst = net.instances[l.name]!;
        const r = resolveInstance(l.name, inst, lookup);
        if (!r.model?.transfer) throw new Error(`labCircuit: leaf "${l.name}" (${inst.component}) has no transfer model`);
        return r.model.transfer(inst.settings);
      }),
    );
  }
  return out;
}

/** Fields of a part's outputs and powers at its monitors, from its pins. */
function readOut(eng: PartEngine, { re, im }: { re: Float64Array; im: Float64Array }): { out: [number, number][]; mon: number[] } {
  return {
    out: eng.outPins.map((p) => [re[p]!, im[p]!]),
    mon: eng.monPins.map((p) => re[p]! * re[p]! + im[p]! * im[p]!),
  };
}

/** The field on every pin of a part for input fields. */
function pinFields(eng: PartEngine, t: CMat[], xin: [number, number][]): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(eng.pins);
  const im = new Float64Array(eng.pins);
  eng.inPins.forEach((p, j) => {
    re[p] = xin[j]![0];
    im[p] = xin[j]![1];
  });
  eng.leaves.forEach((l, li) => leafField(l, t[li]!, re, im));
  return { re, im };
}

/**
 * One leaf: its output fields from its input pins, written to its output pins and their peers.
 * `need` (a pass again): only fields that changed are written, and the leaves reading them marked.
 */
function leafField(
  l: PartEngine["leaves"][number],
  m: CMat,
  re: Float64Array,
  im: Float64Array,
  need?: Uint8Array,
  reader?: Int32Array,
): void {
  const { base, nin, nout, peers } = l;
  const { re: mr, im: mi, cols } = m;
  for (let q = 0; q < nout; q++) {
    let yr = 0;
    let yi = 0;
    for (let k = 0; k < nin; k++) {
      const xr = re[base + k]!;
      const xi = im[base + k]!;
      if (xr === 0 && xi === 0) continue;
      const tr = mr[q * cols + k]!;
      const ti = mi[q * cols + k]!;
      yr += tr * xr - ti * xi;
      yi += tr * xi + ti * xr;
    }
    const pin = base + nin + q;
    if (need && Object.is(re[pin], yr) && Object.is(im[pin], yi)) continue;
    re[pin] = yr;
    im[pin] = yi;
    const to = peers[q]!;
    if (to >= 0) {
      re[to] = yr;
      im[to] = yi;
      if (need && reader![to]! >= 0) need[reader![to]!] = 1;
    }
  }
}

/**
 * A part again on its last pass's pins: only leaves whose transfer (marked in `need`) or an input
 * moved are computed, in light order, so every pin ends as a full pass leaves it.
 */
function repropagate(eng: PartEngine, t: CMat[], xin: [number, number][], pins: Pins, reader: Int32Array): void {
  const { re, im, need } = pins;
  eng.inPins.forEach((p, j) => {
    if (Object.is(re[p], xin[j]![0]) && Object.is(im[p], xin[j]![1])) return;
    re[p] = xin[j]![0];
    im[p] = xin[j]![1];
    if (reader[p]! >= 0) need[reader[p]!] = 1;
  });
  for (let li = 0; li < eng.leaves.length; li++) {
    if (need[li] === 0) continue;
    need[li] = 0;
    leafField(eng.leaves[li]!, t[li]!, re, im, need, reader);
  }
}

interface Pins {
  re: Float64Array;
  im: Float64Array;
  /** Leaves to compute in the next pass again (their transfer or an input moved). */
  need: Uint8Array;
}

const readers = new WeakMap<PartEngine, Int32Array | null>();

/**
 * The leaf reading each pin (−1: none) if a part can go again leaf by leaf (else null): each pin
 * written by one leaf (inputs by none), each leaf feeding only later leaves or pins no leaf reads.
 */
function pinReaders(eng: PartEngine): Int32Array | null {
  let reader = readers.get(eng);
  if (reader === undefined) {
    reader = new Int32Array(eng.pins).fill(-1);
    const writes = new Uint8Array(eng.pins);
    eng.leaves.forEach((l, li) => {
      reader!.fill(li, l.base, l.base + l.nin);
      for (let q = 0; q < l.nout; q++) {
        writes[l.base + l.nin + q]!++;
        if (l.peers[q]! >= 0) writes[l.peers[q]!]!++;
      }
    });
    const r = reader;
    const forward = eng.leaves.every((l, li) => [...l.peers].every((to) => to < 0 || r[to]! === -1 || r[to]! > li));
    if (!(forward && writes.every((w) => w <= 1) && eng.inPins.every((p) => writes[p] === 0))) reader = null;
    readers.set(eng, reader);
  }
  return reader;
}

/** One part alone: its output fields and monitor powers for input fields on its stage inputs. */
export function propagatePart(
  lc: LabCircuit,
  part: string,
  transfers: Map<string, CMat[]>,
  xin: [number, number][],
): { out: [number, number][]; mon: number[] } {
  const n = lc.nodes.find((x) => x.name === part);
  if (n?.kind !== "part") throw new Error(`propagatePart: ${part} is not a linear part`);
  const eng = partEngine(n.plan, lc.circuit);
  return readOut(eng, pinFields(eng, transfers.get(part)!, xin));
}

/** Per part: the inputs, pins and result of its last propagation, and whether its transfers changed since. */
type Cached = { xin: [number, number][]; y: { out: [number, number][]; mon: number[] }; stale: boolean; pins?: Pins };
export type PartCache = Map<string, Cached>;

/**
 * Fields through the cell for lit inputs (power per lab input, mW), with precomputed part transfers.
 * Only the first `until` nodes (light order) are propagated: what lies past them reads dark.
 */
export function labFields(
  lc: LabCircuit,
  transfers: Map<string, CMat[]>,
  powers: ArrayLike<number>,
  cache?: PartCache,
  until = lc.nodes.length,
): LabFields {
  const w = wiring(lc);
  const power = new Float64Array(lc.sites.length);
  const detectorRe = new Float64Array(lc.detectors.length);
  const re = new Float64Array(w.slots.size);
  const im = new Float64Array(w.slots.size);
  // Plain loops, per-node scratch and no closures (each one made per call costs as much as a
  // small part's pass): a calibration propagates the cell tens of thousands of times. Slot −1 reads dark.
  for (let ni = 0; ni < until; ni++) {
    const n = lc.nodes[ni]!;
    const ins = w.ins[ni]!;
    const outs = w.outs[ni]!;
    if (n.kind === "source") {
      // out<p> carries lab port in<p>; the ports come first among the lab inputs.
      for (let p = 0; p < outs.length; p++) re[outs[p]!] = Math.sqrt(Math.max(0, powers[p]!));
    } else if (n.kind === "bias") {
      re[outs[0]!] = Math.sqrt(Math.max(0, powers[n.input]!));
    } else if (n.kind === "activation") {
      const { re: r, im: i } = w.scratch[ni]!;
      for (let m = 0; m < ins.length; m++) {
        const s = ins[m]!;
        r[m] = s < 0 ? 0 : re[s]!;
        i[m] = s < 0 ? 0 : im[s]!;
      }
      n.apply(r, i, 0, n.modes);
      for (let m = 0; m < outs.length; m++) {
        re[outs[m]!] = r[m]!;
        im[outs[m]!] = i[m]!;
      }
    } else if (n.kind === "detector") {
      for (let m = 0; m < ins.length; m++) detectorRe[n.first + m] = ins[m]! < 0 ? 0 : re[ins[m]!]!;
    } else {
      const hit = cache?.get(n.name);
      let same = hit !== undefined && !hit.stale;
      for (let j = 0; same && j < ins.length; j++) {
        const s = ins[j]!;
        same = hit!.xin[j]![0] === (s < 0 ? 0 : re[s]!) && hit!.xin[j]![1] === (s < 0 ? 0 : im[s]!);
      }
      let y = hit?.y;
      if (!same) {
        const xin: [number, number][] = [];
        for (const s of ins) xin.push(s < 0 ? [0, 0] : [re[s]!, im[s]!]);
        const eng = partEngine(n.plan, lc.circuit);
        const t = transfers.get(n.name)!;
        // The pins of the last pass when it can go again leaf by leaf (inputs changed or heaters moved).
        let pins = hit?.pins;
        const reader = pinReaders(eng);
        if (pins && reader) repropagate(eng, t, xin, pins, reader);
        else pins = { ...pinFields(eng, t, xin), need: new Uint8Array(eng.leaves.length) };
        y = readOut(eng, pins);
        cache?.set(n.name, { xin, y, stale: false, pins });
      }
      for (let q = 0; q < y!.out.length; q++) {
        re[outs[q]!] = y!.out[q]![0];
        im[outs[q]!] = y!.out[q]![1];
      }
      for (let q = 0; q < y!.mon.length; q++) power[n.plan.siteIndex[q]!] = y!.mon[q]!;
    }
  }
  return new CellFields(power, detectorRe, w.slots, re, im);
}

/** A pass's readouts; `pin` is a method, not a closure made per pass. */
class CellFields implements LabFields {
  constructor(
    readonly power: Float64Array,
    readonly detectorRe: Float64Array,
    private readonly slots: Map<string, number>,
    private readonly re: Float64Array,
    private readonly im: Float64Array,
  ) {}
  pin(key: string): [number, number] {
    const s = this.slots.get(key);
    return s === undefined ? [0, 0] : [this.re[s]!, this.im[s]!];
  }
}

const leafIndices = new WeakMap<PartEngine, Map<string, number>>();

/** Position of a leaf ("<part>/<flat leaf>") in its part's transfer list (partTransfers order). */
export function leafIndex(lc: LabCircuit, part: string, path: string): number {
  const n = lc.nodes.find((x) => x.name === part);
  if (n?.kind !== "part") throw new Error(`leafIndex: ${part} is not a linear part`);
  const eng = partEngine(n.plan, lc.circuit);
  let m = leafIndices.get(eng);
  if (!m) {
    m = new Map(eng.leaves.map((l, i) => [l.name, i]));
    leafIndices.set(eng, m);
  }
  const i = m.get(path.slice(part.length + 1));
  if (i === undefined) throw new Error(`leafIndex: "${path}" is not a leaf of ${part}`);
  return i;
}
