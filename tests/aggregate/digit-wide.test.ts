// Divisors with a prime too wide for one divide cell (2·p above the width: N = 11, 13, 17, …, 251 and
// composites like 34, 51, 202): the long division with a multi-digit remainder (aggregate/digit-wide.ts)
// must equal goldenAverage for every rounding rule, over the whole digit-sum space where it is small
// and stratified totals (ties, edges, every residue class) otherwise, with every divide cell within
// the width. A planted fault (a wrong compare constant, a tie flag stuck at 1) must fail the sweep.
import { describe, expect, it } from "vitest";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { DEFAULT_DIVIDE_WIDTH, divisionPlan, isWide, type DigitChipOptions } from "../../aggregate/digit-divide.ts";
import { runDigitChip, type DigitChip } from "../../aggregate/digit-chip.ts";
import { evaluateCascade, planCascade } from "../../aggregate/cascade.ts";
import { goldenAverage } from "../../aggregate/golden.ts";
import { fromDigits, toDigits } from "../../aggregate/wire-codec.ts";
import { flatUnit, unitOutput, type UnitFunction } from "../../aggregate/unit.ts";
import { createRng } from "../../math/rng.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { planProblems, runProblems } from "./digit-chip-checks.ts";
import { tier } from "../helpers/tier.ts";

const ROUNDINGS: Rounding[] = ["floor", "nearest-even", "nearest-away"];
// npm test: a small and a large prime and a composite with a wide prime factor (34 = 2 · 17)
const WIDE_N = tier([13, 37, 34], [11, 13, 17, 19, 23, 29, 31, 37, 97, 251, 34, 51, 202]);
/** Largest digit-sum space swept whole; above it, stratified totals. */
const EXHAUSTIVE = 13_000;

/** Worker codes whose per-position digit sums are `sums` (units dealt to workers in turn). */
function dealSums(sums: number[], N: number, L: number, K: number, rotate: number): number[] {
  const d = new Int32Array(N * K);
  sums.forEach((s, k) => {
    for (let u = 0; u < s; u++)
      for (let j = 0; j < N; j++) {
        const w = (u + j + rotate) % N;
        if (d[w * K + k]! < L - 1) {
          d[w * K + k]!++;
          break;
        }
      }
  });
  return Array.from({ length: N }, (_, w) => fromDigits(d, L, w * K, K));
}

/** Worker codes (b bits) summing to `total`: as even as possible, spread by a seeded shuffle. */
function codesWithTotal(total: number, N: number, b: number, rng: ReturnType<typeof createRng>): number[] {
  const top = 2 ** b - 1;
  const codes = Array.from({ length: N }, (_, w) => Math.floor(total / N) + (w < total % N ? 1 : 0));
  for (let t = 0; t < N; t++) {
    const i = rng.int(N);
    const j = rng.int(N);
    const move = Math.min(rng.int(top + 1), codes[i]!, top - codes[j]!);
    if (i !== j) (codes[i]! -= move), (codes[j]! += move);
  }
  return codes;
}

/** The cases a chip is checked on: every digit-sum vector, or stratified totals with ties and edges. */
function casesFor(N: number, b: number, L: number, seed: number): number[][] {
  const K = Math.round(b / Math.log2(L));
  const radix = (L - 1) * N + 1;
  if (radix ** K <= EXHAUSTIVE)
    return Array.from({ length: radix ** K }, (_, c) =>
      dealSums(
        Array.from({ length: K }, (_, k) => Math.floor(c / radix ** k) % radix),
        N,
        L,
        K,
        c,
      ),
    );
  const rng = createRng(seed);
  const tMax = N * (2 ** b - 1);
  const half = 2 ** (b - 1);
  const totals: number[] = [0, 1, tMax - 1, tMax];
  // Strata over the whole range; in each, a random total, an exact multiple of N, and a tie
  // (T − N·half ≡ N/2 mod N, for even N) with its neighbours; more around the signed zero N·half.
  for (let s = 0; s < 96; s++) {
    const lo = Math.floor((s * tMax) / 96);
    const m = N * Math.floor(lo / N) + (N % 2 === 0 ? N / 2 : 0);
    totals.push(lo + rng.int(Math.max(1, Math.floor(tMax / 96))), m - 1, m, m + 1, N * Math.floor(lo / N));
  }
  for (let k = -3; k <= 3; k++) totals.push(N * half + k, N * half + k * N + Math.floor(N / 2));
  return totals.filter((t) => t >= 0 && t <= tMax).map((t) => codesWithTotal(t, N, b, rng));
}

