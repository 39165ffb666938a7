// A unit function as a chip of small digit cells (the closed-form route, docs/design/digit-cells.md).
//
// Each cell reads a few base-L digits: worker digits of one position, and digits that earlier cells
// produced and that were detected and re-sent (an O-E-O regeneration). It forms one small integer
//   v = bias + Σ_p weight_p · x_p,   0 ≤ v ≤ vmax,
// and emits digits g_o(v) from tables. Keeping vmax small (≈ N·L) is what makes the optical cells
// tolerant: a decision only has to resolve v to ±½ out of vmax, not the whole value out of L^K.
//
// With T = Σ_k S_k L^k the worker digit sums, a unit computes Q = R((T − A)/D) + B (A = N·inputOffset,
// D = divisor, B = outputOffset). With h = 0 (floor) or ⌊D/2⌋ (nearest), Q' = ⌊(T + C)/D⌋, C = h − A + D·B:
//   add      LSB first: v = S_k + carry + C_k  →  digit t_k = v mod L, carry ⌊v/L⌋   (digits of T + C)
//   divide   MSB first: v = L·r + t_k          →  q_k = ⌊v/D⌋, remainder v mod D     (skipped when D = 1)
//            (a wide D: factored, each factor long-divided in narrow cells, digit-divide.ts; a prime
//            too wide even for v = 2r + s carries r as binary digits, digit-wide.ts)
// A tie (D even, nearest) leaves remainder 0 and rounds up; the last divide cell takes it back down
// for nearest-even when Q' − B is odd (no borrow: the digit is odd). Where the take-back can borrow
// (nearest-away below zero; nearest-even with B odd) a flag starts a borrow chain instead:
//   compare  LSB first: carry of T + (L^X − A), i.e. [T ≥ A]  (nearest-away only)
//   decrement LSB first: v = q_k − borrow + L  →  digit v mod L, borrow [v < L]
//
// This file says what a digit chip is and runs it; digit-plan.ts plans one for a unit, from the
// chains of cells that digit-chains.ts builds.
import type { Rounding } from "../dsl/spec.ts";
import type { UnitFunction } from "./unit.ts";

export type DigitRef = { cell: number; output: number } | { constant: number };

export type PortSource = { kind: "worker"; worker: number; position: number } | { kind: "cell"; cell: number; output: number };

export interface CellPort {
  source: PortSource;
  weight: number;
  /** Largest value this port carries (L − 1 for a worker digit). */
  max: number;
}

export type CellRole = "add" | "compare" | "divide" | "decrement";

/** Ports that carry one value together: its base-L digits, least significant first. */
export interface CellGroup {
  ports: number[];
  /** Largest value of the group (its digits never exceed it jointly). */
  max: number;
}

export interface Cell {
  name: string;
  role: CellRole;
  /** Digit position the cell works on. */
  position: number;
  ports: CellPort[];
  /** Regenerated multi-digit values among the ports (a worker digit or a one-digit value is its own group). */
  groups: CellGroup[];
  bias: number;
  /** Largest v over the cell's inputs; v ≥ 0 always. */
  vmax: number;
  /** Output o of the cell is outputs[o].table[v], a base-L digit. */
  outputs: { name: string; table: number[] }[];
}

export interface DigitChip {
  workers: number;
  levels: number;
  inDigits: number;
  outDigits: number;
  rounding: Rounding;
  cells: Cell[];
  /** Result digit j (least significant first). */
  result: DigitRef[];
}

/** Whether the closed-form route can build a unit (plain weights L^k; not a trained slice). */
export function chipSupports(u: UnitFunction): boolean {
  return !u.weights && !u.carryIn && !u.roundClass && !u.roundCarry;
}

/**
 * Run the chip on worker digits (digits[w · inDigits + k] = digit k of worker w) with exact integer
 * tables; `cellOut(c, inputs)` may replace a cell by a simulated circuit (it gets the cell's port
 * values and returns its output digits). Returns the result digits, least significant first.
 */
export function runDigitChip(chip: DigitChip, digits: ArrayLike<number>, cellOut?: (cell: number, ports: number[]) => number[]): number[] {
  const values: number[][] = [];
  const read = (r: DigitRef | PortSource): number =>
    "constant" in r
      ? r.constant
      : "kind" in r && r.kind === "worker"
        ? digits[r.worker * chip.inDigits + r.position]!
        : values[(r as { cell: number }).cell]![(r as { output: number }).output]!;
  chip.cells.forEach((c, i) => {
    const ports = c.ports.map((p) => read(p.source));
    values.push(cellOut ? cellOut(i, ports) : c.outputs.map((o) => o.table[cellV(c, ports)]!));
  });
  return chip.result.map(read);
}

/** v of a cell for its port values. */
export function cellV(c: Cell, ports: ArrayLike<number>): number {
  let v = c.bias;
  for (let p = 0; p < c.ports.length; p++) v += c.ports[p]!.weight * ports[p]!;
  return v;
}

/** Depth of each cell: 1 + the deepest cell it reads (worker digits are depth 0). */
export function cellDepths(chip: DigitChip): number[] {
  const depth: number[] = [];
  chip.cells.forEach((c) => depth.push(1 + Math.max(0, ...c.ports.map((p) => (p.source.kind === "cell" ? depth[p.source.cell]! : 0)))));
  return depth;
}
