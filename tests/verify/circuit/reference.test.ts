// verify's reference outputs come from the spec's definition on worker codes, not from the unit
// function the compiler trained on: checked here against brute-force sums written out per case.
import { describe, expect, it } from "vitest";
import { flatUnit, unitOutput } from "../../../aggregate/unit.ts";
import { planSlices } from "../../../aggregate/slices.ts";
import type { Rounding } from "../../../dsl/spec.ts";
import { buildCases, type SourceFormat } from "../../../verify/circuit/cases.ts";
import { flatFunctionMismatch, referenceCodes, unitRole } from "../../../verify/circuit/reference.ts";

/** R(t / n) by the definition: the nearest integers of the exact rational, then the tie rule. */
function bruteRound(t: number, n: number, rule: Rounding): number {
  const lo = Math.floor(t / n);
  if (rule === "floor") return lo;
  const dLo = t - lo * n; // n·(t/n − lo), in 0..n−1
  const dHi = n - dLo;
  if (dLo !== dHi) return dLo < dHi ? lo : lo + 1;
  if (rule === "nearest-even") return lo % 2 === 0 ? lo : lo + 1;
  return t > 0 ? lo + 1 : lo; // nearest-away
}

function codesOf(digits: Int32Array, c: number, f: SourceFormat): number[] {
  return Array.from({ length: f.workers }, (_, w) => {
    let v = 0;
    for (let k = f.digits - 1; k >= 0; k--) v = v * f.levels + digits[c * f.workers * f.digits + w * f.digits + k]!;
    return v;
  });
}

describe("unit roles", () => {
  it("a slice has weights or a tie handshake; a cascade unit has a level; the rest is flat", () => {
    const u = { inputOffset: 0, outputOffset: 0, divisor: 1 };
    expect(unitRole({}, undefined)).toBe("flat");
    expect(unitRole({ cascade_level: 2 }, undefined)).toBe("flat"); // no stored function: the flat average
    expect(unitRole({}, u)).toBe("flat");
    expect(unitRole({ cascade_level: 1 }, u)).toBe("cascade");
    expect(unitRole({}, { ...u, weights: [1, 4], carryIn: 0 })).toBe("slice");
    expect(unitRole({ cascade_level: 2 }, { ...u, weights: [1, 4] })).toBe("slice");
    expect(unitRole({}, { ...u, round: "carry" })).toBe("slice");
  });

  it("a flat unit's stored function must be the spec's flat average", () => {
    const f = { workers: 4, digits: 4, levels: 4 };
    expect(flatFunctionMismatch(undefined, f, 4, 8)).toBeNull();
    expect(flatFunctionMismatch({ inputOffset: 128, outputOffset: 128, divisor: 4 }, f, 4, 8)).toBeNull();
    for (const bad of [
      { inputOffset: 128, outputOffset: 128, divisor: 5 },
      { inputOffset: 127, outputOffset: 128, divisor: 4 },
      { inputOffset: 128, outputOffset: 0, divisor: 4 },
    ]) {
      expect(flatFunctionMismatch(bad, f, 4, 8)).toBe(
        `the circuit's stored unit function (divisor ${bad.divisor}, input offset ${bad.inputOffset}, output offset ${bad.outputOffset}, 4 output digits) is not the flat average of its 4 × 8-bit inputs (divisor 4, offsets 128, 4 output digits)`,
      );
    }
    expect(flatFunctionMismatch({ inputOffset: 128, outputOffset: 128, divisor: 4 }, f, 5, 8)).toMatch(
      /5 output digits\) is not the flat average/,
    );
    expect(flatFunctionMismatch(undefined, f, 3, 8)).toMatch(/3 output digits\) is not/);
  });
});

