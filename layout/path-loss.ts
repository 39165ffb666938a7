// The layout's loss budget (docs/design/layout.md §8): on a design's drawn netlist, the most
// and the least lossy path from an input port to an output port, and what each loss comes from:
// routes at ROUTE_LOSS_DB_PER_CM (their bends included: no separate bend loss is modelled) and
// crossings and junctions at CROSSING_LOSS_DB each. Sub-circuits pass their port-to-port table up,
// so the walk never flattens a design. An optical path starts at a node nothing feeds (an input
// port, a modulator's or detector's output, a bias laser) and ends at an output port or a
// detector's input: a modulator (E-O) and a detector (O-E-O) pass no light through.
import type { Circuit, Netlist } from "../netlist/ir.ts";
import { splitRef } from "../netlist/ports.ts";
import { instancePorts } from "../netlist/sim/propagate.ts";
import { circuitLookup, dependencyOrder } from "../netlist/formats/spice-write.ts";
import { ROUTE_LOSS_DB_PER_CM } from "./cells.ts";

export interface PathLoss {
  totalDb: number;
  routeDb: number;
  routeMm: number;
  /** Crossings and junctions passed. */
  crossingCells: number;
  crossingDb: number;
}

export interface LossBudget {
  /** The most lossy input-to-output path and the least lossy one. */
  worst: PathLoss;
  best: PathLoss;
}

const ZERO: PathLoss = { totalDb: 0, routeDb: 0, routeMm: 0, crossingCells: 0, crossingDb: 0 };

function add(a: PathLoss, b: PathLoss): PathLoss {
  return {
    totalDb: a.totalDb + b.totalDb,
    routeDb: a.routeDb + b.routeDb,
    routeMm: a.routeMm + b.routeMm,
    crossingCells: a.crossingCells + b.crossingCells,
    crossingDb: a.crossingDb + b.crossingDb,
  };
}

/** The loss one instance adds between its input and output pins. */
function ownLoss(name: string, component: string, settings: Record<string, unknown>): PathLoss {
  const db = typeof settings.loss_db === "number" ? settings.loss_db : 0;
  if (component === "crossing" || component === "junction") return { ...ZERO, totalDb: db, crossingCells: 1, crossingDb: db };
  if (component === "waveguide" && /^route\d+$/.test(name))
    return { ...ZERO, totalDb: db, routeDb: db, routeMm: (db / ROUTE_LOSS_DB_PER_CM) * 10 };
  return { ...ZERO, totalDb: db };
}

const CROSSING_PASSES = [
  ["o1", "o3"],
  ["o2", "o4"],
] as const;

type Table = Map<string, LossBudget>; // "in>out" → worst and best

