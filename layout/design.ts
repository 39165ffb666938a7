// A compiled circuit → layout cells: one cell per netlist (sub-circuits first), each instance a
// reference to the cell of its component. Phase shifters and plain waveguides are drawn exactly
// as long as `optinc export --format spi --length-phases` writes them (L = (m + φ/2π)·λ/n_eff).
import type { Circuit, Instance, Netlist } from "../netlist/ir.ts";
import { num } from "../netlist/models.ts";
import { wrapPhase, TWO_PI } from "../netlist/mzi.ts";
import { splitRef } from "../netlist/ports.ts";
import { instancePorts, netlistPortSpec } from "../netlist/sim/propagate.ts";
import { basePeriods, periodUm, type LengthEncoding } from "../netlist/formats/spice-dialect.ts";
import { circuitLookup, dependencyOrder } from "../netlist/formats/spice-write.ts";
import type { LayoutCell } from "./cell.ts";
import { MAX_SPINE_POINTS } from "./outline.ts";
import {
  amplifier,
  biasLaser,
  block,
  coupler,
  crossing,
  CROSSING_LOSS_DB,
  ROUTE_LOSS_DB_PER_CM,
  junction,
  gratingAreaCentre,
  gratingCoupler,
  phaseShifter,
  straight,
  terminator,
} from "./cells.ts";
import { RULES } from "./layers.ts";
import { LayoutError } from "./layout-error.ts";
import { placeAndRoute, type PlaceNode } from "./place-route.ts";
import type { Segment } from "./trim.ts";
import type { ChannelStats } from "./channel.ts";
import type { Ordering } from "./columns.ts";
import { planPortOrder, type PortPlan } from "./port-order.ts";
import { withoutUnheated } from "./unheated.ts";

/** Cells shared by every design of one layout (equal parameters → one cell). */
export class CellCache {
  private cells = new Map<string, LayoutCell>();
  readonly crossing: LayoutCell;
  readonly junction: LayoutCell;
  constructor(
    readonly enc: LengthEncoding,
    /** Most points per drawn route piece (its outline's GDSII limit, outline.ts; smaller only to test the cut). */
    readonly maxPathPoints = MAX_SPINE_POINTS,
    /** How columns are chosen and ordered (columns.ts Ordering): others only to measure what "best" gains. */
    readonly ordering: Ordering = "best",
    /** Where junctions go (junctions.ts): "every-slot" only to measure what the potentials gain. */
    readonly junctions: "potentials" | "every-slot" = "potentials",
    /**
     * Sub-circuit ports drawn in their neighbours' order (port-order.ts); off only to measure what
     * it gains: on the quick start add0 and add1 from 29 and 32 to 26 and 29 crossing cells a path,
     * and the die from 47.8 to 44.6 mm² (2026-11-28; docs/design/layout.md §7.3).
     */
    readonly portOrder = true,
    /** A heater strip's gap to the next cell's Si in its column, µm (`--heater-clearance`, stack.ts). */
    readonly heaterClearance: number = RULES.heaterClearance,
    /** Heater columns staggered where that gives a smaller cell (stagger.ts); off only to measure what it gains. */
    readonly stagger = true,
  ) {
    this.crossing = crossing(periodUm(enc));
    this.junction = junction(periodUm(enc));
  }
  get(make: () => LayoutCell): LayoutCell {
    const c = make();
    const old = this.cells.get(c.name);
    if (old) return old;
    this.cells.set(c.name, c);
    return c;
  }
}

/**
 * Per sub-circuit, a height its cell gains nothing by going under (place-route.ts `heightFloor`):
 * the top netlist's column of grating couplers, one I/O pitch each, is at least that tall; a
 * sub-circuit instanced in other netlists too gets the least of its parents' (0 for a non-top one).
 */
function parentFloors(circuit: Circuit, lookup: ReturnType<typeof circuitLookup>): Map<string, number> {
  const floors = new Map<string, number>();
  for (const [name, nl] of Object.entries(circuit.netlists)) {
    let floor = 0;
    if (name === circuit.top) {
      const spec = netlistPortSpec(nl, lookup);
      floor = Math.max(spec.inputs.length, spec.outputs.length) * RULES.ioPitch;
    }
    for (const inst of Object.values(nl.instances))
      if (circuit.netlists[inst.component]) floors.set(inst.component, Math.min(floors.get(inst.component) ?? Infinity, floor));
  }
  return floors;
}

/** The port plan of a design (port-order.ts) from its netlists. */
function designPortPlan(circuit: Circuit, lookup: ReturnType<typeof circuitLookup>): PortPlan {
  const info = new Map(
    Object.entries(circuit.netlists).map(([n, nl]) => {
      const spec = netlistPortSpec(nl, lookup);
      return [n, { inputs: spec.inputs, outputs: spec.outputs, instances: Object.values(nl.instances).map((i) => i.component) }];
    }),
  );
  return planPortOrder(circuit.netlists[circuit.top]!, circuit.top, info);
}

