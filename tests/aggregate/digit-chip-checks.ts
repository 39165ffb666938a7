// What a digit chip (aggregate/digit-chip.ts) must say about itself, checked from outside: every
// cell's description (ports, groups, bounds, tables) against an enumeration of the port space it
// declares, the folding and pruning the plan promises, and every regenerated digit against the
// whole-number arithmetic its name stands for (the file header's add, compare, divide and
// decrement chains), computed from the worker digit sums. Returns the problems found (none = ok).
import type { DigitChip, DigitRef, PortSource } from "../../aggregate/digit-chip.ts";
import { DEFAULT_DIVIDE_WIDTH, divisionPlan, isWide, type DigitChipOptions } from "../../aggregate/digit-divide.ts";
import { wideLayout } from "../../aggregate/digit-wide.ts";
import { evaluateCascade, planCascade } from "../../aggregate/cascade.ts";
import { toDigits } from "../../aggregate/wire-codec.ts";
import { flatUnit, unitOutput, type UnitFunction } from "../../aggregate/unit.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { createRng } from "../../math/rng.ts";

/** x mod m in [0, m). */
const mod = (x: number, m: number): number => ((x % m) + m) % m;
/** Digit k of an integer in base L (L-adic for negative x: the digit of x mod L^(k+1)). */
const digit = (x: number, k: number, L: number): number => Math.floor(mod(x, L ** (k + 1)) / L ** k);

/** j with weight = base·L^j, or null. */
function digitPosition(weight: number, base: number, L: number): number | null {
  for (let j = 0; j < 64 && Math.abs(base * L ** j) <= Math.abs(weight); j++) if (base * L ** j === weight) return j;
  return null;
}

/** Values of a cell's non-worker groups, every combination up to each group's max. */
function groupSpace(maxes: number[]): number[][] {
  const out: number[][] = [];
  const x = new Array<number>(maxes.length).fill(0);
  const rec = (g: number): void => {
    if (g === maxes.length) return void out.push([...x]);
    for (let v = 0; v <= maxes[g]!; v++) {
      x[g] = v;
      rec(g + 1);
    }
  };
  rec(0);
  return out;
}