function digitsOfCodes(codes: number[], b: number, L: number, K: number): Int32Array {
  const d = new Int32Array(codes.length * K);
  codes.forEach((c, w) => toDigits(c, { precision: b, levels: L }, d, w * K));
  return d;
}

/** Disagreements of a flat chip with goldenAverage on the cases. */
function sweep(chip: DigitChip, cases: number[][], b: number, L: number, rounding: Rounding, what: string): string[] {
  const bad: string[] = [];
  for (const codes of cases) {
    const got = fromDigits(runDigitChip(chip, digitsOfCodes(codes, b, L, chip.inDigits)), L);
    const want = goldenAverage(codes, { precision: b, rounding });
    if (got !== want) bad.push(`${what} [${codes.length > 8 ? `Σ ${codes.reduce((a, c) => a + c, 0)}` : codes}]: ${got}, golden ${want}`);
    if (bad.length > 3) break;
  }
  return bad;
}

/** Every divide cell (and the tie flag) of a chip within the width. */
function wideCells(chip: DigitChip, width: number, L: number): string[] {
  return chip.cells
    .filter((c) => c.role === "divide" || c.name === "flag")
    .filter((c) => c.vmax > Math.max(width, /^merge/.test(c.name) ? L : 0))
    .map((c) => `${c.name}: v ≤ ${c.vmax}`);
}

/**
 * Precisions: one that sweeps small spaces whole, and a full 8-bit one (6 at PAM-8); only the full one
 * above 64 workers (planning their add chain alone takes seconds).
 */
const precisionsOf = (L: number, N: number): number[] => (L === 8 ? [3, 6] : [4, 8]).slice(N > 64 ? 1 : 0);

