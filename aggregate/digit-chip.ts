// A unit function as a chip of small digit cells (the closed-form route, docs/robustness.md).
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
// A tie (D even, nearest) leaves remainder 0 and rounds up; the last divide cell takes it back down
// for nearest-even when Q' − B is odd (no borrow: the digit is odd). Where the take-back can borrow
// (nearest-away below zero; nearest-even with B odd) a flag starts a borrow chain instead:
//   compare  LSB first: carry of T + (L^X − A), i.e. [T ≥ A]  (nearest-away only)
//   decrement LSB first: v = q_k − borrow + L  →  digit v mod L, borrow [v < L]
import type { Rounding } from "../dsl/spec.ts";
import type { UnitFunction } from "./unit.ts";
import { digitsFor } from "./wire-codec.ts";

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

interface Builder {
  L: number;
  N: number;
  cells: Cell[];
}

/** A weighted value term: a value carried as base-L digits (least significant first), times an integer weight. */
interface Term {
  digits: DigitRef[];
  weight: number;
  /** Largest value the digits jointly carry. */
  max: number;
}

/**
 * Adds a cell v = bias + Σ terms (+ the N worker digits of `workerPosition`, weight 1) with outputs
 * g_o(v), then replaces outputs that are constant or equal one input digit by that reference.
 */
/** Largest value a single digit reference takes over its cell's inputs. */
function digitMax(b: Builder, ref: DigitRef): number {
  if ("constant" in ref) return ref.constant;
  return Math.max(...b.cells[ref.cell]!.outputs[ref.output]!.table);
}

function addCell(
  b: Builder,
  spec: {
    name: string;
    role: CellRole;
    position: number;
    workerPosition: number | null;
    terms: Term[];
    bias: number;
    outputs: { name: string; fn: (v: number) => number }[];
  },
): DigitRef[] {
  const L = b.L;
  let bias = spec.bias;
  const ports: CellPort[] = [];
  const groups: CellGroup[] = [];
  if (spec.workerPosition !== null) {
    for (let w = 0; w < b.N; w++) {
      groups.push({ ports: [ports.length], max: L - 1 });
      ports.push({ source: { kind: "worker", worker: w, position: spec.workerPosition }, weight: 1, max: L - 1 });
    }
  }
  const workerMax = ports.length * (L - 1);
  // Cell-sourced values: constant digits fold into the bias.
  const values: { weight: number; max: number; digits: { cell: number; output: number }[]; group: number }[] = [];
  for (const t of spec.terms) {
    if (t.weight === 0 || t.max === 0) continue;
    if (t.digits.every((d) => "constant" in d)) {
      bias += t.weight * t.digits.reduce((acc, d, j) => acc + (d as { constant: number }).constant * L ** j, 0);
      continue;
    }
    if (t.digits.some((d) => "constant" in d && d.constant !== 0))
      throw new Error(`internal: cell ${spec.name} mixes constant and regenerated digits in one value`);
    const group: CellGroup = { ports: [], max: t.max };
    t.digits.forEach((d, j) => {
      if ("constant" in d) return;
      group.ports.push(ports.length);
      ports.push({ source: { kind: "cell", ...d }, weight: t.weight * L ** j, max: Math.min(L - 1, Math.floor(t.max / L ** j)) });
    });
    values.push({
      weight: t.weight,
      max: t.max,
      digits: t.digits.filter((d): d is { cell: number; output: number } => "cell" in d),
      group: groups.length,
    });
    groups.push(group);
  }
  const vmin = bias + values.reduce((acc, x) => acc + Math.min(0, x.weight * x.max), 0);
  const vmax = bias + workerMax + values.reduce((acc, x) => acc + Math.max(0, x.weight * x.max), 0);
  if (vmin < 0) throw new Error(`internal: cell ${spec.name} can reach v = ${vmin} < 0`);
  const tables = spec.outputs.map((o) => Array.from({ length: vmax + 1 }, (_, v) => (v < vmin ? 0 : o.fn(v))));
  // Enumerate the cell's inputs (worker digits through their sum, values through their range):
  // an output that is constant, or equal to one regenerated digit, needs no cell.
  const refs: (DigitRef | null)[] = tables.map(() => null);
  tables.forEach((table, o) => {
    let constant: number | null = null;
    let isConstant = true;
    const candidates = values.flatMap((x, g) => x.digits.map((d, j) => ({ g, j, d })));
    const equals = candidates.map(() => true);
    const x = new Array<number>(values.length).fill(0);
    const visit = (i: number): void => {
      if (i === values.length) {
        for (let s = 0; s <= workerMax; s++) {
          const v = bias + s + values.reduce((acc, val, g) => acc + val.weight * x[g]!, 0);
          const out = table[v]!;
          if (!(Number.isInteger(out) && out >= 0 && out < L))
            throw new Error(`internal: cell ${spec.name} output ${out} at v = ${v} is not a base-${L} digit`);
          if (constant === null) constant = out;
          else if (out !== constant) isConstant = false;
          candidates.forEach((c, k) => {
            if (out !== Math.floor(x[c.g]! / L ** c.j) % L) equals[k] = false;
          });
        }
        return;
      }
      for (let val = 0; val <= values[i]!.max; val++) {
        x[i] = val;
        visit(i + 1);
      }
    };
    visit(0);
    if (isConstant) refs[o] = { constant: constant ?? 0 };
    else {
      const k = equals.indexOf(true);
      if (k >= 0) refs[o] = { cell: candidates[k]!.d.cell, output: candidates[k]!.d.output };
    }
  });
  const kept = tables.map((_, o) => o).filter((o) => refs[o] === null);
  if (kept.length === 0) return refs as DigitRef[];
  const index = b.cells.length;
  b.cells.push({
    name: spec.name,
    role: spec.role,
    position: spec.position,
    ports,
    groups,
    bias,
    vmax,
    outputs: kept.map((o) => ({ name: spec.outputs[o]!.name, table: tables[o]! })),
  });
  return refs.map((r, o) => r ?? { cell: index, output: kept.indexOf(o) });
}

