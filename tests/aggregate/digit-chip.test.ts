// The closed-form route's integer plan: a chip of small digit cells must compute the golden average
// exactly. Checked against goldenAverage on worker codes (the spec's own definition), over every
// digit-sum vector of the reduced space, for N ∈ {2,3,4,5,6,8} × L ∈ {2,4,16} × every rounding rule.
import { describe, expect, it } from "vitest";
import { cellDepths, planDigitChip, runDigitChip, type DigitChip } from "../../aggregate/digit-chip.ts";
import { evaluateCascade, planCascade } from "../../aggregate/cascade.ts";
import { digitCount, fromDigits, goldenAverage, toDigits } from "../../aggregate/golden.ts";
import { flatUnit, unitOutput } from "../../aggregate/unit.ts";
import { createRng } from "../../math/rng.ts";
import type { Rounding } from "../../dsl/spec.ts";

const ROUNDINGS: Rounding[] = ["floor", "nearest-even", "nearest-away"];

/** Worker digits whose per-position sums are `sums`: the units of each sum dealt to workers in turn. */
function deal(sums: number[], N: number, L: number, K: number, rotate: number): Int32Array {
  const d = new Int32Array(N * K);
  sums.forEach((s, k) => {
    for (let u = 0; u < s; u++) {
      for (let j = 0; j < N; j++) {
        const w = (u + j + rotate) % N;
        if (d[w * K + k]! < L - 1) {
          d[w * K + k]!++;
          break;
        }
      }
    }
  });
  return d;
}

function codesOf(d: Int32Array, N: number, K: number, L: number): number[] {
  return Array.from({ length: N }, (_, w) => fromDigits(d, L, w * K, K));
}

/** Precisions (multiples of log2 L) whose reduced space stays small enough to sweep. */
function precisions(N: number, L: number): number[] {
  const bits = Math.log2(L);
  const out: number[] = [];
  for (let K = 1; K <= 4; K++) if (((L - 1) * N + 1) ** K <= 60_000) out.push(K * bits);
  return out;
}

describe("digit chip", () => {
  for (const N of [2, 3, 4, 5, 6, 8]) {
    for (const L of [2, 4, 16]) {
      it(`N = ${N}, L = ${L}: every rounding rule, every digit-sum vector, equals goldenAverage`, () => {
        for (const b of precisions(N, L)) {
          for (const rounding of ROUNDINGS) {
            const u = flatUnit(N, b, L, rounding);
            const chip = planDigitChip(u);
            const K = u.inDigits;
            const radix = (L - 1) * N + 1;
            const total = radix ** K;
            for (let c = 0; c < total; c++) {
              const sums = Array.from({ length: K }, (_, k) => Math.floor(c / radix ** k) % radix);
              const d = deal(sums, N, L, K, c);
              const got = fromDigits(runDigitChip(chip, d), L);
              const want = goldenAverage(codesOf(d, N, K, L), { precision: b, rounding });
              if (got !== want) throw new Error(`N=${N} L=${L} b=${b} ${rounding}: sums ${sums} → ${got}, golden ${want}`);
            }
          }
        }
      });
    }
  }

  it("paper-4x8: five cells of v ≤ 15 (four adders and the rounding cell), depth 4", () => {
    const chip = planDigitChip(flatUnit(4, 8, 4, "nearest-even"));
    expect(chip.cells.map((c) => `${c.name}:${c.vmax}`)).toEqual(["add0:14", "add1:15", "add2:15", "add3:15", "divide0:15"]);
    expect(Math.max(...cellDepths(chip))).toBe(4);
  });

  it("raw random worker codes at full precision (8 and 16 bits) agree with goldenAverage", () => {
    const rng = createRng(5);
    for (const [N, L, b] of [[4, 4, 16], [8, 16, 16], [5, 4, 8], [6, 2, 8], [3, 16, 8]] as const) {
      for (const rounding of ROUNDINGS) {
        const u = flatUnit(N, b, L, rounding);
        const chip = planDigitChip(u);
        const K = u.inDigits;
        for (let t = 0; t < 3000; t++) {
          const codes = Array.from({ length: N }, () => (t < 4 ? [0, 2 ** b - 1, 2 ** (b - 1), 2 ** (b - 1) - 1][t]! : rng.int(2 ** b)));
          const d = new Int32Array(N * K);
          codes.forEach((code, w) => toDigits(code, { precision: b, levels: L }, d, w * K));
          expect(fromDigits(runDigitChip(chip, d), L)).toBe(goldenAverage(codes, { precision: b, rounding }));
        }
      }
    }
  });

  it("cascade levels (partial sums, divisor 1, and the rounding top unit) chain to the flat golden", () => {
    const rng = createRng(9);
    for (const [workers, radix] of [[16, 4], [8, 4], [10, 3]] as const) {
      for (const rounding of ROUNDINGS) {
        const plan = planCascade(workers, radix, 8, 4, rounding);
        const chips = new Map(plan.levels.map((l) => [l.fn, planDigitChip(l.fn)]));
        const viaChips = (fn: (typeof plan.levels)[number]["fn"], inputs: number[]): number => {
          const chip = chips.get(fn) as DigitChip;
          const d = new Int32Array(fn.workers * fn.inDigits);
          inputs.forEach((v, w) => toDigits(v, { precision: fn.inDigits * 2, levels: 4 }, d, w * fn.inDigits));
          const out = fromDigits(runDigitChip(chip, d), 4);
          expect(out).toBe(unitOutput(fn, sumsOf(d, fn.workers, fn.inDigits)));
          return out;
        };
        for (let t = 0; t < 400; t++) {
          const codes = Array.from({ length: workers }, () => rng.int(256));
          expect(evaluateCascade(plan, codes, 8, viaChips)).toBe(goldenAverage(codes, { precision: 8, rounding }));
        }
      }
    }
  });

  it("every cell reads at most one worker position and keeps v small (≤ N·L + L)", () => {
    for (const [N, L] of [[4, 4], [8, 16], [3, 2], [6, 4]] as const) {
      for (const rounding of ROUNDINGS) {
        const chip = planDigitChip(flatUnit(N, digitCount({ precision: 8, levels: L }) * Math.log2(L), L, rounding));
        for (const c of chip.cells) {
          expect(new Set(c.ports.filter((p) => p.source.kind === "worker").map((p) => (p.source as { position: number }).position)).size).toBeLessThanOrEqual(1);
          expect(c.vmax).toBeLessThanOrEqual(N * L + L);
        }
      }
    }
  });
});

function sumsOf(d: Int32Array, N: number, K: number): number[] {
  return Array.from({ length: K }, (_, k) => {
    let s = 0;
    for (let w = 0; w < N; w++) s += d[w * K + k]!;
    return s;
  });
}