describe("reference outputs", () => {
  it.each(["nearest-even", "nearest-away", "floor"] as const)(
    "flat, %s: the rounded average of the worker codes, every case of 3 workers × 4-bit PAM4",
    (rounding) => {
      const f = { workers: 3, digits: 2, levels: 4 };
      const set = buildCases(f, { preprocess: false, maxCases: 1e6, seed: 1 });
      expect(set.cases).toBe(4 ** 6);
      const ref = referenceCodes(set, f, "flat", undefined, 2, rounding);
      for (let c = 0; c < set.cases; c++) {
        const t = codesOf(set.digits, c, f).reduce((a, v) => a + v - 8, 0);
        expect(ref[c], `case ${c}`).toBe(bruteRound(t, 3, rounding) + 8);
      }
      // A flat unit ignores a stored function: the reference is the spec's.
      expect([...referenceCodes(set, f, "flat", { inputOffset: 0, outputOffset: 0, divisor: 1 }, 2, rounding)]).toEqual([...ref]);
    },
  );

  it.each(["nearest-even", "nearest-away", "floor"] as const)(
    "flat, %s, 4 workers (with ties): the rounded average, negative totals included",
    (rounding) => {
      const f = { workers: 4, digits: 2, levels: 2 };
      const set = buildCases(f, { preprocess: false, maxCases: 1e6, seed: 1 });
      const ref = referenceCodes(set, f, "flat", undefined, 2, rounding);
      let ties = 0;
      let negative = 0;
      for (let c = 0; c < set.cases; c++) {
        const t = codesOf(set.digits, c, f).reduce((a, v) => a + v - 2, 0);
        if (((t % 4) + 4) % 4 === 2) ties++;
        if (t < 0) negative++;
        expect(ref[c]).toBe(bruteRound(t, 4, rounding) + 2);
      }
      expect(ties).toBeGreaterThan(10);
      expect(negative).toBeGreaterThan(10);
    },
  );

  it("cascade unit: R((Σ v − N·off_in)/div) + off_out on the input codes, clamped to the output digits", () => {
    const f = { workers: 2, digits: 2, levels: 4 };
    const set = buildCases(f, { preprocess: false, maxCases: 1e6, seed: 1 });
    // Exact sum of two 0..15 codes in 3 digits: never clamped.
    const sum = referenceCodes(set, f, "cascade", { inputOffset: 0, outputOffset: 0, divisor: 1 }, 3, "nearest-even");
    // A top unit dividing by 4 with offsets: (Σ v − 2·6)/4 + 5, clamped to 0..15.
    const top = referenceCodes(set, f, "cascade", { inputOffset: 6, outputOffset: 5, divisor: 4 }, 2, "nearest-even");
    // And one whose output range clamps at both ends: (Σ v − 2·8)/1 + 2 in 1 digit (0..3).
    const narrow = referenceCodes(set, f, "cascade", { inputOffset: 8, outputOffset: 2, divisor: 1 }, 1, "floor");
    const seen = { low: 0, high: 0 };
    for (let c = 0; c < set.cases; c++) {
      const [a, b] = codesOf(set.digits, c, f) as [number, number];
      expect(sum[c]).toBe(a + b);
      expect(top[c]).toBe(Math.min(15, Math.max(0, bruteRound(a + b - 12, 4, "nearest-even") + 5)));
      const raw = a + b - 16 + 2;
      if (raw < 0) seen.low++;
      if (raw > 3) seen.high++;
      expect(narrow[c]).toBe(Math.min(3, Math.max(0, raw)));
    }
    expect(seen.low).toBeGreaterThan(0);
    expect(seen.high).toBeGreaterThan(0);
  });

  it("digit slice: the slice function on the case's digit sums (its only definition)", () => {
    const plan = planSlices(flatUnit(4, 16, 4, "nearest-even"))!;
    const s = plan.slices[1]!;
    const f = { workers: 4, digits: s.fn.inDigits, levels: 4, carryIn: s.carryIn };
    const set = buildCases(f, { preprocess: true, maxCases: 1e6, seed: 1 });
    const ref = referenceCodes(
      set,
      f,
      "slice",
      { inputOffset: 0, outputOffset: 0, divisor: 1, weights: s.fn.weights!, carryIn: s.carryIn, round: "carry" },
      s.fn.outDigits,
      "nearest-even",
    );
    expect(set.cases).toBe(2704);
    for (let c = 0; c < set.cases; c++) {
      const sums = Array.from({ length: f.digits }, (_, k) => {
        let t = 0;
        for (let w = 0; w < 4; w++) t += set.digits[c * 4 * f.digits + w * f.digits + k]!;
        return t;
      });
      expect(ref[c]).toBe(unitOutput(s.fn, sums));
    }
  });
});
