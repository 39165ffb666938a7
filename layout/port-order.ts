// The drawn order of a design's sub-circuit ports (docs/design/layout.md §7.3). Where one
// sub-circuit's outputs feed the next one's inputs, directly or through elementwise blocks (an
// activation: in<k> → out<k>), the top cell's channels between them cross exactly the tracks whose
// orders disagree. So the two sides are drawn in one order: the sub-circuit laid out first chooses
// its ports' order freely (its own column order), the other pins its ports in that order, and each
// block between them draws its modes in it (cells.ts block `rows`). The netlist does not change,
// only where each named pin sits on the instance's box.
import type { Netlist } from "../netlist/ir.ts";
import { splitRef } from "../netlist/ports.ts";
import type { LayoutCell } from "./cell.ts";
import type { PortOrder } from "./columns.ts";

/** An output port of one sub-circuit instance that reaches an input port of another. */
interface Link {
  from: { inst: string; port: string };
  to: { inst: string; port: string };
  /** The elementwise blocks on the way, with the mode each carries. */
  blocks: { inst: string; mode: number }[];
}

export interface PortPlan {
  /** The sub-circuits to lay out, in this order (each once in the design). */
  order: string[];
  /** Sub-circuit netlist → its ports' order, given the cells already laid out. */
  portsOf(netlist: string, laid: Map<string, LayoutCell>): PortOrder | undefined;
  /** Block instance of the top → its modes' rows, given the laid-out sub-circuits. */
  rowsOf(inst: string, laid: Map<string, LayoutCell>): number[] | undefined;
}

const ELEMENTWISE = new Set(["activation"]);
const modeOf = (pin: string, side: "in" | "out"): number | null => {
  const m = new RegExp(`^${side}(\\d+)$`).exec(pin);
  return m ? Number(m[1]) : null;
};

/** The links of a top netlist between sub-circuit instances (`subs`: instance → netlist). */
function linksOf(top: Netlist, subs: Map<string, string>): Link[] {
  const links: Link[] = [];
  for (const [a, b] of Object.entries(top.connections)) {
    const [inst, port] = splitRef(a);
    if (!subs.has(inst)) continue;
    const blocks: Link["blocks"] = [];
    let next: string | undefined = b;
    while (next) {
      const [ni, np] = splitRef(next);
      if (subs.has(ni)) {
        links.push({ from: { inst, port }, to: { inst: ni, port: np }, blocks });
        break;
      }
      const mode = modeOf(np, "in");
      if (!ELEMENTWISE.has(top.instances[ni]?.component ?? "") || mode === null) break;
      blocks.push({ inst: ni, mode });
      next = top.connections[`${ni},out${mode}`];
    }
  }
  return links;
}

/** A cell's pins of one side, top-down. */
const pinsDown = (cell: LayoutCell, names: Set<string>): string[] =>
  cell.pins
    .filter((p) => names.has(p.name))
    .sort((p, q) => q.y - p.y || (p.name < q.name ? -1 : 1))
    .map((p) => p.name);

/**
 * The plan for one design: `top` its top netlist, `netlists` every netlist's name → its input and
 * output port names. Only sub-circuits instanced once in the whole design take part; the one with
 * the most linked ports is laid out first (free ports), then its neighbours, outward.
 */
