// The chip: every cell copy of a closed-form chip file as an instance of its design's cell (a
// trained single netlist is one cell), packed on the die (pack.ts), the die outline on the floor-plan
// layer, and what the report needs: area, heaters, bumps (with the heater → bump map), optical
// I/O, crossings and the longest waveguide path.
import { heaterLeaves } from "../netlist/die/heaters.ts";
import type { Circuit, PortMapPad } from "../netlist/ir.ts";
import { periodUm, type LengthEncoding } from "../netlist/formats/spice-dialect.ts";
import { boundsOf, type CellRef, type LayoutCell, type Shape } from "./cell.ts";
import { CellCache, layoutCircuit, type DesignLayout } from "./design.ts";
import { ROUTE_LOSS_DB_PER_CM } from "./cells.ts";
import { LayoutError } from "./layout-error.ts";
import { snap } from "./geometry.ts";
import { RULES } from "./layers.ts";
import { packBoxes } from "./pack.ts";

export interface ChipInput {
  name: string;
  /** Designs by file stem (`paper_4x8.add0`). */
  designs: { stem: string; circuit: Circuit }[];
  /**
   * Closed-form chip files: the copies of each, in chip order, and how many units of it the chip
   * holds (a cascade level's; 1 otherwise). Empty: each design once.
   */
  chips: { name: string; copies: { name: string; design: string }[]; units: number }[];
}

export interface ChipStats {
  dieWidthUm: number;
  dieHeightUm: number;
  dieAreaMm2: number;
  heaters: number;
  /** Flip-chip bumps drawn: one signal bump per heater, one ground bump per heater column. */
  pads: number;
  signalBumps: number;
  groundBumps: number;
  /** Bump sites of the drawn fields (used or not), and their pitch (layout/bumps.ts). */
  bumpSites: number;
  bumpPitchUm: number;
  /** A heater strip's gap to the next cell's Si in its column, µm (`--heater-clearance`). */
  heaterClearanceUm: number;
  /** Columns of heaters staggered, summed over the designs' netlist cells (each cell once, not per copy). */
  staggeredColumns: number;
  opticalIo: number;
  crossings: number;
  /** Loss-matched junctions (a track through a crossing layer it does not cross), every copy counted. */
  junctions: number;
  designs: number;
  copies: number;
  longestPathMm: number;
  longestPathLossDb: number;
  lossDbPerCm: number;
  /** Largest distance of a drawn route from a whole number of periods, nm. */
  maxRouteResidualNm: number;
  routes: number;
}

export interface ChipLayout {
  top: LayoutCell;
  designs: Map<string, DesignLayout>;
  stats: ChipStats;
  padMap: PortMapPad[];
}

// Space between design copies on the die: above the deck's largest spacing rule (10 µm), and two
// copies' edge bumps (17 µm from their box) stay at least one bump pitch apart (17 + 30 + 17 ≥ 60).
const GAP = 30;