/** Problems with the plan itself: names, ports, groups, bounds, tables, folding, pruning. */
export function planProblems(u: UnitFunction, chip: DigitChip): string[] {
  const L = u.levels;
  const bad: string[] = [];
  const head = [chip.workers, chip.levels, chip.inDigits, chip.outDigits, chip.rounding];
  if (JSON.stringify(head) !== JSON.stringify([u.workers, u.levels, u.inDigits, u.outDigits, u.rounding]))
    bad.push(`chip header ${JSON.stringify(head)}`);
  if (chip.result.length !== u.outDigits) bad.push(`${chip.result.length} result digits`);
  const names = new Set<string>();
  const read = chip.cells.map((c) => c.outputs.map(() => false));
  const mark = (r: DigitRef | PortSource, reader: number, what: string): void => {
    if ("constant" in r) {
      if (!(Number.isInteger(r.constant) && r.constant >= 0 && r.constant < L)) bad.push(`${what}: constant ${r.constant}`);
      return;
    }
    if (!("cell" in r)) return;
    if (!(r.cell < reader && chip.cells[r.cell]?.outputs[r.output])) bad.push(`${what}: reads cell ${r.cell} output ${r.output}`);
    else read[r.cell]![r.output] = true;
  };
  chip.result.forEach((r, j) => mark(r, chip.cells.length, `result digit ${j}`));
  chip.cells.forEach((c, i) => {
    const m = /^(add|compare|divide|decrement)(\d+)$/.exec(c.name);
    // A factored divide (divisionPlan): divide{chain}_{sub-digit} and merge{digit} cells.
    // A wide factor (digit-wide.ts): cmp{chain}_{bit}_{j} and sub{chain}_{bit}_{j} cells.
    const f = /^(?:divide\d+_|merge)(\d+)$/.exec(c.name) ?? /^(?:cmp|sub)\d+_(\d+)_\d+$/.exec(c.name);
    const okName = m
      ? m[1] === c.role && Number(m[2]) === c.position
      : f
        ? c.role === "divide" && Number(f[1]) === c.position
        : (c.name === "flag" || c.name === "tieflag") && c.role === "decrement" && c.position === 0;
    if (!okName) bad.push(`cell ${i}: name "${c.name}", role "${c.role}", position ${c.position}`);
    if (names.has(c.name)) bad.push(`cell name ${c.name} twice`);
    names.add(c.name);
    if (c.outputs.length === 0) bad.push(`${c.name}: no outputs`);
    if (new Set(c.outputs.map((o) => o.name)).size !== c.outputs.length) bad.push(`${c.name}: output names repeat`);
    c.ports.forEach((p, k) => mark(p.source, i, `${c.name} port ${k}`));
    // Groups: every port in exactly one non-empty group; a worker digit is a group of its own.
    const owner = c.ports.map(() => -1);
    c.groups.forEach((g, gi) => {
      if (!Array.isArray(g?.ports) || g.ports.length === 0) return void bad.push(`${c.name}: group ${gi} has no ports`);
      let last = -1;
      g.ports.forEach((p) => {
        if (owner[p] !== -1 || p >= c.ports.length) bad.push(`${c.name}: port ${p} in two groups or none`);
        owner[p] = gi;
        const port = c.ports[p]!;
        // A group's ports are its value's digits, least significant first, with weights w·L^j
        // (w: the first port's weight; digits that are constant 0 have no port, so j may skip).
        const j = digitPosition(port.weight, c.ports[g.ports[0]!]!.weight, L);
        if (j === null || j <= last) bad.push(`${c.name}: port ${p} weight ${port.weight}`);
        last = j ?? last;
        let max = 0;
        for (let v = 0; v <= g.max; v++) max = Math.max(max, digit(v, j ?? 0, L));
        if (port.max !== max) bad.push(`${c.name}: port ${p} max ${port.max}, its group (max ${g.max}) gives ${max}`);
      });
    });
    if (owner.some((o) => o === -1)) bad.push(`${c.name}: a port outside every group`);
    const workers = c.ports.filter((p) => p.source.kind === "worker");
    workers.forEach((p) => {
      const s = p.source as { worker: number; position: number };
      const g = c.groups.find((gr) => gr.ports.length === 1 && c.ports[gr.ports[0]!] === p);
      if (p.weight !== 1 || p.max !== L - 1 || s.position !== c.position || !g || g.max !== L - 1)
        bad.push(`${c.name}: worker port ${JSON.stringify(p)}`);
    });
    if (workers.length && new Set(workers.map((p) => (p.source as { worker: number }).worker)).size !== u.workers)
      bad.push(`${c.name}: not every worker once`);
    // The declared port space: worker digits through their sum, other groups through their range.
    const others = c.groups.filter((g) => c.ports[g.ports[0]!]!.source.kind === "cell");
    const wMax = workers.length * (L - 1);
    let vmin = Infinity;
    let vmax = -Infinity;
    const tables = c.outputs.map((o) => o.table);
    tables.forEach((t, o) => {
      if (t.length !== c.vmax + 1 || !t.every((d) => Number.isInteger(d) && d >= 0 && d < L))
        bad.push(`${c.name}.${c.outputs[o]!.name}: table is not vmax + 1 base-${L} digits`);
    });
    const seen = tables.map(() => new Set<number>());
    const equalsInput = tables.map(() => others.flatMap((g) => g.ports.map(() => true)));
    // A group is one value x ∈ [0, max] that adds w·x to v (w: weight of its least significant port).
    const w0 = others.map((g) => c.ports[g.ports[0]!]!.weight);
    for (const vals of groupSpace(others.map((g) => g.max))) {
      const inDigits = others.flatMap((g, gi) =>
        g.ports.map((p) => digit(vals[gi]!, digitPosition(c.ports[p]!.weight, w0[gi]!, L) ?? 0, L)),
      );
      const base = others.reduce((a, _, gi) => a + w0[gi]! * vals[gi]!, c.bias);
      for (let s = 0; s <= wMax; s++) {
        const v = base + s;
        vmin = Math.min(vmin, v);
        vmax = Math.max(vmax, v);
        tables.forEach((t, o) => {
          seen[o]!.add(t[v]!);
          inDigits.forEach((d, k) => t[v] !== d && (equalsInput[o]![k] = false));
        });
      }
    }
    if (vmin < 0 || vmax !== c.vmax) bad.push(`${c.name}: v spans [${vmin}, ${vmax}] over its port space, vmax says ${c.vmax}`);
    // Folding: an output that is constant, or a copy of an input digit, is a reference, not a cell output.
    c.outputs.forEach((o, k) => {
      if (seen[k]!.size < 2) bad.push(`${c.name}.${o.name}: constant over the cell's port space`);
      if (equalsInput[k]!.some(Boolean)) bad.push(`${c.name}.${o.name}: a copy of an input digit`);
    });
  });
  // Pruning: every output is read.
  read.forEach((r, i) => r.forEach((x, o) => x || bad.push(`${chip.cells[i]!.name}.${chip.cells[i]!.outputs[o]!.name}: read by nobody`)));
  return bad;
}