describe("wide divisors in narrow cells", () => {
  for (const L of [2, 4, 8, 16])
    it(`L = ${L}: N ∈ {${WIDE_N}} × every rounding rule equal goldenAverage, every divide cell v ≤ ${DEFAULT_DIVIDE_WIDTH}`, () => {
      const bad: string[] = [];
      for (const N of WIDE_N)
        for (const b of precisionsOf(L, N)) {
          const cases = casesFor(N, b, L, N * 100 + b);
          for (const rounding of ROUNDINGS) {
            const chip = planDigitChip(flatUnit(N, b, L, rounding));
            const what = `${N} × ${b} bits PAM-${L} ${rounding}`;
            bad.push(...sweep(chip, cases, b, L, rounding, what), ...wideCells(chip, DEFAULT_DIVIDE_WIDTH, L).map((x) => `${what}: ${x}`));
          }
        }
      expect(bad).toEqual([]);
    });

  it("every plan has a wide factor for these N at some L, and a wide factor's compare/subtract cells are v ≤ 3", () => {
    for (const N of WIDE_N)
      expect(divisionPlan(N, 4, DEFAULT_DIVIDE_WIDTH).factors.some((f) => isWide(divisionPlan(N, 4, 16), f))).toBe(true);
    const chip = planDigitChip(flatUnit(97, 8, 4, "nearest-even"));
    const chain = chip.cells.filter((c) => /^(cmp|sub)/.test(c.name));
    expect(chain.length).toBeGreaterThan(20);
    expect(Math.max(...chain.map((c) => c.vmax))).toBeLessThanOrEqual(3);
  });

  it("every cell says what it computes (ports, groups, bounds, tables, each digit its name), remainder base 2 and 4", () => {
    const rng = createRng(23);
    for (const opts of [{}, { remainderBase: 4 }] as DigitChipOptions[])
      for (const [N, L, b] of [
        [11, 2, 6],
        [17, 4, 8],
        [34, 4, 6],
        [37, 8, 6],
        [19, 16, 8],
        [51, 2, 6],
        [176, 16, 8],
      ] as const) {
        if ((opts.remainderBase ?? 2) > L) continue;
        for (const rounding of ROUNDINGS) {
          const u = flatUnit(N, b, L, rounding);
          const chip = planDigitChip(u, opts);
          const cases = casesFor(N, b, L, rng.int(1000))
            .filter((_, i) => i % 7 === 0)
            .map((codes) => digitsOfCodes(codes, b, L, u.inDigits));
          const name = `${N} × ${b} bits PAM-${L} ${rounding} ${JSON.stringify(opts)}`;
          expect([...planProblems(u, chip), ...runProblems(u, chip, cases, opts)], name).toEqual([]);
          const chain = chip.cells.filter((c) => /^(cmp|sub)/.test(c.name));
          // The tie flag too (176 = 16 · 11 at PAM-16: the nonzero bits first become one bit).
          if (rounding === "nearest-even") expect(wideCells(chip, DEFAULT_DIVIDE_WIDTH, L), name).toEqual([]);
          if (opts.remainderBase === 4) expect(Math.max(0, ...chain.map((c) => c.vmax)), name).toBeLessThanOrEqual(11);
        }
      }
  });

  it("cascades whose top unit divides by a wide prime chain to the flat golden", () => {
    const rng = createRng(31);
    const bad: string[] = [];
    for (const [workers, radix, L, b] of [
      [17, 4, 4, 8],
      [37, 8, 4, 8],
      [251, 8, 4, 8],
      [13, 4, 8, 6],
    ] as const)
      for (const rounding of ROUNDINGS) {
        const plan = planCascade(workers, radix, b, L, rounding);
        const chips = new Map(plan.levels.map((l) => [l.fn, planDigitChip(l.fn)]));
        const top = plan.levels[plan.levels.length - 1]!.fn;
        bad.push(...wideCells(chips.get(top)!, DEFAULT_DIVIDE_WIDTH, L).map((x) => `${workers}/${radix}: ${x}`));
        const viaChip = (fn: UnitFunction, inputs: number[]): number => {
          const d = new Int32Array(fn.workers * fn.inDigits);
          inputs.forEach((v, w) => toDigits(v, { precision: fn.inDigits * Math.log2(L), levels: L }, d, w * fn.inDigits));
          const out = fromDigits(runDigitChip(chips.get(fn)!, d), L);
          const sums = Array.from({ length: fn.inDigits }, (_, k) => inputs.reduce((a, v) => a + (Math.floor(v / L ** k) % L), 0));
          if (out !== unitOutput(fn, sums)) bad.push(`${workers}/${radix} ${rounding}: unit [${inputs}] ${out}`);
          return out;
        };
        const cases = casesFor(workers, b, L, workers).filter((_, i) => i % 3 === 0);
        for (const codes of [...cases, ...Array.from({ length: 60 }, () => Array.from({ length: workers }, () => rng.int(2 ** b)))]) {
          const got = evaluateCascade(plan, codes, b, viaChip);
          const want = goldenAverage(codes, { precision: b, rounding });
          if (got !== want) bad.push(`${workers}/${radix} PAM-${L} ${rounding}: ${got}, golden ${want}`);
        }
      }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it("the sweep can fail: a wrong compare constant and a tie flag stuck at 1 are caught", () => {
    const [N, b, L] = [34, 8, 4];
    const cases = casesFor(N, b, L, 5);
    const chip = planDigitChip(flatUnit(N, b, L, "nearest-even"));
    expect(sweep(chip, cases, b, L, "nearest-even", "clean")).toEqual([]);
    // A wrong constant digit: the top compare cell of a quotient bit with its digit of P − f (1) at 0.
    const wrongConstant = structuredClone(chip);
    const cmp = wrongConstant.cells.find((c) => /^cmp0_/.test(c.name) && c.outputs.some((o) => /^q0_/.test(o.name)))!;
    expect(cmp.bias).toBe(1);
    cmp.bias = 0;
    expect(sweep(wrongConstant, cases, b, L, "nearest-even", "fault").length).toBeGreaterThan(0);
    // A nonzero bit of the last remainder stuck at 1: ties are never taken back.
    const stuck = structuredClone(chip);
    const nz = stuck.cells.flatMap((c) => c.outputs).find((o) => /^nz0_/.test(o.name))!;
    nz.table.fill(1);
    expect(sweep(stuck, cases, b, L, "nearest-even", "fault").length).toBeGreaterThan(0);
    const u = flatUnit(N, b, L, "nearest-even");
    const d = cases.map((codes) => digitsOfCodes(codes, b, L, u.inDigits));
    expect(runProblems(u, stuck, d).join("\n")).toMatch(/nz0_\d+: 1, its name says 0/);
  });
});