export function layoutChip(
  input: ChipInput,
  enc: LengthEncoding,
  only?: string,
  maxPathPoints?: number,
  /** Sub-circuit ports in their neighbours' order (design.ts CellCache `portOrder`). */
  portOrder = true,
  /** A heater strip's gap to the next cell's Si in its column, µm (design.ts CellCache). */
  heaterClearance?: number,
  /** Heater columns staggered (design.ts CellCache `stagger`). */
  stagger = true,
): ChipLayout {
  const cache = new CellCache(enc, maxPathPoints, "best", "potentials", portOrder, heaterClearance, stagger);
  let designs = input.designs;
  let chips = input.chips;
  if (only !== undefined) {
    const d = designs.find((x) => x.stem === only || x.stem.endsWith(`.${only}`) || x.circuit.top === only);
    if (!d) throw new LayoutError(`no cell design "${only}" (designs: ${designs.map((x) => x.stem).join(", ")})`);
    designs = [d];
    chips = [];
  }
  const laid = new Map<string, DesignLayout>();
  for (const d of designs) {
    try {
      laid.set(d.stem, layoutCircuit(d.circuit, cache));
    } catch (e) {
      if (e instanceof LayoutError && e.design === undefined) throw new LayoutError(e.message, d.stem);
      throw e;
    }
  }
  const rows = chips.length
    ? chips
    : [{ name: input.name, copies: designs.map((d) => ({ name: d.stem.split(".").pop()!, design: d.stem })), units: 1 }];
  // Every unit of every chip file: unit u of a cascade level is row "<file>.u<u>".
  const units = rows.flatMap((r) =>
    Array.from({ length: r.units }, (_, u) => ({ name: r.units > 1 ? `${r.name}.u${u}` : r.name, copies: r.copies })),
  );
  // Copies packed on the die (layout/pack.ts), each box grown by the gap; refs stay in chip order.
  const all = units.flatMap((r) => r.copies.map((c) => ({ row: r.name, copy: c, cell: cellOf(laid, c.design) })));
  const packed = packBoxes(all.map(({ cell }) => ({ w: cell.bbox.x1 - cell.bbox.x0 + GAP, h: cell.bbox.y1 - cell.bbox.y0 + GAP })));
  const refs: CellRef[] = all.map(({ row, copy, cell }, i) => {
    const [px, py] = packed.at[i]!;
    const name = units.length > 1 ? `${row}/${copy.name}` : copy.name;
    return { cell, at: [snap(px - cell.bbox.x0), snap(py - cell.bbox.y0)], name };
  });
  const inner = boundsOf([], refs);
  const m = RULES.dieMargin;
  const die = { x0: snap(inner.x0 - m), y0: snap(inner.y0 - m), x1: snap(inner.x1 + m), y1: snap(inner.y1 + m) };
  const shapes: Shape[] = [
    { kind: "box", layer: "floorplan", ...die },
    { kind: "text", layer: "text", at: [die.x0 + 10, die.y1 - 10], text: `optinc ${input.name}` },
  ];
  const top: LayoutCell = {
    name: `${input.name}_chip`.replace(/[^A-Za-z0-9_$]/g, "_"),
    kind: "chip",
    shapes,
    refs,
    pins: [],
    bbox: die,
    through: {},
  };
  const stats = chipStats(top, laid, periodUm(enc), cache.heaterClearance);
  const circuits = new Map(designs.map((d) => [laid.get(d.stem)!.top, d.circuit]));
  return { top, designs: laid, stats, padMap: padMap(top, circuits) };
}

function cellOf(laid: Map<string, DesignLayout>, stem: string): LayoutCell {
  const d = laid.get(stem);
  if (!d) throw new LayoutError(`the chip file names design "${stem}", which has no netlist in the directory`);
  return d.top;
}

/** How many times each cell occurs in the flattened top. */
export function multiplicity(top: LayoutCell): Map<LayoutCell, number> {
  const m = new Map<LayoutCell, number>();
  const walk = (c: LayoutCell, k: number): void => {
    m.set(c, (m.get(c) ?? 0) + k);
    for (const r of c.refs) walk(r.cell, k);
  };
  // cells repeat: count by a memoised sum over the DAG
  const counts = new Map<LayoutCell, Map<LayoutCell, number>>();
  const inside = (c: LayoutCell): Map<LayoutCell, number> => {
    const got = counts.get(c);
    if (got) return got;
    const res = new Map<LayoutCell, number>([[c, 1]]);
    for (const r of c.refs) for (const [x, k] of inside(r.cell)) res.set(x, (res.get(x) ?? 0) + k);
    counts.set(c, res);
    return res;
  };
  void walk;
  for (const [c, k] of inside(top)) m.set(c, k);
  return m;
}

