// The divide of a unit whose divisor is wide (L·D above the cell width) in narrow cells: the
// divisor is factored into a power of L (wiring: the digits shift) and small factors, each a long
// division in a base β that keeps every cell's v ≤ the width, and the rounding's tie logic reads a
// few flags instead of deciding at (L−1)·D. Why narrow: a decision at θ moves by ε·θ for a relative
// error ε between a cell's bias and signal paths (docs/design/structures.md §3).
import type { UnitFunction } from "./unit.ts";
import { addCell, addChain, borrowChain, digitMax, finishChip, type Builder, type Term } from "./digit-chains.ts";
import type { DigitChip, DigitRef } from "./digit-chip.ts";
import { digitsFor } from "./wire-codec.ts";
import { remainderBase, wideDivideChain } from "./digit-wide.ts";

/**
 * Widest v a divide cell may reach before the divisor is factored (planDigitChip): a decision at θ
 * moves by ε·θ for a relative error ε between a cell's bias and signal paths, so narrow cells are
 * what let a chip stand a real technology (docs/design/structures.md).
 */
export const DEFAULT_DIVIDE_WIDTH = 16;

export interface DigitChipOptions {
  /** Widest v of a divide cell (default DEFAULT_DIVIDE_WIDTH). */
  divideWidth?: number;
  /** Base of a wide factor's remainder digits (digit-wide.ts remainderBase; default 2). */
  remainderBase?: number;
}

export interface DivisionPlan {
  e: number;
  factors: number[];
  base: number;
  /** Widest v of a divide cell. */
  width: number;
  /** Base of the remainder digits of a wide factor (base · f > width). */
  digitBase: number;
}

/** Whether factor f of a plan is divided with a multi-digit remainder (digit-wide.ts). */
export function isWide(plan: DivisionPlan, f: number): boolean {
  return plan.base * f > plan.width;
}

/** Prime factors of n, smallest first. */
function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; p * p <= n; p++) while (n % p === 0) out.push(p), (n /= p);
  if (n > 1) out.push(n);
  return out;
}

/**
 * How a unit divides by D in narrow cells: D = L^e · Π f_i. Dividing by L^e is wiring (the digits
 * shift); each factor f_i is a long division in base β (a power of 2 dividing L) with cells
 * v = β·r + s ≤ β·f_i − 1 ≤ width. Factors are merged while they stay within the width. A prime
 * too wide even at β = 2 is divided with its remainder as base-`digitBase` digits (digit-wide.ts).
 */
export function divisionPlan(D: number, L: number, width: number, remainder?: number): DivisionPlan {
  let e = 0;
  let m = D;
  while (m % L === 0) {
    m /= L;
    e++;
  }
  const primes = primeFactors(m);
  const big = Math.max(1, ...primes);
  // β = 2^k with k | log2 L, so a base-L digit is a whole number of base-β digits.
  const bits = Math.round(Math.log2(L));
  let base = L;
  for (let k = bits; k >= 1; k--)
    if (bits % k === 0 && (2 ** k * big <= width || k === 1)) {
      base = 2 ** k;
      if (2 ** k * big <= width) break;
    }
  const factors: number[] = [];
  for (const p of primes.reverse()) {
    const i = factors.findIndex((f) => base * f * p <= width);
    if (i >= 0) factors[i]! *= p;
    else factors.push(p);
  }
  return { e, factors, base, width, digitBase: remainderBase(L, width, remainder) };
}

export /**
 * The divide of a wide divisor in narrow cells (divisionPlan). x = T + C (add chain), then
 * Q' = ⌊x / D⌋ = ⌊…⌊⌊x / L^e⌋ / f_1⌋ … / f_n⌋: the high digits of x (from position e) in base β,
 * long-divided by each factor in turn (cells v = β·r + s). A tie (x ≡ 0 mod D) is "the low e digits
 * are zero and every chain's remainder is zero": one flag cell v = Σ_{j<e} t_j + Σ flags, with a
 * single decision at ½, never a threshold at (L−1)·D. Nearest-even takes a tie back in place on
 * the lowest quotient digit (Q' − B odd: no borrow); nearest-away starts the borrow chain.
 */
