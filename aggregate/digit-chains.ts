// The chains of digit cells a digit chip is built from (digit-chip.ts): one cell v = bias + Σ terms
// with its output tables, the LSB-first add chain (digits and carries of T + C), the MSB-first
// divide chain (quotient digits and remainder), and the pruning of outputs nobody reads.
import { digitsFor } from "./wire-codec.ts";
import type { Cell, CellGroup, CellPort, CellRole, DigitChip, DigitRef, PortSource } from "./digit-chip.ts";
import type { UnitFunction } from "./unit.ts";

export interface Builder {
  L: number;
  N: number;
  cells: Cell[];
}

/** A weighted value term: a value carried as base-L digits (least significant first), times an integer weight. */
export interface Term {
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
export function digitMax(b: Builder, ref: DigitRef): number {
  if ("constant" in ref) return ref.constant;
  return Math.max(...b.cells[ref.cell]!.outputs[ref.output]!.table);
}

export function addCell(
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
export function digitsOf(x: number, L: number, count: number): number[] {
  return Array.from({ length: count }, (_, j) => Math.floor(x / L ** j) % L);
}

/**
 * LSB-first addition of the worker digit sums (positions < inDigits) and a constant C (taken
 * modulo L^X, so a negative C wraps and its carry out of the top is dropped). Returns the X digits.
 */
export function addChain(
  b: Builder,
  inDigits: number,
  X: number,
  C: number,
  role: "add" | "compare",
  keepDigits: boolean,
  extraAt: (k: number) => { name: string; fn: (digit: number) => number }[] = () => [],
): { digits: DigitRef[]; carryOut: DigitRef[]; extras: DigitRef[][] } {
  const L = b.L;
  const cst = digitsOf(((C % L ** X) + L ** X) % L ** X, L, X);
  let carry: DigitRef[] = [];
  let carryMax = 0;
  const digits: DigitRef[] = [];
  const extras: DigitRef[][] = [];
  for (let k = 0; k < X; k++) {
    const vmax = (k < inDigits ? b.N * (L - 1) : 0) + carryMax + cst[k]!;
    const cw = Math.max(0, digitsFor(Math.floor(vmax / L), L));
    // Functions of t_k (sub-digits in a narrower base, a parity): more detector rows, no new thresholds.
    const more = extraAt(k);
    const outputs = [
      ...(keepDigits ? [{ name: `t${k}`, fn: (v: number) => v % L }] : []),
      ...Array.from({ length: cw }, (_, j) => ({ name: `c${k + 1}_${j}`, fn: (v: number) => Math.floor(v / L ** (j + 1)) % L })),
      ...more.map((x) => ({ name: x.name, fn: (v: number) => x.fn(v % L) })),
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
    const k0 = keepDigits ? 1 : 0;
    if (keepDigits) digits.push(refs[0]!);
    carry = refs.slice(k0, k0 + cw);
    extras.push(refs.slice(k0 + cw));
    carryMax = Math.floor(vmax / L);
  }
  return { digits, carryOut: carry, extras };
}

/**
 * MSB-first division of the digits t (least significant first) by D. The last cell (position 0)
 * computes q_0 with `q0` and adds the outputs `extra` (functions of its v = L·r + t_0).
 */
export function divideChain(
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
export function prune(cells: Cell[], result: DigitRef[]): { cells: Cell[]; result: DigitRef[] } {
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

/**
 * The borrow chain that takes a tie back (LSB first): v = q_k − borrow + L → digit v mod L, borrow
 * [v < L]; `flag` starts the borrow. Returns the X result digits.
 */
export function borrowChain(b: Builder, q: DigitRef[], flag: DigitRef, X: number): DigitRef[] {
  const L = b.L;
  let borrow = flag;
  const out: DigitRef[] = [];
  for (let k = 0; k < X; k++) {
    const qk = q[k] ?? { constant: 0 };
    const refs = addCell(b, {
      name: `decrement${k}`,
      role: "decrement",
      position: k,
      workerPosition: null,
      terms: [
        { digits: [qk], weight: 1, max: digitMax(b, qk) },
        { digits: [borrow], weight: -1, max: 1 },
      ],
      bias: L,
      outputs: [{ name: `d${k}`, fn: (v) => v % L }, ...(k + 1 < X ? [{ name: `b${k + 1}`, fn: (v: number) => (v < L ? 1 : 0) }] : [])],
    });
    out.push(refs[0]!);
    if (k + 1 < X) borrow = refs[1]!;
  }
  return out;
}

/** The chip of a unit from its cells and result digits, with outputs nobody reads pruned. */
export function finishChip(b: Builder, u: UnitFunction, digits: DigitRef[]): DigitChip {
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