/**
 * Problems seen when the chip runs on worker digits (cases[c][w·inDigits + k]): values past a
 * group's max or v past vmax, a regenerated digit that is not what its name says, a wrong result.
 */
export function runProblems(u: UnitFunction, chip: DigitChip, cases: ArrayLike<number>[], opts: DigitChipOptions = {}): string[] {
  const { levels: L, workers: N, divisor: D, rounding, inDigits: K } = u;
  const A = N * u.inputOffset;
  const B = u.outputOffset;
  const h = rounding === "floor" ? 0 : Math.floor(D / 2);
  const C = h - A + D * B;
  const bad = new Set<string>();
  for (const d of cases) {
    const S = Array.from({ length: K }, (_, k) => {
      let s = 0;
      for (let w = 0; w < N; w++) s += d[w * K + k]!;
      return s;
    });
    const T = S.reduce((a, s, k) => a + s * L ** k, 0);
    const low = (k: number): number => S.slice(0, k + 1).reduce((a, s, i) => a + s * L ** i, 0);
    const Tc = T + C;
    if (Tc < 0) throw new Error(`runProblems: T + C < 0 (${Tc}); not an input of this unit`);
    const Q = Math.floor(Tc / D);
    const tie = rounding !== "floor" && D % 2 === 0 && Tc % D === 0;
    const tieOdd = rounding === "nearest-even" && tie && mod(Q + B, 2) === 1;
    const flag = rounding === "nearest-even" ? (tieOdd ? 1 : 0) : rounding === "nearest-away" && tie && T < A ? 1 : 0;
    // A factored divide: x = Tc, Y_i = ⌊⌊x / L^e⌋ / (f_0 ⋯ f_i)⌋ in base β (digit-chip.ts narrowDivide).
    const width = opts.divideWidth ?? DEFAULT_DIVIDE_WIDTH;
    const narrow = D > 1 && L * D > width ? divisionPlan(D, L, width, opts.remainderBase) : null;
    const Y: number[] = [];
    if (narrow) {
      let y = Math.floor(Tc / L ** narrow.e);
      Y.push(y);
      for (const f of narrow.factors) Y.push((y = Math.floor(y / f)));
    }
    const inPlace =
      narrow !== null &&
      narrow.e === 0 &&
      narrow.factors.length === 1 &&
      !isWide(narrow, narrow.factors[0]!) &&
      rounding === "nearest-even" &&
      mod(B, 2) === 0;
    // What each output name stands for: the digit of the whole number the chain computes.
    const expected = (cell: string, out: string): number | null => {
      let m: RegExpExecArray | null;
      if (narrow) {
        const beta = narrow.base;
        const last = narrow.factors.length - 1;
        if ((m = /^t(\d+)_(\d+)$/.exec(out))) return digit(digit(Tc, +m[1]!, L), +m[2]!, beta);
        if ((m = /^even(\d+)$/.exec(out))) return mod(digit(Tc, +m[1]!, L) + B, 2) === 1 ? 0 : 1;
        if ((m = /^q(\d+)_(\d+)$/.exec(out))) {
          const ci = +m[1]!;
          const p = +m[2]!;
          return digit(ci === last && p === 0 && inPlace && tieOdd ? Y[ci + 1]! - 1 : Y[ci + 1]!, p, beta);
        }
        if ((m = /^r(\d+)_(\d+)_(\d+)$/.exec(out)))
          return digit(Math.floor(Y[+m[1]!]! / beta ** +m[2]!) % narrow.factors[+m[1]!]!, +m[3]!, L);
        if ((m = /^z(\d+)$/.exec(out))) {
          const ci = +m[1]!;
          const zero = Y[ci]! % narrow.factors[ci]! === 0;
          return zero && (ci !== last || rounding !== "nearest-even" || mod(Y[ci + 1]! + B, 2) === 1) ? 0 : 1;
        }
        if (out === "keep") return tieOdd ? 0 : 1;
        if (out === "rest") {
          const zero = Y[0]! % narrow.factors.reduce((a, f) => a * f, 1) === 0;
          return zero && (rounding !== "nearest-even" || mod(Y[Y.length - 1]! + B, 2) === 1) ? 0 : 1;
        }
        const wide = wideExpected(out, Y, narrow.factors, narrow.digitBase, L);
        if (wide !== null) return wide;
      }
      if ((m = /^t(\d+)$/.exec(out))) return digit(Tc, +m[1]!, L);
      if ((m = /^c(\d+)_(\d+)$/.exec(out))) {
        const k = +m[1]! - 1;
        const add = cell.startsWith("add") ? mod(C, L ** (k + 1)) : mod(-A, L ** (k + 1));
        return digit(Math.floor((low(k) + add) / L ** (k + 1)), +m[2]!, L);
      }
      if ((m = /^q(\d+)$/.exec(out))) return digit(+m[1]! === 0 && tieOdd && mod(B, 2) === 0 ? Q - 1 : Q, +m[1]!, L);
      if ((m = /^r(\d+)_(\d+)$/.exec(out))) return digit(Math.floor(Tc / L ** +m[1]!) % D, +m[2]!, L);
      if (out === "tie") return tie ? 1 : 0;
      if (out === "tie_odd") return tieOdd ? 1 : 0;
      if (out === "dec") return flag;
      if ((m = /^d(\d+)$/.exec(out))) return digit(Q - flag, +m[1]!, L);
      if ((m = /^b(\d+)$/.exec(out))) return mod(Q, L ** +m[1]!) < flag ? 1 : 0;
      return null;
    };
    const digits = chipRun(chip, d, (i, ports, outs) => {
      const c = chip.cells[i]!;
      c.groups.forEach((g, gi) => {
        const value = g.ports.reduce((a, p, j) => a + ports[p]! * L ** j, 0);
        if (value > g.max) bad.add(`${c.name}: group ${gi} carries ${value} > max ${g.max}`);
      });
      c.outputs.forEach((o, k) => {
        const want = expected(c.name, o.name);
        if (want === null) bad.add(`${c.name}.${o.name}: unknown output name`);
        else if (outs[k] !== want) bad.add(`${c.name}.${o.name}: ${outs[k]}, its name says ${want}`);
      });
    });
    const got = digits.reduce((a, x, j) => a + x * L ** j, 0);
    const want = unitOutput(u, S);
    if (got !== want) bad.add(`sums ${S}: chip ${got}, unit ${want}`);
  }
  return [...bad];
}

