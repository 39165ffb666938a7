// Forward propagation through a netlist: the transfer matrix from its input ports to its output
// ports, computed only from instances, their models and the connections (no compiler matrices).
// Light is pushed instance by instance in topological order; an input port with nothing
// connected is dark, an output port with nothing connected (or a terminator) is dumped.
import { zeros, type CMat } from "../../math/cmat.ts";
import type { Instance, Netlist } from "../ir.ts";
import { getModel, type Model } from "../models.ts";
import { directionOf, splitRef, type PortSpec } from "../ports.ts";

/** Looks up sub-circuit netlists by component name (the circuit's other netlists). */
export type SubcircuitLookup = (component: string) => Netlist | undefined;

export const noSubcircuits: SubcircuitLookup = () => undefined;

export type Resolved = { model: Model; netlist?: undefined } | { model?: undefined; netlist: Netlist };

export function resolveInstance(name: string, inst: Instance, lookup: SubcircuitLookup): Resolved {
  const model = getModel(inst.component);
  if (model) return { model };
  const netlist = lookup(inst.component);
  if (netlist) return { netlist };
  throw new Error(`instance "${name}": unknown component "${inst.component}" (not a model and not a netlist of this circuit)`);
}

/** Ports of a netlist used as a component: direction taken from the inner port it exposes. */
export function netlistPortSpec(netlist: Netlist, lookup: SubcircuitLookup): PortSpec {
  const spec: PortSpec = { inputs: [], outputs: [], both: [] };
  for (const [ext, ref] of Object.entries(netlist.ports)) {
    const [iname, port] = splitRef(ref);
    const inst = netlist.instances[iname];
    if (!inst) throw new Error(`port "${ext}" refers to unknown instance "${iname}"`);
    const dir = directionOf(instancePorts(iname, inst, lookup), port);
    if (!dir) throw new Error(`port "${ext}" refers to "${ref}", which ${inst.component} does not have`);
    (dir === "in" ? spec.inputs : dir === "out" ? spec.outputs : spec.both).push(ext);
  }
  return spec;
}

export function instancePorts(name: string, inst: Instance, lookup: SubcircuitLookup): PortSpec {
  const r = resolveInstance(name, inst, lookup);
  return r.model ? r.model.ports(inst.settings) : netlistPortSpec(r.netlist, lookup);
}

/** A netlist indexed by integers: instances in declaration order, pins numbered per instance. */
export interface Indexed {
  names: string[];
  specs: PortSpec[];
  /** First pin id of each instance; its pins are inputs, outputs, both (pinOrder). */
  pinBase: Int32Array;
  /** Pin id → connected pin id, or −1. */
  peer: Int32Array;
  /** Pin id → owning instance. */
  owner: Int32Array;
  pinId: (ref: string) => number;
}

function indexNetlist(netlist: Netlist, lookup: SubcircuitLookup): Indexed {
  const names = Object.keys(netlist.instances);
  const specs = names.map((n) => instancePorts(n, netlist.instances[n], lookup));
  const pinBase = new Int32Array(names.length + 1);
  const local = new Map<string, number>();
  names.forEach((n, i) => {
    const pins = [...specs[i].inputs, ...specs[i].outputs, ...specs[i].both];
    pinBase[i + 1] = pinBase[i] + pins.length;
    local.set(n, i);
  });
  const total = pinBase[names.length];
  const owner = new Int32Array(total);
  for (let i = 0; i < names.length; i++) owner.fill(i, pinBase[i], pinBase[i + 1]);
  const pinId = (ref: string): number => {
    const [iname, port] = splitRef(ref);
    const i = local.get(iname);
    if (i === undefined) throw new Error(`"${ref}": unknown instance "${iname}"`);
    const sp = specs[i];
    let k = sp.inputs.indexOf(port);
    if (k < 0) k = (k = sp.outputs.indexOf(port)) < 0 ? -1 : sp.inputs.length + k;
    if (k < 0) k = (k = sp.both.indexOf(port)) < 0 ? -1 : sp.inputs.length + sp.outputs.length + k;
    if (k < 0) throw new Error(`"${ref}": ${netlist.instances[iname].component} has no port "${port}"`);
    return pinBase[i] + k;
  };
  const peer = new Int32Array(total).fill(-1);
  for (const [a, b] of Object.entries(netlist.connections)) {
    const ia = pinId(a);
    const ib = pinId(b);
    if (peer[ia] >= 0 || peer[ib] >= 0) throw new Error(`port "${peer[ia] >= 0 ? a : b}" is connected twice`);
    peer[ia] = ib;
    peer[ib] = ia;
  }
  return { names, specs, pinBase, peer, owner, pinId };
}