function chipStats(top: LayoutCell, laid: Map<string, DesignLayout>, period: number, heaterClearance: number): ChipStats {
  const mult = multiplicity(top);
  let heaters = 0;
  let signal = 0;
  let ground = 0;
  let sites = 0;
  let io = 0;
  let crossings = 0;
  let junctions = 0;
  for (const [c, k] of mult) {
    if (c.kind === "phase") heaters += k;
    signal += (c.bumps?.signal ?? 0) * k;
    ground += (c.bumps?.ground ?? 0) * k;
    sites += (c.bumps?.sites ?? 0) * k;
    if (c.kind === "grating_coupler" || c.kind === "bias_source") io += k;
    if (c.kind === "crossing") crossings += k;
    if (c.kind === "junction") junctions += k;
  }
  let longest = 0;
  let residual = 0;
  let routes = 0;
  for (const d of laid.values()) {
    longest = Math.max(longest, d.top.through["*"] ?? 0);
    for (const s of d.segments) residual = Math.max(residual, s.segment.residual);
    routes += d.segments.length;
  }
  const w = top.bbox.x1 - top.bbox.x0;
  const h = top.bbox.y1 - top.bbox.y0;
  void period;
  return {
    dieWidthUm: w,
    dieHeightUm: h,
    dieAreaMm2: (w * h) / 1e6,
    heaters,
    pads: signal + ground,
    signalBumps: signal,
    groundBumps: ground,
    bumpSites: sites,
    bumpPitchUm: RULES.bumpPitch,
    heaterClearanceUm: heaterClearance,
    staggeredColumns: [...laid.values()].reduce((a, d) => a + d.staggered, 0),
    opticalIo: io,
    crossings,
    junctions,
    designs: laid.size,
    copies: top.refs.length,
    longestPathMm: longest / 1000,
    longestPathLossDb: (longest / 1e4) * ROUTE_LOSS_DB_PER_CM,
    lossDbPerCm: ROUTE_LOSS_DB_PER_CM,
    maxRouteResidualNm: residual * 1000,
    routes,
  };
}

/**
 * Every heater's signal bump and ground bump in chip coordinates, with its die-file name and a DAC
 * channel in drawing order. Ground bumps are numbered chip-wide in the order they are first met.
 */
function padMap(top: LayoutCell, circuits: Map<LayoutCell, Circuit>): PortMapPad[] {
  const out: PortMapPad[] = [];
  const grounds = new Map<string, string>();
  for (const copy of top.refs) {
    const names = heaterNames(circuits.get(copy.cell)!);
    const walk = (c: LayoutCell, path: string[], ox: number, oy: number): void => {
      for (const r of c.refs) {
        if (r.cell.kind !== "phase") {
          walk(r.cell, [...path, r.name], ox + r.at[0], oy + r.at[1]);
          continue;
        }
        const at = [...path, r.name].join("/");
        const name = names.get(at);
        if (name === undefined) throw new LayoutError(`the drawn phase shifter ${copy.name}/${at} is no heater of its circuit`);
        const b = c.bumps?.heaters.get(r.name);
        if (!b) throw new LayoutError(`the drawn phase shifter ${copy.name}/${at} has no bump`);
        const channel = out.length;
        const [gx, gy] = [snap(ox + b.ground[0]), snap(oy + b.ground[1])];
        const key = `${gx},${gy}`;
        if (!grounds.has(key)) grounds.set(key, `G${grounds.size}`);
        out.push({
          heater: `${copy.name}/${at}`,
          name,
          copy: copy.name,
          channel,
          signal: { name: `S${channel}`, x: snap(ox + b.signal[0]), y: snap(oy + b.signal[1]) },
          ground: { name: grounds.get(key)!, x: gx, y: gy },
        });
      }
    };
    walk(copy.cell, [], copy.at[0], copy.at[1]);
  }
  return out;
}

/** A circuit's heaters by their drawn instance path (sub-circuit instances / phase instance): a
 * flat leaf "a__b" of part p is drawn as p/a/b, a part that is itself the phase as p. */
function heaterNames(circuit: Circuit): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of heaterLeaves(circuit)) out.set(h.part === h.leaf ? h.part : `${h.part}/${h.leaf.split("__").join("/")}`, h.name);
  return out;
}

/** `<name>.pads.json`: heater → signal bump and ground bump → DAC channel, one line per heater. */
export function writePadMap(name: string, entries: PortMapPad[]): string {
  const lines = entries.map((e) => `    ${JSON.stringify(e)}`);
  return `{\n  "format": "optinc.pads/2",\n  "chip": ${JSON.stringify(name)},\n  "units": "um, chip coordinates of bump centres",\n  "bumpPitchUm": ${RULES.bumpPitch},\n  "heaters": [\n${lines.join(",\n")}\n  ]\n}\n`;
}