/** The worst and best path loss between every input and output port of each netlist. */
function netlistTable(nl: Netlist, tables: Map<string, Table>, circuit: Circuit): { table: Table; whole: LossBudget | null } {
  const lookup = circuitLookup(circuit);
  const edges: Edges = new Map();
  const edge = (a: string, b: string, loss: PathLoss, worst?: PathLoss): void => {
    const list = edges.get(a) ?? [];
    list.push(worst ? { to: b, loss, worst } : { to: b, loss });
    edges.set(a, list);
  };
  for (const [a, b] of Object.entries(nl.connections)) edge(a, b, ZERO);
  const inputs: string[] = [];
  const outputs: string[] = [];
  const ends: string[] = [];
  for (const [p, ref] of Object.entries(nl.ports)) {
    const [i, pin] = splitRef(ref);
    const spec = instancePorts(i, nl.instances[i]!, lookup);
    if (spec.inputs.includes(pin)) {
      inputs.push(p);
      edge(`port:${p}`, ref, ZERO);
    } else {
      outputs.push(p);
      edge(ref, `port:${p}`, ZERO);
    }
  }
  for (const [name, inst] of Object.entries(nl.instances)) {
    const sub = tables.get(inst.component);
    if (sub) {
      for (const [k, b] of sub) {
        const [i, o] = k.split(">");
        edge(`${name},${i}`, `${name},${o}`, b.best, b.worst);
      }
      continue;
    }
    if (inst.component === "detector" || inst.component === "pam_source") {
      if (inst.component === "detector") for (const i of instancePorts(name, inst, lookup).inputs) ends.push(`${name},${i}`);
      continue; // O-E-O and E-O: no light passes
    }
    const spec = instancePorts(name, inst, lookup);
    const loss = ownLoss(name, inst.component, inst.settings ?? {});
    // a crossing passes each track straight through (netlist/models.ts), never from one to the other
    if (inst.component === "crossing") for (const [i, o] of CROSSING_PASSES) edge(`${name},${i}`, `${name},${o}`, loss);
    else for (const i of spec.inputs) for (const o of spec.outputs) edge(`${name},${i}`, `${name},${o}`, loss);
  }
  const table: Table = new Map();
  for (const p of inputs) {
    const { worst, best } = walk(edges, [`port:${p}`]);
    for (const o of outputs) {
      const w = worst.get(`port:${o}`);
      if (w) table.set(`${p}>${o}`, { worst: w, best: best.get(`port:${o}`)! });
    }
  }
  // every whole optical path of the netlist: from what nothing feeds to an output or a detector
  const fed = new Set([...edges.values()].flatMap((l) => l.map((e) => e.to)));
  const { worst, best } = walk(
    edges,
    [...edges.keys()].filter((v) => !fed.has(v)),
  );
  const at = [...outputs.map((o) => `port:${o}`), ...ends].filter((v) => worst.has(v));
  const whole = at.length
    ? {
        worst: at.map((v) => worst.get(v)!).reduce((a, b) => (b.totalDb > a.totalDb ? b : a)),
        best: at.map((v) => best.get(v)!).reduce((a, b) => (b.totalDb < a.totalDb ? b : a)),
      }
    : null;
  return { table, whole };
}

type Edges = Map<string, { to: string; loss: PathLoss; worst?: PathLoss }[]>;

/** The most and least lossy path from any of `starts` to every node they reach (the graph is a DAG). */
function walk(edges: Edges, starts: string[]): { worst: Map<string, PathLoss>; best: Map<string, PathLoss> } {
  const order: string[] = []; // depth-first post-order
  const seen = new Set<string>();
  for (const s of starts) {
    if (seen.has(s)) continue;
    const stack: [string, number][] = [[s, 0]];
    seen.add(s);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const next = edges.get(top[0])?.[top[1]++];
      if (!next) {
        order.push(top[0]);
        stack.pop();
      } else if (!seen.has(next.to)) {
        seen.add(next.to);
        stack.push([next.to, 0]);
      }
    }
  }
  const worst = new Map<string, PathLoss>(starts.map((s) => [s, ZERO]));
  const best = new Map<string, PathLoss>(starts.map((s) => [s, ZERO]));
  for (const v of order.reverse()) {
    const w = worst.get(v);
    const b = best.get(v);
    if (!w || !b) continue;
    for (const e of edges.get(v) ?? []) {
      const nw = add(w, e.worst ?? e.loss);
      const nb = add(b, e.loss);
      if (!worst.has(e.to) || nw.totalDb > worst.get(e.to)!.totalDb) worst.set(e.to, nw);
      if (!best.has(e.to) || nb.totalDb < best.get(e.to)!.totalDb) best.set(e.to, nb);
    }
  }
  return { worst, best };
}

/** The loss budget of one drawn design: its worst and best whole optical paths (null: none). */
export function pathLossBudget(drawn: Circuit): LossBudget | null {
  const tables = new Map<string, Table>();
  let whole: LossBudget | null = null;
  for (const name of dependencyOrder(drawn)) {
    const r = netlistTable(drawn.netlists[name]!, tables, drawn);
    tables.set(name, r.table);
    if (name === drawn.top) whole = r.whole;
  }
  return whole;
}