export function pinDirection(ix: Indexed, pin: number): "in" | "out" | "both" {
  const i = ix.owner[pin];
  const k = pin - ix.pinBase[i];
  const sp = ix.specs[i];
  return k < sp.inputs.length ? "in" : k < sp.inputs.length + sp.outputs.length ? "out" : "both";
}

/** Instance indices in light order (Kahn's algorithm, ties broken by declaration order). */
function topoIndices(ix: Indexed): number[] {
  const n = ix.names.length;
  const indeg = new Int32Array(n);
  const succ: number[][] = Array.from({ length: n }, () => []);
  for (let p = 0; p < ix.peer.length; p++) {
    const q = ix.peer[p];
    if (q < 0 || pinDirection(ix, p) !== "out") continue;
    const dq = pinDirection(ix, q);
    if (dq === "out") {
      throw new Error(`connection ${ix.names[ix.owner[p]]} ↔ ${ix.names[ix.owner[q]]} joins two outputs`);
    }
    if (dq === "both") continue;
    succ[ix.owner[p]].push(ix.owner[q]);
    indeg[ix.owner[q]]++;
  }
  for (let p = 0; p < ix.peer.length; p++) {
    const q = ix.peer[p];
    if (q > p && pinDirection(ix, p) === "in" && pinDirection(ix, q) === "in") {
      throw new Error(`connection ${ix.names[ix.owner[p]]} ↔ ${ix.names[ix.owner[q]]} joins two inputs`);
    }
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    for (const m of succ[order[head]]) if (--indeg[m] === 0) order.push(m);
  }
  if (order.length !== n) throw new Error("netlist has a feedback loop; only feed-forward circuits are supported");
  return order;
}

/**
 * The index and light order of a netlist, computed once per connection table: Monte-Carlo dies
 * (netlist/die/die.ts) copy a stage's instances with new settings but share its connections object.
 * A hit is used only when the instance names and components are the same.
 */
const indexCache = new WeakMap<object, { names: string[]; components: string[]; ix: Indexed; order: number[] }>();

export function indexedNetlist(netlist: Netlist, lookup: SubcircuitLookup): { ix: Indexed; order: number[] } {
  const hit = indexCache.get(netlist.connections);
  if (hit) {
    const names = Object.keys(netlist.instances);
    if (
      names.length === hit.names.length &&
      names.every((n, i) => n === hit.names[i] && netlist.instances[n].component === hit.components[i])
    )
      return hit;
  }
  const ix = indexNetlist(netlist, lookup);
  const entry = { names: ix.names, components: ix.names.map((n) => netlist.instances[n].component), ix, order: topoIndices(ix) };
  indexCache.set(netlist.connections, entry);
  return entry;
}

/** Instance names in light order (Kahn's algorithm, ties broken by declaration order). */
export function topologicalOrder(netlist: Netlist, lookup: SubcircuitLookup): string[] {
  const ix = indexNetlist(netlist, lookup);
  return topoIndices(ix).map((i) => ix.names[i]);
}

/**
 * Transfer matrix (outputs.length × inputs.length) from the named external input ports to the
 * named external output ports. Composite models and sub-netlists are evaluated recursively.
 * The identity is pushed through instance by instance: each pin holds the row of fields it
 * carries for every input column.
 */