function narrowDivide(b: Builder, u: UnitFunction, X: number, C: number, A: number, B: number, plan: DivisionPlan): DigitChip {
  const { L } = b;
  const { e, factors, base: beta } = plan;
  const g = Math.round(Math.log(L) / Math.log(beta));
  const rounding = u.rounding;
  const ties = rounding !== "floor" && u.divisor % 2 === 0;
  const odd = (x: number): boolean => x % 2 !== 0;
  const evenInPlace = ties && rounding === "nearest-even" && !odd(B);
  const last = factors.length - 1;
  // With no factor, Q' = the high digits: its parity (with B) comes from add cell e.
  const extraAt = (k: number): { name: string; fn: (d: number) => number }[] => [
    ...(k >= e && beta < L && factors.length > 0
      ? Array.from({ length: g }, (_, j) => ({ name: `t${k}_${j}`, fn: (d: number) => Math.floor(d / beta ** j) % beta }))
      : []),
    ...(k === e && ties && factors.length === 0 && rounding === "nearest-even"
      ? [{ name: `even${k}`, fn: (d: number) => (odd(d + B) ? 0 : 1) }]
      : []),
  ];
  const { digits: t, extras } = addChain(b, u.inDigits, X, C, "add", true, extraAt);
  // High digits of x in base β, most significant first.
  let seq: DigitRef[] = [];
  for (let k = X - 1; k >= e; k--) {
    if (beta === L || factors.length === 0) seq.push(t[k]!);
    else for (let j = g - 1; j >= 0; j--) seq.push(extras[k]![j]!);
  }
  const flags: DigitRef[] = []; // each 1 unless its part of the tie holds
  const flagTerms: Term[] = []; // each 0 when its part of the tie holds
  let flagBias = 0;
  let inPlace = false;
  factors.forEach((f, ci) => {
    if (isWide(plan, f)) {
      const { q, nz } = wideDivideChain(b, seq, f, plan.digitBase, ci, plan.width, ties);
      seq = q;
      flags.push(...nz);
      if (ties && ci === last && rounding === "nearest-even") {
        // Q' − B odd: the parity of the last quotient bit (1 − q_0 with B even, q_0 with B odd).
        flagTerms.push({ digits: [q[q.length - 1]!], weight: odd(B) ? 1 : -1, max: 1 });
        if (!odd(B)) flagBias += 1;
      }
      return;
    }
    const rDigits = digitsFor(f - 1, L);
    let r: DigitRef[] = [];
    let rMax = 0;
    const q: DigitRef[] = [];
    seq.forEach((s, i) => {
      const final = i === seq.length - 1;
      const outputs: { name: string; fn: (v: number) => number }[] = [];
      if (final && ci === last && evenInPlace && e === 0 && factors.length === 1) {
        // Q' parity = parity of this digit (β even): take a tie with Q' − B odd back here.
        outputs.push({
          name: `q${ci}_${seq.length - 1 - i}`,
          fn: (v) => Math.floor(v / f) - (v % f === 0 && odd(Math.floor(v / f) + B) ? 1 : 0),
        });
        inPlace = true;
      } else outputs.push({ name: `q${ci}_${seq.length - 1 - i}`, fn: (v) => Math.floor(v / f) });
      if (!final)
        for (let j = 0; j < rDigits; j++)
          outputs.push({ name: `r${ci}_${seq.length - 1 - i}_${j}`, fn: (v) => Math.floor((v % f) / L ** j) % L });
      else if (ties && !inPlace) {
        const evenFlag = ci === last && rounding === "nearest-even";
        outputs.push({ name: `z${ci}`, fn: (v) => (v % f === 0 && (!evenFlag || odd(Math.floor(v / f) + B)) ? 0 : 1) });
      }
      const refs = addCell(b, {
        name: `divide${ci}_${seq.length - 1 - i}`,
        role: "divide",
        position: seq.length - 1 - i,
        workerPosition: null,
        terms: [
          { digits: r, weight: beta, max: rMax },
          { digits: [s], weight: 1, max: digitMax(b, s) },
        ],
        bias: 0,
        outputs,
      });
      q.push(refs[0]!);
      if (!final) r = refs.slice(1);
      else if (outputs.length > 1) flags.push(refs[1]!);
      rMax = Math.min(f - 1, beta * rMax + digitMax(b, s));
    });
    seq = q;
  });
  if (factors.length === 0 && ties && rounding === "nearest-even") flags.push(extras[e]![extras[e]!.length - 1]!);
  // A tie flag over more than the width (the low digits of a wide L^e and many nonzero bits): the
  // chains' flags become one bit first, [remainder of ⌊x / L^e⌋ nonzero, or no parity to take back].
  const flagMax =
    t.slice(0, e).reduce((a, d) => a + digitMax(b, d), 0) + flags.length + flagBias + (rounding === "nearest-away" && A > 0 ? 1 : 0);
  if (ties && flagMax > plan.width && flags.length + flagTerms.length > 1) {
    const [rest] = addCell(b, {
      name: "tieflag",
      role: "decrement",
      position: 0,
      workerPosition: null,
      terms: [...flags.map((d) => ({ digits: [d], weight: 1, max: 1 })), ...flagTerms],
      bias: flagBias,
      outputs: [{ name: "rest", fn: (v) => (v > 0 ? 1 : 0) }],
    }) as [DigitRef];
    flags.splice(0, flags.length, rest);
    flagTerms.splice(0);
    flagBias = 0;
  }
  // The quotient's base-L digits, least significant first (merge cells join g sub-digits).
  const lsb = [...seq].reverse();
  const lowTerms = (): Term[] => [
    ...t.slice(0, e).map((d) => ({ digits: [d], weight: 1, max: digitMax(b, d) })),
    ...flags.map((d) => ({ digits: [d], weight: 1, max: 1 })),
    ...flagTerms,
  ];
  // nearest-even in place: keep = [no tie to take back]; the lowest digit becomes q_0 + keep − 1.
  let keep: DigitRef | null = null;
  if (evenInPlace && !inPlace) {
    [keep] = addCell(b, {
      name: "flag",
      role: "decrement",
      position: 0,
      workerPosition: null,
      terms: lowTerms(),
      bias: flagBias,
      outputs: [{ name: "keep", fn: (v) => (v > 0 ? 1 : 0) }],
    }) as [DigitRef];
  }
  const per = factors.length > 0 && beta < L ? g : 1;
  const digitsOut: DigitRef[] = [];
  for (let k = 0; k * per < lsb.length; k++) {
    const parts = lsb.slice(k * per, (k + 1) * per);
    const takeBack = k === 0 && keep !== null;
    if (parts.length === 1 && !takeBack) {
      digitsOut.push(parts[0]!);
      continue;
    }
    const [d] = addCell(b, {
      name: `merge${k}`,
      role: "divide",
      position: k,
      workerPosition: null,
      terms: [
        ...parts.map((p, j) => ({ digits: [p], weight: beta ** j, max: digitMax(b, p) })),
        ...(takeBack ? [{ digits: [keep!], weight: 1, max: 1 }] : []),
      ],
      bias: 0,
      outputs: [{ name: `q${k}`, fn: (v: number) => (takeBack ? Math.max(0, v - 1) : v) % L }],
    }) as [DigitRef];
    digitsOut.push(d);
  }
  if (!ties || evenInPlace) return finishChip(b, u, digitsOut);
  // Borrow chain (nearest-away below zero, nearest-even with B odd): dec = [tie (and T < A)].
  const terms = lowTerms();
  if (rounding === "nearest-away") {
    if (A === 0) return finishChip(b, u, digitsOut);
    const { carryOut } = addChain(b, u.inDigits, X, L ** X - A, "compare", false);
    if (carryOut.length !== 1) throw new Error("internal: the compare chain must end in one carry digit");
    terms.push({ digits: [carryOut[0]!], weight: 1, max: 1 });
  }
  const [flag] = addCell(b, {
    name: "flag",
    role: "decrement",
    position: 0,
    workerPosition: null,
    terms,
    bias: flagBias,
    outputs: [{ name: "dec", fn: (v) => (v === 0 ? 1 : 0) }],
  }) as [DigitRef];
  return finishChip(b, u, borrowChain(b, digitsOut, flag, X));
}
