// The closed-form route as a radix-2 cascade (paper-4x8-robust's structure) on the acceptance grid:
// N ∈ {2, 3, 4, 5, 6, 8} × L ∈ {2, 4, 16} × every rounding rule, compiled to files and checked end to
// end from the emitted netlists and chip files against goldenAverage. A cascade's units see partial
// sums, so its reduced space is every worker code vector: enumerated whole where it has at most
// 65,536 vectors (small precisions; N = 2 is one flat unit, checked on its digit-sum space), and
// sampled (10,000 vectors with the edge cases) for the PAM-16 configurations with N ≥ 4, whose
// smallest precision (one 4-bit digit) already has more.
import { describe, expect, it } from "vitest";
import { compileClosedForm } from "../../pipeline/compile/closed-form.ts";
import { loadSpec } from "../../dsl/load.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { FULL, tier } from "../helpers/tier.ts";

const ROUNDINGS: Rounding[] = ["floor", "nearest-even", "nearest-away"];
const TARGET = 16_384;
const WHOLE = 65_536;

/** The largest precision (whole PAM-L digits, at least 2 bits) whose code space fits TARGET, else the smallest. */
function precisionFor(N: number, L: number): number {
  const d = Math.log2(L);
  let b = d;
  while (2 ** ((b + d) * N) <= TARGET) b += d;
  return Math.max(b, 2);
}

describe("closed-form radix-2 cascade, end to end from emitted files", () => {
  for (const N of tier([3, 5], [2, 3, 4, 5, 6, 8])) {
    for (const L of [2, 4, 16]) {
      // N = 3 at PAM-16 (3 s) runs in the full tier; npm test keeps PAM-16 at N = 5, sampled
      if (!FULL && N === 3 && L === 16) continue;
      const bits = precisionFor(N, L);
      const whole = 2 ** (bits * N) <= WHOLE;
      it(`N = ${N}, L = ${L}, ${bits} bits, every rounding rule: exact on ${whole ? "every worker code vector" : "10,000 sampled vectors with the edges"}`, () => {
        for (const rounding of ROUNDINGS) {
          const text = `aggregator g {\n  workers = ${N}\n  precision = ${bits} bits\n  levels = ${L}\n  rounding = ${rounding}\n  cascade { radix = 2 }\n}\n`;
          const checked = loadSpec("g.optinc", text).checked!;
          const out = compileClosedForm(checked, { skipEvaluation: true, formats: ["json"], maxComposeCases: whole ? WHOLE : 10_000 });
          const r = out.report;
          const what = `${N}×${bits} PAM-${L} ${rounding}`;
          expect(r.onn.composed.mode, what).toBe(whole ? "exhaustive" : "sampled");
          if (whole && N > 2) expect(r.onn.casesChecked, what).toBe(2 ** (bits * N));
          expect(r.onn.exactMatch, what).toBe(1);
          for (const c of r.cells) expect(c.exact, `${c.design} (${rounding})`).toBe(c.cases);
          // N > 2 is a cascade: more than one chip level.
          if (N > 2) expect(r.cascade?.radix, what).toBe(2);
          expect(r.ok).toBe(true);
        }
      });
    }
  }
});