/** Base-L digits of a non-negative integer known to be < L^count. */
function digitsOf(x: number, L: number, count: number): number[] {
  return Array.from({ length: count }, (_, j) => Math.floor(x / L ** j) % L);
}

/**
 * LSB-first addition of the worker digit sums (positions < inDigits) and a constant C (taken
 * modulo L^X, so a negative C wraps and its carry out of the top is dropped). Returns the X digits.
 */
function addChain(
  b: Builder,
  inDigits: number,
  X: number,
  C: number,
  role: "add" | "compare",
  keepDigits: boolean,
): { digits: DigitRef[]; carryOut: DigitRef[] } {
  const L = b.L;
  const cst = digitsOf(((C % L ** X) + L ** X) % L ** X, L, X);
  let carry: DigitRef[] = [];
  let carryMax = 0;
  const digits: DigitRef[] = [];
  for (let k = 0; k < X; k++) {
    const vmax = (k < inDigits ? b.N * (L - 1) : 0) + carryMax + cst[k]!;
    const cw = Math.max(0, digitsFor(Math.floor(vmax / L), L));
    const outputs = [
      ...(keepDigits ? [{ name: `t${k}`, fn: (v: number) => v % L }] : []),
      ...Array.from({ length: cw }, (_, j) => ({ name: `c${k + 1}_${j}`, fn: (v: number) => Math.floor(v / L ** (j + 1)) % L })),
    ];
    const refs = addCell(b, {
      name: `${role}${k}`,
      role,
      position: k,
      workerPosition: k < inDigits ? k : null,
      terms: [{ digits: carry, weight: 1, max: carryMax }],
      bias: cst[k]!,
      outputs,
    });
    if (keepDigits) digits.push(refs[0]!);
    carry = refs.slice(keepDigits ? 1 : 0);
    carryMax = Math.floor(vmax / L);
  }
  return { digits, carryOut: carry };
}

/**
 * MSB-first division of the digits t (least significant first) by D. The last cell (position 0)
 * computes q_0 with `q0` and adds the outputs `extra` (functions of its v = L·r + t_0).
 */
function divideChain(
  b: Builder,
  t: DigitRef[],
  D: number,
  q0: (v: number) => number,
  extra: { name: string; fn: (v: number) => number }[],
): { q: DigitRef[]; extra: DigitRef[] } {
  const L = b.L;
  const rDigits = digitsFor(D - 1, L);
  let r: DigitRef[] = [];
  let rMax = 0;
  const q: DigitRef[] = new Array(t.length);
  for (let k = t.length - 1; k >= 0; k--) {
    const outputs =
      k > 0
        ? [
            { name: `q${k}`, fn: (v: number) => Math.floor(v / D) },
            ...Array.from({ length: rDigits }, (_, j) => ({ name: `r${k}_${j}`, fn: (v: number) => Math.floor((v % D) / L ** j) % L })),
          ]
        : [{ name: "q0", fn: q0 }, ...extra];
    const refs = addCell(b, {
      name: `divide${k}`,
      role: "divide",
      position: k,
      workerPosition: null,
      terms: [
        { digits: r, weight: L, max: rMax },
        { digits: [t[k]!], weight: 1, max: digitMax(b, t[k]!) },
      ],
      bias: 0,
      outputs,
    });
    q[k] = refs[0]!;
    r = refs.slice(1);
    rMax = Math.min(D - 1, L * rMax + L - 1);
  }
  return { q, extra: r };
}