export function planPortOrder(
  top: Netlist,
  topName: string,
  netlists: Map<string, { inputs: string[]; outputs: string[]; instances: string[] }>,
): PortPlan {
  const uses = new Map<string, number>();
  for (const nl of netlists.values()) for (const c of nl.instances) uses.set(c, (uses.get(c) ?? 0) + 1);
  const subs = new Map<string, string>(); // top instance → netlist
  for (const [i, inst] of Object.entries(top.instances))
    if (inst.component !== topName && netlists.has(inst.component) && uses.get(inst.component) === 1) subs.set(i, inst.component);
  const links = linksOf(top, subs);
  const instOf = new Map([...subs].map(([i, n]) => [n, i]));
  // a side takes part when every port of it is linked, all to one neighbour
  const side = (inst: string, dir: "in" | "out"): { other: string; pairs: Map<string, string> } | null => {
    const own = dir === "out" ? links.filter((l) => l.from.inst === inst) : links.filter((l) => l.to.inst === inst);
    const names = netlists.get(subs.get(inst)!)![dir === "out" ? "outputs" : "inputs"];
    const others = new Set(own.map((l) => (dir === "out" ? l.to.inst : l.from.inst)));
    if (!own.length || own.length !== names.length || others.size !== 1) return null;
    const pairs = new Map(own.map((l) => (dir === "out" ? [l.from.port, l.to.port] : [l.to.port, l.from.port])));
    return { other: [...others][0]!, pairs };
  };
  const sides = new Map<string, { in: ReturnType<typeof side>; out: ReturnType<typeof side> }>();
  for (const i of subs.keys()) sides.set(i, { in: side(i, "in"), out: side(i, "out") });
  // each side is matched by the other end's opposite side (one interface)
  for (const [i, s] of sides) {
    if (s.out && sides.get(s.out.other)?.in?.other !== i) s.out = null;
    if (s.in && sides.get(s.in.other)?.out?.other !== i) s.in = null;
  }
  // layout order: the sub-circuit with the most linked ports first, then outward
  const linked = (i: string): number => (sides.get(i)!.in?.pairs.size ?? 0) + (sides.get(i)!.out?.pairs.size ?? 0);
  const members = [...subs.keys()].filter((i) => linked(i) > 0);
  const seq: string[] = [];
  const rest = new Set(members);
  while (rest.size) {
    const start = [...rest].sort((a, b) => linked(b) - linked(a) || members.indexOf(a) - members.indexOf(b))[0]!;
    const queue = [start];
    rest.delete(start);
    while (queue.length) {
      const i = queue.shift()!;
      seq.push(i);
      for (const n of [sides.get(i)!.in?.other, sides.get(i)!.out?.other])
        if (n && rest.has(n)) {
          rest.delete(n);
          queue.push(n);
        }
    }
  }
  const order = seq.map((i) => subs.get(i)!);
  const portsOf = (netlist: string, laid: Map<string, LayoutCell>): PortOrder | undefined => {
    const inst = instOf.get(netlist);
    const s = inst ? sides.get(inst) : undefined;
    if (!s || !inst || !members.includes(inst)) return undefined;
    const rank = new Map<string, number>();
    let freeInputs = false;
    for (const dir of ["in", "out"] as const) {
      const sd = s[dir];
      if (!sd) continue;
      const cell = laid.get(subs.get(sd.other)!);
      if (!cell) {
        if (dir === "in") freeInputs = true;
        continue;
      }
      // this side follows the neighbour's pins, top-down
      const theirs = pinsDown(cell, new Set(sd.pairs.values()));
      const mine = new Map([...sd.pairs].map(([m, t]) => [t, m]));
      theirs.forEach((t, r) => rank.set(mine.get(t)!, r));
    }
    return { rank, freeInputs };
  };
  const rowsOf = (inst: string, laid: Map<string, LayoutCell>): number[] | undefined => {
    const on = links.filter((l) => l.blocks.some((b) => b.inst === inst) && sides.get(l.from.inst)?.out?.other === l.to.inst);
    const cell = on.length ? laid.get(subs.get(on[0]!.from.inst)!) : undefined;
    if (!cell) return undefined;
    const down = pinsDown(cell, new Set(on.map((l) => l.from.port)));
    const rows: number[] = [];
    for (const l of on) rows[l.blocks.find((b) => b.inst === inst)!.mode] = down.indexOf(l.from.port);
    return rows.length === on.length && rows.every((r) => r >= 0) ? rows : undefined;
  };
  return { order, portsOf, rowsOf };
}