/** The drawn length of a phase φ: (m + φ/2π)·P, as in the .spi of --length-phases. */
export function phaseLength(phi: number, enc: LengthEncoding): number {
  return (basePeriods(enc) + wrapPhase(phi) / TWO_PI) * periodUm(enc);
}

export interface DesignLayout {
  /** The design's top cell. */
  top: LayoutCell;
  /**
   * The circuit as drawn: the same instances plus every waveguide crossing (component
   * "crossing", netlist/models.ts) and every loss-matched junction ("junction") spliced into the
   * connections it carries, each with the crossing's loss (CROSSING_LOSS_DB).
   */
  drawn: Circuit;
  /** Every netlist cell of the design, by netlist name. */
  netlists: Map<string, LayoutCell>;
  segments: { netlist: string; segment: Segment }[];
  crossings: number;
  /** Columns of heaters staggered, over the design's netlist cells (stagger.ts). */
  staggered: number;
  /** Per netlist, its channels left to right (channel.ts ChannelStats). */
  channels: Map<string, ChannelStats[]>;
}

/** GDSII cell name of a netlist: the top netlist keeps its name, sub-circuits get the top's as prefix. */
export function netlistCellName(circuit: Circuit, netlist: string): string {
  return netlist === circuit.top ? circuit.top : `${circuit.top}__${netlist}`;
}

export function layoutCircuit(circuit: Circuit, cache: CellCache): DesignLayout {
  const lookup = circuitLookup(circuit);
  const period = periodUm(cache.enc);
  const netlists = new Map<string, LayoutCell>();
  const segments: DesignLayout["segments"] = [];
  const drawn: Record<string, Netlist> = {};
  let crossings = 0;
  let staggered = 0;
  const channels = new Map<string, ChannelStats[]>();
  const plan = cache.portOrder ? designPortPlan(circuit, lookup) : null;
  const first = dependencyOrder(circuit).filter((n) => n !== circuit.top && !plan?.order.includes(n));
  const floors = parentFloors(circuit, lookup);
  for (const name of [...first, ...(plan?.order ?? []), circuit.top]) {
    const nl = withoutUnheated(circuit.netlists[name]!);
    const isTop = name === circuit.top;
    const nodes: PlaceNode[] = [];
    const index = new Map<string, number>();
    const upstream = new Set(Object.keys(nl.connections));
    for (const [iname, inst] of Object.entries(nl.instances)) {
      index.set(iname, nodes.length);
      const rows = isTop ? plan?.rowsOf(iname, netlists) : undefined;
      nodes.push({ name: iname, cell: instanceCell(iname, inst, nl, upstream, netlists, lookup, cache, rows) });
    }
    const spec = netlistPortSpec(nl, lookup);
    const portKey = new Map<string, string>(); // a segment end that is a port → the port
    const portNode = (p: string, side: "in" | "out"): number => {
      index.set(`port:${p}`, nodes.length);
      portKey.set(isTop ? `io_${p},o1` : p, p);
      nodes.push({ name: isTop ? `io_${p}` : p, cell: isTop ? cache.get(() => gratingCoupler(side)) : null, port: side });
      return nodes.length - 1;
    };
    const edges: { from: { node: number; pin: string }; to: { node: number; pin: string } }[] = [];
    const end = (ref: string): { node: number; pin: string } => {
      const [i, p] = splitRef(ref);
      const n = index.get(i);
      if (n === undefined) throw new LayoutError(`netlist "${name}": connection to unknown instance "${i}"`);
      return { node: n, pin: p };
    };
    for (const p of spec.inputs) edges.push({ from: { node: portNode(p, "in"), pin: "o1" }, to: end(nl.ports[p]!) });
    for (const p of spec.outputs) edges.push({ from: end(nl.ports[p]!), to: { node: portNode(p, "out"), pin: "o1" } });
    for (const p of spec.both)
      throw new LayoutError(`netlist "${name}": port "${p}" has no direction (a terminator exposed as a port) and cannot be drawn`);
    for (const [a, b] of Object.entries(nl.connections)) edges.push({ from: end(a), to: end(b) });
    const placed = placeAndRoute({
      name: netlistCellName(circuit, name),
      nodes,
      edges,
      period,
      crossing: cache.crossing,
      junction: cache.junction,
      maxPathPoints: cache.maxPathPoints,
      ordering: cache.ordering,
      junctions: cache.junctions,
      heaterClearance: cache.heaterClearance,
      stagger: cache.stagger,
      heightFloor: floors.get(name) ?? 0,
      ports: plan?.portsOf(name, netlists),
    });
    if (isTop) labelGratingCouplers(placed.cell, circuit.top, spec);
    netlists.set(name, placed.cell);
    drawn[name] = drawnNetlist(nl, placed.cell, placed.segments, portKey);
    for (const s of placed.segments) segments.push({ netlist: name, segment: s });
    crossings += placed.crossings;
    staggered += placed.staggered;
    channels.set(name, placed.channels);
  }
  return { top: netlists.get(circuit.top)!, drawn: { ...circuit, netlists: drawn }, netlists, segments, crossings, staggered, channels };
}