/** Drop outputs nobody reads and cells left without outputs; renumber references. */
function prune(cells: Cell[], result: DigitRef[]): { cells: Cell[]; result: DigitRef[] } {
  for (;;) {
    const used = cells.map((c) => new Array<boolean>(c.outputs.length).fill(false));
    const mark = (r: DigitRef | PortSource): void => {
      if ("cell" in r) used[r.cell]![r.output] = true;
    };
    result.forEach(mark);
    cells.forEach((c) => c.ports.forEach((p) => mark(p.source)));
    if (used.every((u) => u.every(Boolean))) return { cells, result };
    const outMap = used.map((u) => {
      let n = 0;
      return u.map((x) => (x ? n++ : -1));
    });
    let n = 0;
    const cellMap = used.map((u) => (u.some(Boolean) ? n++ : -1));
    const remap = <T extends DigitRef | PortSource>(r: T): T =>
      "cell" in r ? { ...r, cell: cellMap[r.cell]!, output: outMap[r.cell]![r.output]! } : r;
    const kept: Cell[] = [];
    cells.forEach((c, i) => {
      if (cellMap[i]! >= 0)
        kept.push({
          ...c,
          outputs: c.outputs.filter((_, o) => used[i]![o]),
          ports: c.ports.map((p) => ({ ...p, source: remap(p.source) })),
        });
    });
    cells = kept;
    result = result.map(remap);
  }
}

/** The digit chip of a unit (see the file header); throws for units the route does not support. */
export function planDigitChip(u: UnitFunction): DigitChip {
  if (!chipSupports(u)) throw new Error("the closed-form route builds plain units only (not trained digit slices)");
  const { levels: L, workers: N, divisor: D, rounding } = u;
  const b: Builder = { L, N, cells: [] };
  const A = N * u.inputOffset;
  const B = u.outputOffset;
  const tiesExist = rounding !== "floor" && D % 2 === 0;
  const h = rounding === "floor" ? 0 : Math.floor(D / 2);
  const C = h - A + D * B;
  const tMax = N * (L ** u.inDigits - 1);
  const X = digitsFor(Math.max(tMax + Math.max(C, 0), L ** u.outDigits * D - 1), L);
  const { digits: t } = addChain(b, u.inDigits, X, C, "add", true);
  if (D === 1) return finish(b, u, t);
  // Tie handling at the last divide cell (v = L·r + t_0): tie ⇔ v mod D = 0 (h = D/2).
  const odd = (x: number): boolean => x % 2 !== 0;
  const tie = (v: number): boolean => tiesExist && v % D === 0;
  // nearest-even with B even: a tie with Q' − B odd is taken back in place (q_0 odd: no borrow).
  const evenInPlace = rounding === "nearest-even" && !odd(B);
  const q0 = (v: number): number => Math.floor(v / D) - (evenInPlace && tie(v) && odd(Math.floor(v / D) + B) ? 1 : 0);
  const extra: { name: string; fn: (v: number) => number }[] = [];
  if (rounding === "nearest-even" && tiesExist && !evenInPlace)
    extra.push({ name: "tie_odd", fn: (v) => (tie(v) && odd(Math.floor(v / D) + B) ? 1 : 0) });
  // nearest-away takes a tie back only below zero (T < A), which needs A > 0.
  if (rounding === "nearest-away" && tiesExist && A > 0) extra.push({ name: "tie", fn: (v) => (tie(v) ? 1 : 0) });
  const { q, extra: flags } = divideChain(b, t, D, q0, extra);
  if (extra.length === 0) return finish(b, u, q);
  let flag: DigitRef;
  if (rounding === "nearest-even") flag = flags[0]!;
  else {
    // nearest-away: take a tie back down when T < A; [T ≥ A] is the carry of T + (L^X − A) out of position X − 1.
    const { carryOut } = addChain(b, u.inDigits, X, L ** X - A, "compare", false);
    if (carryOut.length !== 1) throw new Error("internal: the compare chain must end in one carry digit");
    [flag] = addCell(b, {
      name: "flag",
      role: "decrement",
      position: 0,
      workerPosition: null,
      terms: [
        { digits: [flags[0]!], weight: 2, max: 1 },
        { digits: [carryOut[0]!], weight: 1, max: 1 },
      ],
      bias: 0,
      outputs: [{ name: "dec", fn: (v) => (v === 2 ? 1 : 0) }],
    }) as [DigitRef];
  }
  // Borrow chain: v = q_k − borrow + L.
  let borrow = flag;
  const out: DigitRef[] = [];
  for (let k = 0; k < X; k++) {
    const refs = addCell(b, {
      name: `decrement${k}`,
      role: "decrement",
      position: k,
      workerPosition: null,
      terms: [
        { digits: [q[k]!], weight: 1, max: digitMax(b, q[k]!) },
        { digits: [borrow], weight: -1, max: 1 },
      ],
      bias: L,
      outputs: [{ name: `d${k}`, fn: (v) => v % L }, ...(k + 1 < X ? [{ name: `b${k + 1}`, fn: (v: number) => (v < L ? 1 : 0) }] : [])],
    });
    out.push(refs[0]!);
    if (k + 1 < X) borrow = refs[1]!;
  }
  return finish(b, u, out);
}

function finish(b: Builder, u: UnitFunction, digits: DigitRef[]): DigitChip {
  const result = Array.from({ length: u.outDigits }, (_, j) => digits[j] ?? { constant: 0 });
  const pruned = prune(b.cells, result);
  return {
    workers: u.workers,
    levels: u.levels,
    inDigits: u.inDigits,
    outDigits: u.outDigits,
    rounding: u.rounding,
    cells: pruned.cells,
    result: pruned.result,
  };
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
