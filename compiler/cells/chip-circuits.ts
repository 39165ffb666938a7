// A digit chip's cells as circuits: cells with the same function (e.g. the adders of positions
// 1..K−1) share one design; each shared design is emitted once and stands for several physical
// copies (`instances`). The cell's function travels in the circuit's info (aggregate/circuit-info.ts
// writeCellInfo), so `optinc verify` can check one cell file on its own.
import type { Cell, DigitChip } from "../../aggregate/digit-chip.ts";
import type { PhaseTable } from "../../netlist/ir.ts";
import { cellCircuit, type CellCircuit, type CellCircuitOptions } from "./cell-circuit.ts";
import type { CellNetwork } from "./cell-network.ts";

export interface CellDesign {
  /** File stem suffix, e.g. "add0", "add1": the first instance's cell name. */
  name: string;
  /** Indices into chip.cells of the physical copies of this design. */
  instances: number[];
  cell: Cell;
  network: CellNetwork;
  table: PhaseTable;
  /** The same cell with regenerating activations (cell-circuit.ts `regenerate`), when asked for: the compile keeps the one whose light closes better. */
  regenerated?: PhaseTable;
}

/** What makes two cells the same circuit: ports (weights, ranges, grouping), bias and tables. */
function functionKey(c: Cell): string {
  return JSON.stringify({
    ports: c.ports.map((p) => [p.source.kind, p.weight, p.max]),
    groups: c.groups.map((g) => [g.ports, g.max]),
    bias: c.bias,
    vmax: c.vmax,
    outputs: c.outputs.map((o) => o.table),
  });
}

/** Largest attenuator transmission of a cell: the rest is headroom for calibration (docs/design/calibration.md §3). */
export const CELL_HEADROOM = 0.9;

export interface ChipCircuitOptions {
  levels: number;
  headroom: number;
  /** Nominal insertion loss per MZI the design compensates (dB). */
  mziLossDb?: number;
  /**
   * Under a light budget: every activation a homodyne read, and the regenerated alternative
   * (`CellDesign.regenerated`) built for each design this accepts (all when true).
   */
  alternatives?: boolean | ((cell: Cell) => boolean);
}

// The structure search builds many structures whose cells share functions (the same adder at
// several radixes and bases); a cell is built once per function and options on a thread. Built
// cells are never modified, so candidates may share them.
const builtCells = new Map<string, CellCircuit>();
/** Cells kept per thread before the memo starts over (a 64-worker search builds about 250). */
const BUILT_CELLS_MAX = 4096;

function builtCell(cell: Cell, key: string, opts: CellCircuitOptions): CellCircuit {
  const k = `${key}\u0000${JSON.stringify(opts)}`;
  let c = process.env.NOMEMO ? undefined : builtCells.get(k);
  if (!c) {
    if (builtCells.size >= BUILT_CELLS_MAX) builtCells.clear();
    builtCells.set(k, (c = cellCircuit(cell, opts)));
  }
  return c;
}

export function chipCircuits(chip: DigitChip, opts: ChipCircuitOptions): CellDesign[] {
  const byKey = new Map<string, CellDesign>();
  chip.cells.forEach((cell, i) => {
    const key = functionKey(cell);
    const known = byKey.get(key);
    if (known) return void known.instances.push(i);
    const homodyne = !!opts.alternatives;
    const base = { levels: opts.levels, headroom: opts.headroom, mziLossDb: opts.mziLossDb ?? 0, homodyne };
    const { network, table } = builtCell(cell, key, base);
    const alternative = typeof opts.alternatives === "function" ? opts.alternatives(cell) : homodyne;
    const regenerated = alternative ? builtCell(cell, key, { ...base, regenerate: true }).table : undefined;
    byKey.set(key, { name: cell.name, instances: [i], cell, network, table, ...(regenerated ? { regenerated } : {}) });
  });
  return [...byKey.values()];
}
