// Long division by a factor f too wide for one cell (β·f above the width, digit-divide.ts): the
// remainder r ∈ [0, f) is carried as K base-ρ digits (ρ a power of 2, ρ ≤ L), and each quotient
// bit (base β = 2) is a step on v = 2r + s:
//   compare   LSB first: the carry out of (2r + s) + (P − f), P = ρ^J, is q = [v ≥ f]
//   subtract  LSB first: r' = (2r + s + q·(P − f)) mod P, digit by digit with a carry
// Every cell adds a few digits and a constant: v ≤ 3ρ − 1 (ρ > 2: the digits of 2r are 2·r_j), or
// v ≤ 3 (ρ = 2: the digits of 2r + s are s, r_0, r_1, …, wiring). While 2r + s stays within the
// width (the first steps, r still small), a step is one cell v = 2r + s as in the narrow chain.
// The last step can give, instead of r's digits, one bit per digit that is 1 unless the digit is 0:
// "the remainder is 0" is then an AND over those bits (a flag cell with a single decision at ½).
import { addCell, digitMax, type Builder, type Term } from "./digit-chains.ts";
import type { DigitRef } from "./digit-chip.ts";
import { digitsFor } from "./wire-codec.ts";

/** Largest v of a compare or subtract cell for remainder digits in base ρ. */
export function wideCellMax(rho: number): number {
  return rho === 2 ? 3 : 3 * rho - 1;
}

/**
 * The remainder base of a wide chain: 2 unless asked (binary digits make 2r + s wiring and every
 * compare/subtract cell v ≤ 3: measured, 37 % fewer divide MZIs than ρ = 4 at 17 × 8-bit PAM-4, for
 * 47 % more cells and 14 more cells of depth). A wider ρ must divide L and keep 3ρ − 1 within the width.
 */
export function remainderBase(L: number, width: number, asked?: number): number {
  const rho = asked ?? 2;
  if (!(Number.isInteger(Math.log2(rho)) && rho >= 2 && rho <= L && wideCellMax(rho) <= Math.max(width, 3)))
    throw new Error(`remainder base ${rho}: must be a power of 2 from 2 to L = ${L} with 3ρ − 1 ≤ ${width}`);
  return rho;
}

/** The compare/subtract layout of a wide factor: K remainder digits, J chain positions, P = ρ^J. */
export function wideLayout(f: number, rho: number): { K: number; J: number; P: number } {
  const K = digitsFor(f - 1, rho);
  const J = rho === 2 ? K + 1 : K;
  return { K, J, P: rho ** J };
}

const digitOf = (x: number, j: number, base: number): number => Math.floor(x / base ** j) % base;

/**
 * Divides the base-2 digits `seq` (most significant first) by f. Returns the quotient bits (most
 * significant first) and, with `zeroFlags`, bits that are all 0 exactly when the remainder is 0.
 */
