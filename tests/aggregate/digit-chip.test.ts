// The closed-form route's integer plan: a chip of small digit cells must compute the golden average
// exactly. Checked against goldenAverage on worker codes (the spec's own definition), over every
// digit-sum vector of the reduced space, for N ∈ {2,3,4,5,6,8} × L ∈ {2,4,16} × every rounding rule.
import { describe, expect, it } from "vitest";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { cellDepths, chipSupports, runDigitChip, type DigitChip } from "../../aggregate/digit-chip.ts";
import { divisionPlan } from "../../aggregate/digit-divide.ts";
import { evaluateCascade, planCascade } from "../../aggregate/cascade.ts";
import { goldenAverage } from "../../aggregate/golden.ts";
import { digitCount, fromDigits, toDigits } from "../../aggregate/wire-codec.ts";
import { flatUnit, unitOutput } from "../../aggregate/unit.ts";
import { createRng } from "../../math/rng.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { planProblems, runProblems, testUnits } from "./digit-chip-checks.ts";

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

  it("a wide divisor is divided in narrow cells: every divide cell within the width, equal to goldenAverage", () => {
    const rng = createRng(11);
    const bad: string[] = [];
    for (const width of [8, 32])
      for (const L of [2, 4, 8, 16])
        for (const N of [6, 13, 24, 64])
          for (const rounding of ROUNDINGS) {
            const b = Math.log2(L) * Math.max(1, Math.round(8 / Math.log2(L)));
            const chip = planDigitChip(flatUnit(N, b, L, rounding), { divideWidth: width });
            const { base, factors } = divisionPlan(N, L, width);
            for (const c of chip.cells)
              if (c.role === "divide" && c.vmax > Math.max(width, L))
                bad.push(`${N}×${b} PAM-${L} ${rounding} width ${width}: ${c.name} v ≤ ${c.vmax} (base ${base}, factors ${factors})`);
            const K = chip.inDigits;
            for (let t = 0; t < 60; t++) {
              const codes = Array.from({ length: N }, () =>
                t < 2 ? [0, 2 ** b - 1][t]! : t < 30 ? 2 ** (b - 1) + rng.int(3) - 1 : rng.int(2 ** b),
              );
              const d = new Int32Array(N * K);
              codes.forEach((code, w) => toDigits(code, { precision: b, levels: L }, d, w * K));
              const got = fromDigits(runDigitChip(chip, d), L);
              const want = goldenAverage(codes, { precision: b, rounding });
              if (got !== want) bad.push(`${N}×${b} PAM-${L} ${rounding} width ${width}: ${got}, golden ${want}`);
            }
          }
    expect(bad).toEqual([]);
  });

  it("paper-4x8: five cells of v ≤ 15 (four adders and the rounding cell), depth 4", () => {
    const chip = planDigitChip(flatUnit(4, 8, 4, "nearest-even"));
    expect(chip.cells.map((c) => `${c.name}:${c.vmax}`)).toEqual(["add0:14", "add1:15", "add2:15", "add3:15", "divide0:15"]);
    expect(Math.max(...cellDepths(chip))).toBe(4);
  });

  it("raw random worker codes at full precision (8 and 16 bits) agree with goldenAverage", () => {
    const rng = createRng(5);
    // Disagreements are collected and asserted once: one expect() per vector costs more than the chip.
    const bad: string[] = [];
    for (const [N, L, b] of [
      [4, 4, 16],
      [8, 16, 16],
      [5, 4, 8],
      [6, 2, 8],
      [3, 16, 8],
    ] as const) {
      for (const rounding of ROUNDINGS) {
        const u = flatUnit(N, b, L, rounding);
        const chip = planDigitChip(u);
        const K = u.inDigits;
        for (let t = 0; t < 3000; t++) {
          const codes = Array.from({ length: N }, () => (t < 4 ? [0, 2 ** b - 1, 2 ** (b - 1), 2 ** (b - 1) - 1][t]! : rng.int(2 ** b)));
          const d = new Int32Array(N * K);
          codes.forEach((code, w) => toDigits(code, { precision: b, levels: L }, d, w * K));
          const got = fromDigits(runDigitChip(chip, d), L);
          const want = goldenAverage(codes, { precision: b, rounding });
          if (!Object.is(got, want)) bad.push(`${N}×${b} PAM-${L} ${rounding} [${codes}]: ${got}, golden ${want}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("cascade levels (partial sums, divisor 1, and the rounding top unit) chain to the flat golden", () => {
    const rng = createRng(9);
    // Disagreements are collected and asserted once: one expect() per vector costs more than the chip.
    const bad: string[] = [];
    for (const [workers, radix] of [
      [16, 4],
      [8, 4],
      [10, 3],
    ] as const) {
      for (const rounding of ROUNDINGS) {
        const plan = planCascade(workers, radix, 8, 4, rounding);
        const chips = new Map(plan.levels.map((l) => [l.fn, planDigitChip(l.fn)]));
        const viaChips = (fn: (typeof plan.levels)[number]["fn"], inputs: number[]): number => {
          const chip = chips.get(fn) as DigitChip;
          const d = new Int32Array(fn.workers * fn.inDigits);
          inputs.forEach((v, w) => toDigits(v, { precision: fn.inDigits * 2, levels: 4 }, d, w * fn.inDigits));
          const out = fromDigits(runDigitChip(chip, d), 4);
          const unit = unitOutput(fn, sumsOf(d, fn.workers, fn.inDigits));
          if (!Object.is(out, unit))
            bad.push(`${workers} workers, radix ${radix}, ${rounding}: chip [${inputs}] gives ${out}, unit ${unit}`);
          return out;
        };
        for (let t = 0; t < 400; t++) {
          const codes = Array.from({ length: workers }, () => rng.int(256));
          const got = evaluateCascade(plan, codes, 8, viaChips);
          const want = goldenAverage(codes, { precision: 8, rounding });
          if (!Object.is(got, want)) bad.push(`${workers} workers, radix ${radix}, ${rounding} [${codes}]: ${got}, golden ${want}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("every cell says what it computes: ports, groups, bounds, tables, folding, pruning, and each digit its name stands for", () => {
    // digit-chip-checks.ts: the plan against an enumeration of each cell's declared port space, and
    // every regenerated digit against the whole-number chain (add, compare, divide, decrement) it
    // belongs to, on flat units of 1–9 workers and every level of five cascades.
    const units = testUnits();
    expect(units.length).toBeGreaterThan(150);
    for (const { name, u, cases } of units) {
      const chip = planDigitChip(u);
      expect([...planProblems(u, chip), ...runProblems(u, chip, cases)], name).toEqual([]);
    }
  });

  it("the checks can fail: a cell with an unread output, a loose vmax and a misnamed digit are reported", () => {
    const u = flatUnit(3, 2, 2, "nearest-even");
    const chip = planDigitChip(u);
    const cases = Array.from({ length: 64 }, (_, c) => Int32Array.from({ length: 6 }, (__, i) => (c >> i) & 1));
    expect(runProblems(u, chip, cases)).toEqual([]);
    expect(planProblems(u, chip)).toEqual([]);
    const unread = structuredClone(chip);
    unread.cells[0]!.outputs.push({ ...unread.cells[0]!.outputs[0]!, name: "extra" });
    expect(planProblems(u, unread).join("\n")).toMatch(/extra: read by nobody/);
    const loose = structuredClone(chip);
    loose.cells[0]!.vmax += 1;
    expect(planProblems(u, loose).join("\n")).toMatch(/vmax says/);
    const renamed = structuredClone(chip);
    const o = renamed.cells.find((c) => c.role === "add")!.outputs.find((x) => /^c\d+_0$/.test(x.name))!;
    o.name = o.name.replace(/^c(\d+)_0$/, (_, k) => `c${Number(k) + 1}_0`);
    expect(runProblems(u, renamed, cases).join("\n")).toMatch(/its name says/);
  });

  it("refuses trained digit slices (weights, carry-in, round class, round carry): plain units only", () => {
    const plain = flatUnit(4, 8, 4, "nearest-even");
    expect(chipSupports(plain)).toBe(true);
    for (const extra of [{ weights: [1, 4, 16, 64] }, { carryIn: 1 }, { roundClass: true }, { roundCarry: true }]) {
      const slice = { ...plain, ...extra };
      expect(chipSupports(slice), JSON.stringify(extra)).toBe(false);
      expect(() => planDigitChip(slice)).toThrow("the closed-form route builds plain units only (not trained digit slices)");
    }
  });

  it("every cell reads at most one worker position and keeps v small (≤ N·L + L)", () => {
    for (const [N, L] of [
      [4, 4],
      [8, 16],
      [3, 2],
      [6, 4],
    ] as const) {
      for (const rounding of ROUNDINGS) {
        const chip = planDigitChip(flatUnit(N, digitCount({ precision: 8, levels: L }) * Math.log2(L), L, rounding));
        for (const c of chip.cells) {
          expect(
            new Set(c.ports.filter((p) => p.source.kind === "worker").map((p) => (p.source as { position: number }).position)).size,
          ).toBeLessThanOrEqual(1);
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