/**
 * The SiEPIC automated-measurement labels (docs/reference/layout-files.md §2.4): on the text layer over the grating area
 * of each top-level coupler, `opt_in_TE_1550_device_<design>_<port>` on an input and the port name
 * on an output, so a test station finds each design's inputs by name.
 */
function labelGratingCouplers(cell: LayoutCell, design: string, spec: { inputs: string[]; outputs: string[] }): void {
  const refs = new Map(cell.refs.map((r) => [r.name, r]));
  const label = (port: string, role: "in" | "out", text: string): void => {
    const r = refs.get(`io_${port}`)!;
    const [x, y] = gratingAreaCentre(role);
    cell.shapes.push({ kind: "text", layer: "text", at: [r.at[0] + x, r.at[1] + y], text });
  };
  for (const p of spec.inputs) label(p, "in", `opt_in_TE_1550_device_${design}_${p}`);
  for (const p of spec.outputs) label(p, "out", p);
}

/** One drawn link, upstream → downstream, as a connection or a port. */
function link(out: Netlist, portKey: Map<string, string>, a: string, b: string): void {
  const from = portKey.get(a);
  const to = portKey.get(b);
  if (from !== undefined) out.ports[from] = b;
  else if (to !== undefined) out.ports[to] = a;
  else out.connections[a] = b;
}

/** The netlist as drawn: its instances, the crossings, and one connection per drawn segment. */
function drawnNetlist(nl: Netlist, cell: LayoutCell, segments: Segment[], portKey: Map<string, string>): Netlist {
  const out: Netlist = {
    instances: { ...nl.instances },
    connections: {},
    ports: {},
    ...(nl.placements ? { placements: nl.placements } : {}),
  };
  for (const r of cell.refs)
    if (r.cell.kind === "crossing" || r.cell.kind === "junction")
      out.instances[r.name] = { component: r.cell.kind, settings: { loss_db: CROSSING_LOSS_DB } };
  segments.forEach((s, k) => {
    // a drawn route with its propagation loss: a waveguide instance spliced into the segment
    let [a, b] = [s.from, s.to];
    if (s.length > 0) {
      const name = `route${k}`;
      out.instances[name] = { component: "waveguide", settings: { loss_db: (s.length / 1e4) * ROUTE_LOSS_DB_PER_CM } };
      link(out, portKey, a, `${name},o1`);
      a = `${name},o2`;
    }
    link(out, portKey, a, b);
  });
  // ports keep the netlist's order
  out.ports = Object.fromEntries(Object.keys(nl.ports).map((p) => [p, out.ports[p]!]));
  return out;
}

function instanceCell(
  iname: string,
  inst: Instance,
  nl: Netlist,
  upstream: Set<string>,
  netlists: Map<string, LayoutCell>,
  lookup: ReturnType<typeof circuitLookup>,
  cache: CellCache,
  rows?: number[],
): LayoutCell {
  const sub = netlists.get(inst.component);
  if (sub) return sub;
  const s = inst.settings;
  const period = periodUm(cache.enc);
  switch (inst.component) {
    case "phase":
      return cache.get(() => phaseShifter(phaseLength(num(s, "phi"), cache.enc)));
    case "waveguide":
      return cache.get(() => straight(phaseLength(0, cache.enc)));
    case "coupler":
      return cache.get(() => coupler(num(s, "coupling", 0.5), period));
    case "terminator":
      return cache.get(() => terminator(upstream.has(`${iname},o1`) ? "source" : "sink"));
    case "bias_source":
      return cache.get(() => biasLaser());
    case "pam_source":
    case "activation":
    case "detector": {
      const spec = instancePorts(iname, inst, lookup);
      return cache.get(() => block(inst.component, spec.inputs.length, spec.outputs.length, period, rows));
    }
    case "amplifier":
      return cache.get(() => amplifier(period));
    default:
      void nl;
      throw new LayoutError(
        `instance "${iname}": component "${inst.component}" has no layout cell (supported: phase, waveguide, coupler, terminator, amplifier, bias_source, pam_source, activation, detector and sub-circuits)`,
      );
  }
}
