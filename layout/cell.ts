// The layout cell: shapes on logical layers, references to other cells, and optical pins. A cell
// is plain data made by a pure factory (cells.ts) or by the placer (place-route.ts).
import type { LayerName } from "./layers.ts";
import type { Pt } from "./geometry.ts";

export type Shape =
  | { kind: "box"; layer: LayerName; x0: number; y0: number; x1: number; y1: number }
  | { kind: "polygon"; layer: LayerName; points: Pt[] }
  | { kind: "path"; layer: LayerName; width: number; points: Pt[] }
  /** A drawn route: a path whose points are packed on the nm grid, x0, y0, x1, y1, … (a trained
   * mesh draws tens of millions of route points; as [x, y] arrays they did not fit in memory). */
  | { kind: "route"; layer: LayerName; width: number; nm: Int32Array }
  | { kind: "text"; layer: LayerName; at: Pt; text: string };

/** An optical pin: light enters an "in" pin from the left, leaves an "out" pin to the right. */
export interface Pin {
  name: string;
  x: number;
  y: number;
  side: "in" | "out";
}

export interface CellRef {
  cell: LayoutCell;
  /** Origin of the referenced cell in this cell (on the nm grid). */
  at: Pt;
  /** Instance name (written as GDSII property 1 of the SREF). */
  name: string;
}

/** A heater's two bumps in its netlist's cell: its own signal bump and its column's ground bump (centres). */
export interface HeaterBumps {
  signal: Pt;
  ground: Pt;
}

/** The bump fields a netlist's cell draws for its own heaters (layout/bumps.ts). */
export interface BumpInfo {
  /** Phase-shifter instance name → its bumps. */
  heaters: Map<string, HeaterBumps>;
  signal: number;
  ground: number;
  /** Bump sites of the drawn rows (used or not): what the fields hold. */
  sites: number;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface LayoutCell {
  name: string;
  /** What it realizes: a primitive component, a block, a crossing, a grating coupler, or a netlist. */
  kind: string;
  shapes: Shape[];
  refs: CellRef[];
  pins: Pin[];
  bbox: Box;
  /** A netlist's cell: the bumps of the heaters it places itself, when it places any. */
  bumps?: BumpInfo;
  /** Drawn optical path length (µm) from an in pin to an out pin, "in>out". */
  through: Record<string, number>;
  /** A netlist's cell: the crossings and junctions every path from an in pin to an out pin meets. */
  crossingCells?: number;
  /** A netlist's cell: the most crossings and junctions on any path from an in pin, into a terminator too (what the check counts). */
  pathCells?: number;
}

export function pin(cell: LayoutCell, name: string): Pin {
  const p = cell.pins.find((q) => q.name === name);
  if (!p) throw new Error(`cell "${cell.name}" has no pin "${name}"`);
  return p;
}

/** Bounding box of shapes and references (pins included). */
/**
 * The corners of a flush-ended path's outline (GDSII PATHTYPE 0): each point offset by half the
 * width along its segments' normals. A flush end stops at its point, so a device box drawn from
 * this ends where the waveguide does, and cells that abut at a pin do not overlap.
 */
function pathOutline(pts: readonly (readonly [number, number])[], w: number, add: (x: number, y: number) => void): void {
  for (let i = 0; i + 1 < pts.length; i++) {
    const [x0, y0] = pts[i]!;
    const [x1, y1] = pts[i + 1]!;
    const len = Math.hypot(x1 - x0, y1 - y0);
    if (len === 0) continue;
    const nx = (-(y1 - y0) / len) * w;
    const ny = ((x1 - x0) / len) * w;
    for (const [x, y] of [pts[i]!, pts[i + 1]!]) {
      add(x + nx, y + ny);
      add(x - nx, y - ny);
    }
  }
  if (pts.length === 1) add(pts[0]![0], pts[0]![1]);
}

export function boundsOf(shapes: Shape[], refs: CellRef[], pins: Pin[] = []): Box {
  const b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  const add = (x: number, y: number): void => {
    b.x0 = Math.min(b.x0, x);
    b.y0 = Math.min(b.y0, y);
    b.x1 = Math.max(b.x1, x);
    b.y1 = Math.max(b.y1, y);
  };
  for (const s of shapes) {
    if (s.kind === "box") {
      add(s.x0, s.y0);
      add(s.x1, s.y1);
    } else if (s.kind === "text") continue;
    else if (s.kind === "route") {
      const pts: [number, number][] = [];
      for (let i = 0; i < s.nm.length; i += 2) pts.push([s.nm[i]! / 1000, s.nm[i + 1]! / 1000]);
      pathOutline(pts, s.width / 2, add);
    } else if (s.kind === "path") pathOutline(s.points, s.width / 2, add);
    else for (const [x, y] of s.points) add(x, y);
  }
  for (const r of refs) {
    add(r.at[0] + r.cell.bbox.x0, r.at[1] + r.cell.bbox.y0);
    add(r.at[0] + r.cell.bbox.x1, r.at[1] + r.cell.bbox.y1);
  }
  for (const p of pins) add(p.x, p.y);
  if (!Number.isFinite(b.x0)) return { x0: 0, y0: 0, x1: 0, y1: 0 };
  return b;
}