export function transferMatrix(netlist: Netlist, inputs: string[], outputs: string[], lookup: SubcircuitLookup = noSubcircuits): CMat {
  const n = inputs.length;
  const { ix, order } = indexedNetlist(netlist, lookup);
  // Field rows are recycled once consumed: a stage of thousands of leaves allocates a handful.
  const pool: Float64Array[] = [];
  const take = (): Float64Array => {
    const a = pool.pop();
    if (!a) return new Float64Array(n);
    a.fill(0);
    return a;
  };
  const fieldRe: (Float64Array | undefined)[] = new Array(ix.peer.length);
  const fieldIm: (Float64Array | undefined)[] = new Array(ix.peer.length);
  const portPin = (ext: string): number => {
    const ref = netlist.ports[ext];
    if (!ref) throw new Error(`netlist has no port "${ext}"`);
    return ix.pinId(ref);
  };
  inputs.forEach((ext, j) => {
    const p = portPin(ext);
    fieldRe[p] = new Float64Array(n);
    fieldIm[p] = new Float64Array(n);
    fieldRe[p]![j] = 1;
  });
  const outPins = outputs.map(portPin);
  const outSet = new Set(outPins);
  const kept = new Set<Float64Array>();
  const result = zeros(outputs.length, n);
  for (const i of order) {
    const name = ix.names[i];
    const spec = ix.specs[i];
    if (spec.inputs.length === 0 && spec.outputs.length === 0) continue;
    const inst = netlist.instances[name];
    const t = leafOrSubTransfer(name, inst, resolveInstance(name, inst, lookup), spec, lookup);
    const base = ix.pinBase[i];
    const nin = spec.inputs.length;
    for (let q = 0; q < spec.outputs.length; q++) {
      const yr = take();
      const yi = take();
      for (let k = 0; k < nin; k++) {
        const xr = fieldRe[base + k];
        const xi = fieldIm[base + k];
        const tr = t.re[q * t.cols + k];
        const ti = t.im[q * t.cols + k];
        if (!xr || !xi || (tr === 0 && ti === 0)) continue;
        for (let c = 0; c < n; c++) {
          yr[c] += tr * xr[c] - ti * xi[c];
          yi[c] += tr * xi[c] + ti * xr[c];
        }
      }
      const pin = base + nin + q;
      if (outSet.has(pin)) {
        fieldRe[pin] = yr;
        fieldIm[pin] = yi;
        kept.add(yr);
      }
      const to = ix.peer[pin];
      if (to >= 0) {
        fieldRe[to] = yr;
        fieldIm[to] = yi;
      }
    }
    // Inputs are consumed: release them (rows also held by an output port are kept).
    for (let k = 0; k < nin; k++) {
      const xr = fieldRe[base + k];
      const xi = fieldIm[base + k];
      if (xr && xi && !kept.has(xr)) pool.push(xr, xi);
      fieldRe[base + k] = fieldIm[base + k] = undefined;
    }
  }
  outPins.forEach((p, o) => {
    const yr = fieldRe[p];
    const yi = fieldIm[p];
    if (yr && yi) {
      result.re.set(yr, o * n);
      result.im.set(yi, o * n);
    }
  });
  return result;
}

function leafOrSubTransfer(name: string, inst: Instance, r: Resolved, spec: PortSpec, lookup: SubcircuitLookup): CMat {
  try {
    if (r.netlist) return transferMatrix(r.netlist, spec.inputs, spec.outputs, lookup);
    if (r.model.subcircuit) return transferMatrix(r.model.subcircuit(inst.settings), spec.inputs, spec.outputs, lookup);
    if (r.model.transfer && r.model.kind === "linear") return r.model.transfer(inst.settings);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith("instance ")) throw e;
    throw new Error(`instance "${name}" (${inst.component}): ${(e as Error).message}`);
  }
  throw new Error(`instance "${name}": ${inst.component} is not a linear optical component and cannot sit inside a linear stage`);
}

/**
 * Flatten the hierarchy: composite models and sub-netlists are replaced by their leaf primitives,
 * named "<outer>__<inner>". External ports and outer connections are rerouted to the leaves.
 */
export function flatten(netlist: Netlist, lookup: SubcircuitLookup = noSubcircuits): Netlist {
  const out: Netlist = { instances: {}, connections: {}, ports: {} };
  const portMap = new Map<string, string>(); // "inst,port" of this level → leaf "inst,port"
  for (const [name, inst] of Object.entries(netlist.instances)) {
    const r = resolveInstance(name, inst, lookup);
    const sub = r.netlist ?? r.model.subcircuit?.(inst.settings);
    if (!sub) {
      out.instances[name] = inst;
      continue;
    }
    const flat = flatten(sub, lookup);
    for (const [n, i] of Object.entries(flat.instances)) out.instances[`${name}__${n}`] = i;
    for (const [a, b] of Object.entries(flat.connections)) out.connections[`${name}__${a}`] = `${name}__${b}`;
    for (const [p, ref] of Object.entries(flat.ports)) portMap.set(`${name},${p}`, `${name}__${ref}`);
  }
  const mapRef = (ref: string): string => portMap.get(ref) ?? ref;
  for (const [a, b] of Object.entries(netlist.connections)) out.connections[mapRef(a)] = mapRef(b);
  for (const [p, ref] of Object.entries(netlist.ports)) out.ports[p] = mapRef(ref);
  return out;
}
