// Forward propagation through a netlist: the transfer matrix from its input ports to its output
// ports, computed only from instances, their models and the connections (no compiler matrices).
// Light is pushed instance by instance in topological order; an input port with nothing
// connected is dark, an output port with nothing connected (or a terminator) is dumped.
import { zeros, type CMat } from "../compiler/linalg/cmat.ts";
import type { Instance, Netlist } from "./ir.ts";
import { getModel, type Model } from "./models.ts";
import { directionOf, splitRef, type PortSpec } from "./ports.ts";

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

/** Instance names in light order (Kahn's algorithm, ties broken by declaration order). */
export function topologicalOrder(netlist: Netlist, lookup: SubcircuitLookup): string[] {
  const names = Object.keys(netlist.instances);
  const specs = new Map(names.map((n) => [n, instancePorts(n, netlist.instances[n], lookup)]));
  const indeg = new Map(names.map((n) => [n, 0]));
  const succ = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const [a, b] of Object.entries(netlist.connections)) {
    const [from, to] = orient(netlist, specs, a, b);
    if (!from) continue;
    succ.get(from)!.push(to!);
    indeg.set(to!, indeg.get(to!)! + 1);
  }
  const order: string[] = [];
  const ready = names.filter((n) => indeg.get(n) === 0);
  while (ready.length > 0) {
    const n = ready.shift()!;
    order.push(n);
    for (const m of succ.get(n)!) {
      indeg.set(m, indeg.get(m)! - 1);
      if (indeg.get(m) === 0) ready.push(m);
    }
  }
  if (order.length !== names.length) throw new Error("netlist has a feedback loop; only feed-forward circuits are supported");
  return order;
}

/** For a connection, the [upstream, downstream] instance names, or [] when a terminator is involved. */
function orient(netlist: Netlist, specs: Map<string, PortSpec>, a: string, b: string): [string?, string?] {
  const [ia, pa] = splitRef(a);
  const [ib, pb] = splitRef(b);
  const sa = specs.get(ia);
  const sb = specs.get(ib);
  if (!sa) throw new Error(`connection "${a}": unknown instance "${ia}"`);
  if (!sb) throw new Error(`connection "${b}": unknown instance "${ib}"`);
  const da = directionOf(sa, pa);
  const db = directionOf(sb, pb);
  if (!da) throw new Error(`connection "${a}": ${netlist.instances[ia].component} has no port "${pa}"`);
  if (!db) throw new Error(`connection "${b}": ${netlist.instances[ib].component} has no port "${pb}"`);
  if (da === "both" || db === "both") return [];
  if (da === db) throw new Error(`connection "${a}" ↔ "${b}" joins two ${da === "in" ? "inputs" : "outputs"}`);
  return da === "out" ? [ia, ib] : [ib, ia];
}

/**
 * Transfer matrix (outputs.length × inputs.length) from the named external input ports to the
 * named external output ports. Composite models and sub-netlists are evaluated recursively.
 */
export function transferMatrix(netlist: Netlist, inputs: string[], outputs: string[], lookup: SubcircuitLookup = noSubcircuits): CMat {
  const n = inputs.length;
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(netlist.connections)) {
    if (peer.has(a) || peer.has(b)) throw new Error(`port "${peer.has(a) ? a : b}" is connected twice`);
    peer.set(a, b);
    peer.set(b, a);
  }
  const arrived = new Map<string, { re: Float64Array; im: Float64Array }>();
  inputs.forEach((ext, j) => {
    const ref = netlist.ports[ext];
    if (!ref) throw new Error(`netlist has no port "${ext}"`);
    const v = { re: new Float64Array(n), im: new Float64Array(n) };
    v.re[j] = 1;
    arrived.set(ref, v);
  });
  const outRef = new Map<string, number>();
  outputs.forEach((ext, i) => {
    const ref = netlist.ports[ext];
    if (!ref) throw new Error(`netlist has no port "${ext}"`);
    outRef.set(ref, i);
  });
  const result = zeros(outputs.length, n);
  for (const name of topologicalOrder(netlist, lookup)) {
    const inst = netlist.instances[name];
    const r = resolveInstance(name, inst, lookup);
    const spec = r.model ? r.model.ports(inst.settings) : netlistPortSpec(r.netlist, lookup);
    if (spec.inputs.length === 0 && spec.outputs.length === 0) continue;
    const t = leafOrSubTransfer(name, inst, r, spec, lookup);
    const xs = spec.inputs.map((p) => arrived.get(`${name},${p}`));
    spec.outputs.forEach((p, q) => {
      const y = { re: new Float64Array(n), im: new Float64Array(n) };
      xs.forEach((x, k) => {
        if (!x) return;
        const tr = t.re[q * t.cols + k];
        const ti = t.im[q * t.cols + k];
        if (tr === 0 && ti === 0) return;
        for (let c = 0; c < n; c++) {
          y.re[c] += tr * x.re[c] - ti * x.im[c];
          y.im[c] += tr * x.im[c] + ti * x.re[c];
        }
      });
      const ref = `${name},${p}`;
      const o = outRef.get(ref);
      if (o !== undefined) {
        result.re.set(y.re, o * n);
        result.im.set(y.im, o * n);
      }
      const to = peer.get(ref);
      if (to !== undefined) arrived.set(to, y);
    });
  }
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