/**
 * What an output of a wide factor's chain stands for (digit-wide.ts), or null for other names. For
 * quotient bit p of chain ci (dividend Y_ci): r = ⌊Y/2^(p+1)⌋ mod f, s = bit p of Y, v = 2r + s,
 * q = [v ≥ f]; carries into position j of (2r + s) + (P − f) (k) and of (2r + s) + q·(P − f) (m),
 * where position j of 2r + s holds 2·r_j (+ s at 0), or bit j of v for binary digits (ρ = 2).
 */
function wideExpected(out: string, Y: number[], factors: number[], rho: number, L: number): number | null {
  const m = /^(k|m|w|nz)(\d+)(?:_(\d+))?(?:_(\d+))?(?:_(\d+))?$/.exec(out);
  if (!m) return null;
  const ci = +m[2]!;
  const f = factors[ci]!;
  const y = Y[ci]!;
  const { P } = wideLayout(f, rho);
  if (m[1] === "nz") return m[3] === undefined ? (y % f === 0 ? 0 : 1) : digit(y % f, +m[3], rho) === 0 ? 0 : 1;
  const p = +m[3]!;
  const j = +m[4]!;
  if (m[1] === "w") return m[5] === undefined ? digit(Math.floor(y / 2 ** p) % f, j, rho) : null;
  if (m[5] === undefined) return null;
  const r = Math.floor(y / 2 ** (p + 1)) % f;
  const s = Math.floor(y / 2 ** p) % 2;
  const v = 2 * r + s;
  const low = rho === 2 ? v % 2 ** j : 2 * (r % rho ** j) + s;
  const add = m[1] === "k" || v >= f ? (P - f) % rho ** j : 0;
  return digit(Math.floor((low + add) / rho ** j), +m[5], L);
}

