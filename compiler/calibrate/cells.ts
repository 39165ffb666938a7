// One linear part as a graph of calibration cells in light order: every MZ-in cell (mzi or
// attenuator element, netlist/die/elements.ts) is one 2-in/2-out cell solved as a unit; every other
// primitive leaf is its own cell. Pins are "leaf,port" strings of the part's flat netlist.
import type { LinearPart } from "../../netlist/die/die.ts";
import type { DieElement } from "../../netlist/die/elements.ts";
import type { Instance } from "../../netlist/ir.ts";
import { getModel } from "../../netlist/models.ts";

export interface MziCell {
  kind: "mzi";
  /** Element name for reports ("layer1/e12"). */
  name: string;
  leaves: { phi: string; bsA: string; theta: string; ref: string; bsB: string };
  /** [top, bottom] input pins and [top, bottom] output pins. */
  ins: [string, string];
  outs: [string, string];
}

export interface LeafCell {
  kind: "leaf";
  name: string;
  leaf: string;
  inst: Instance;
  ins: string[];
  outs: string[];
}

export type Cell = MziCell | LeafCell;

export interface CellGraph {
  /** Cells in light order. */
  cells: Cell[];
  /** Pin → the pin it is connected to. */
  peer: Map<string, string>;
  /** The part's input and output pins, in port order. */
  inputs: string[];
  outputs: string[];
}

/** Group a part's leaves into cells and order them (Kahn; ties in leaf declaration order). */
export function cellGraph(part: LinearPart, elements: DieElement[], inPorts: string[], outPorts: string[]): CellGraph {
  const flat = part.flat;
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(flat.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  const owner = new Map<string, number>(); // leaf → cell index
  const cells: Cell[] = [];
  const named = new Map<string, string>(); // leaf → element name
  for (const el of elements) {
    if (el.part !== part.name) continue;
    if (el.kind === "mzi" || el.kind === "attenuator") {
      const l = el.leaves as MziCell["leaves"];
      const idx = cells.length;
      cells.push({ kind: "mzi", name: el.name, leaves: l, ins: [`${l.phi},o1`, `${l.bsA},o1`], outs: [`${l.bsB},o3`, `${l.bsB},o4`] });
      for (const leaf of Object.values(l)) owner.set(leaf, idx);
    } else if (el.kind === "tree") {
      for (const [role, leaf] of Object.entries(el.leaves)) named.set(leaf, `${el.name}/${role}`);
    } else if (el.leaves.leaf) named.set(el.leaves.leaf, el.name);
  }
  for (const [leaf, inst] of Object.entries(flat.instances)) {
    if (owner.has(leaf)) continue;
    const primitive = getModel(inst.component);
    if (!primitive) throw new Error(`internal: leaf "${leaf}" of "${part.name}" is not a primitive (${inst.component})`);
    const ports = primitive.ports(inst.settings);
    owner.set(leaf, cells.length);
    cells.push({
      kind: "leaf",
      name: named.get(leaf) ?? `${part.name}/${leaf}`,
      leaf,
      inst,
      ins: ports.inputs.map((p) => `${leaf},${p}`),
      outs: ports.outputs.map((p) => `${leaf},${p}`),
    });
  }
  const pinCell = (pin: string): number => owner.get(pin.slice(0, pin.lastIndexOf(",")))!;
  const succ: number[][] = cells.map(() => []);
  const indeg = new Int32Array(cells.length);
  cells.forEach((c, i) => {
    for (const o of c.outs) {
      const to = peer.get(o);
      if (to === undefined) continue;
      const j = pinCell(to);
      if (!cells[j]!.ins.includes(to)) continue; // an absorbing terminator
      succ[i]!.push(j);
      indeg[j]!++;
    }
  });
  const order: number[] = [];
  for (let i = 0; i < cells.length; i++) if (indeg[i] === 0) order.push(i);
  for (let h = 0; h < order.length; h++) for (const j of succ[order[h]!]!) if (--indeg[j] === 0) order.push(j);
  if (order.length !== cells.length) throw new Error(`internal: part "${part.name}" has a feedback loop`);
  const port = (p: string): string => {
    const ref = flat.ports[p];
    if (!ref) throw new Error(`internal: part "${part.name}" has no port "${p}"`);
    return ref;
  };
  return { cells: order.map((i) => cells[i]!), peer, inputs: inPorts.map(port), outputs: outPorts.map(port) };
}