export function wideDivideChain(
  b: Builder,
  seq: DigitRef[],
  f: number,
  rho: number,
  ci: number,
  width: number,
  zeroFlags: boolean,
): { q: DigitRef[]; nz: DigitRef[] } {
  const { L } = b;
  const { K, J, P } = wideLayout(f, rho);
  const kd = Array.from({ length: J }, (_, j) => digitOf(P - f, j, rho));
  const carryOutputs = (name: string, vmax: number): { name: string; fn: (v: number) => number }[] =>
    Array.from({ length: digitsFor(Math.floor(vmax / rho), L) }, (_, d) => ({
      name: `${name}_${d}`,
      fn: (v: number) => digitOf(Math.floor(v / rho), d, L),
    }));
  let r: DigitRef[] = [];
  let rMax = 0;
  const q: DigitRef[] = [];
  let nz: DigitRef[] = [];
  seq.forEach((s, i) => {
    const p = seq.length - 1 - i;
    const final = i === seq.length - 1;
    const sMax = digitMax(b, s);
    const rd = (j: number): DigitRef => r[j] ?? { constant: 0 };
    const dMax = (j: number): number => Math.min(rho - 1, Math.floor(rMax / rho ** j));
    const vMax = 2 * rMax + sMax;
    const nextMax = Math.min(f - 1, vMax);
    const sTerm: Term = { digits: [s], weight: 1, max: sMax };
    const remOut = (j: number, fn: (v: number) => number): { name: string; fn: (v: number) => number } =>
      final ? { name: `nz${ci}_${j}`, fn: (v) => (fn(v) === 0 ? 0 : 1) } : { name: `w${ci}_${p}_${j}`, fn };
    const keepRem = !final || zeroFlags;
    let cellMax = sMax;
    for (let j = 0; j < K; j++) cellMax += 2 * rho ** j * dMax(j);
    if (cellMax <= width) {
      // One cell: v = 2r + s, q = [v ≥ f], r' = v − q·f.
      const rDigits = keepRem ? (final ? 1 : digitsFor(nextMax, rho)) : 0;
      const refs = addCell(b, {
        name: `divide${ci}_${p}`,
        role: "divide",
        position: p,
        workerPosition: null,
        terms: [...Array.from({ length: K }, (_, j) => ({ digits: [rd(j)], weight: 2 * rho ** j, max: dMax(j) })), sTerm],
        bias: 0,
        outputs: [
          { name: `q${ci}_${p}`, fn: (v) => (v >= f ? 1 : 0) },
          ...Array.from({ length: rDigits }, (_, j) =>
            final ? { name: `nz${ci}`, fn: (v: number) => (v % f === 0 ? 0 : 1) } : remOut(j, (v) => digitOf(v % f, j, rho)),
          ),
        ],
      });
      q.push(refs[0]!);
      if (final) nz = refs.slice(1);
      else r = refs.slice(1);
      rMax = nextMax;
      return;
    }
    // The digits of 2r + s at chain position j, as terms.
    const uTerms = (j: number): Term[] =>
      rho === 2
        ? [j === 0 ? sTerm : { digits: [rd(j - 1)], weight: 1, max: dMax(j - 1) }]
        : [{ digits: [rd(j)], weight: 2, max: dMax(j) }, ...(j === 0 ? [sTerm] : [])];
    const uMax = (j: number): number => uTerms(j).reduce((a, t) => a + t.weight * t.max, 0);
    // compare: the carry out of (2r + s) + (P − f) is q.
    let qRef: DigitRef = { constant: 0 };
    if (vMax >= f) {
      let c: DigitRef[] = [];
      let cMax = 0;
      for (let j = 0; j < J; j++) {
        const top = j === J - 1;
        const vmax = uMax(j) + cMax + kd[j]!;
        const refs = addCell(b, {
          name: `cmp${ci}_${p}_${j}`,
          role: "divide",
          position: p,
          workerPosition: null,
          terms: [...uTerms(j), { digits: c, weight: 1, max: cMax }],
          bias: kd[j]!,
          outputs: top
            ? [{ name: `q${ci}_${p}`, fn: (v) => Math.min(1, Math.floor(v / rho)) }]
            : carryOutputs(`k${ci}_${p}_${j + 1}`, vmax),
        });
        if (top) qRef = refs[0]!;
        else c = refs;
        cMax = Math.floor(vmax / rho);
      }
    }
    q.push(qRef);
    if (!keepRem) return;
    // subtract: r' = (2r + s + q·(P − f)) mod P, digits 0 … K − 1 (r' < f ≤ ρ^K).
    const next: DigitRef[] = [];
    let c: DigitRef[] = [];
    let cMax = 0;
    for (let j = 0; j < K; j++) {
      const top = j === K - 1;
      const vmax = uMax(j) + cMax + (vMax >= f ? kd[j]! : 0);
      const refs = addCell(b, {
        name: `sub${ci}_${p}_${j}`,
        role: "divide",
        position: p,
        workerPosition: null,
        terms: [...uTerms(j), { digits: [qRef], weight: kd[j]!, max: 1 }, { digits: c, weight: 1, max: cMax }],
        bias: 0,
        outputs: [remOut(j, (v) => v % rho), ...(top ? [] : carryOutputs(`m${ci}_${p}_${j + 1}`, vmax))],
      });
      next.push(refs[0]!);
      c = refs.slice(1);
      cMax = Math.floor(vmax / rho);
    }
    if (final) nz = next;
    else r = next;
    rMax = nextMax;
  });
  return { q, nz };
}