/** The chip on worker digits with its own tables (independent of runDigitChip); reports every cell's ports and outputs. */
function chipRun(chip: DigitChip, d: ArrayLike<number>, seen: (cell: number, ports: number[], outputs: number[]) => void): number[] {
  const values: number[][] = [];
  const read = (r: DigitRef | PortSource): number =>
    "constant" in r
      ? r.constant
      : "kind" in r && r.kind === "worker"
        ? d[r.worker * chip.inDigits + r.position]!
        : values[r.cell]![r.output]!;
  chip.cells.forEach((c, i) => {
    const ports = c.ports.map((p) => read(p.source));
    const v = ports.reduce((a, x, p) => a + c.ports[p]!.weight * x, c.bias);
    if (!(v >= 0 && v <= c.vmax)) throw new Error(`${c.name}: v = ${v} outside [0, ${c.vmax}]`);
    values.push(c.outputs.map((o) => o.table[v]!));
    seen(i, ports, values[i]!);
  });
  return chip.result.map(read);
}

/**
 * The units the plan checks run on, with their worker digits: flat units of N ∈ {1, 2, 3, 5, 6, 9}
 * workers × L ∈ {2, 4, 16} × 1–3 digits × every rounding rule (seeded random codes and the extreme
 * ones), and every level of some cascades (the inputs each level receives when the cascade runs on
 * seeded random worker codes).
 */
export function testUnits(): { name: string; u: UnitFunction; cases: Int32Array[] }[] {
  const out: { name: string; u: UnitFunction; cases: Int32Array[] }[] = [];
  const rng = createRng(17);
  for (const L of [2, 4, 16]) {
    for (const N of [1, 2, 3, 5, 6, 9]) {
      for (const K of [1, 2, 3]) {
        const b = K * Math.log2(L);
        if (b > 12) continue;
        for (const rounding of ROUNDINGS) {
          const u = flatUnit(N, b, L, rounding);
          const top = 2 ** b - 1;
          const cases = Array.from({ length: 120 }, (_, t) => {
            const d = new Int32Array(N * K);
            for (let w = 0; w < N; w++)
              toDigits(t === 0 ? 0 : t === 1 ? top : t === 2 ? (w % 2 ? top : 0) : rng.int(top + 1), { precision: b, levels: L }, d, w * K);
            return d;
          });
          out.push({ name: `N = ${N}, L = ${L}, ${b} bits, ${rounding}`, u, cases });
        }
      }
    }
  }
  for (const [workers, radix, b, L] of [
    [10, 3, 4, 2],
    [5, 2, 4, 2],
    [16, 4, 8, 4],
    [12, 5, 8, 4],
    [7, 3, 4, 16],
  ] as const) {
    for (const rounding of ROUNDINGS) {
      const plan = planCascade(workers, radix, b, L, rounding);
      const levels = plan.levels.map((l) => ({
        name: `cascade of ${workers} at radix ${radix}, L = ${L}, ${b} bits, ${rounding}: level ${l.level}`,
        u: l.fn,
        cases: [] as Int32Array[],
      }));
      for (let t = 0; t < 120; t++) {
        const codes = Array.from({ length: workers }, (_, w) =>
          t === 0 ? 0 : t === 1 ? 2 ** b - 1 : t === 2 ? (w % 2 ? 2 ** b - 1 : 0) : rng.int(2 ** b),
        );
        evaluateCascade(plan, codes, b, (fn, inputs) => {
          const d = new Int32Array(fn.workers * fn.inDigits);
          inputs.forEach((v, w) => {
            for (let k = 0; k < fn.inDigits; k++) d[w * fn.inDigits + k] = Math.floor(v / L ** k) % L;
          });
          levels.find((l) => l.u === fn)!.cases.push(d);
          return unitOutput(
            fn,
            Array.from({ length: fn.inDigits }, (_, k) => inputs.reduce((a, v) => a + (Math.floor(v / L ** k) % L), 0)),
          );
        });
      }
      out.push(...levels);
    }
  }
  return out;
}

const ROUNDINGS: Rounding[] = ["floor", "nearest-even", "nearest-away"];
