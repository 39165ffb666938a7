// The closed-form route on the acceptance grid: N ∈ {2, 3, 4, 5, 6, 8} × L ∈ {2, 4, 16} × every
// rounding rule, compiled to files and checked end to end from the emitted netlists and chip file
// against goldenAverage on every digit-sum vector of the reduced space (small precisions, with
// carries: at least two digits per value), and every cell over all its inputs.
import { describe, expect, it } from "vitest";
import { compileClosedForm } from "../../pipeline/compile/closed-form.ts";
import { loadSpec } from "../../dsl/load.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { FULL, tier } from "../helpers/tier.ts";

const ROUNDINGS: Rounding[] = ["floor", "nearest-even", "nearest-away"];

/** The most digits (≥ 2) whose reduced space stays at most 20,000 vectors. */
function precisionFor(N: number, L: number): number {
  let K = 2;
  while (((L - 1) * N + 1) ** (K + 1) <= 20_000) K++;
  return K * Math.log2(L);
}

describe("closed-form route, end to end from emitted files", () => {
  for (const N of tier([3, 5], [2, 3, 4, 5, 6, 8])) {
    for (const L of [2, 4, 16]) {
      // N = 5 at PAM-16 (4 s) runs in the full tier; npm test keeps PAM-16 at N = 3
      if (!FULL && N === 5 && L === 16) continue;
      it(`N = ${N}, L = ${L}, every rounding rule: exact on the whole reduced space`, () => {
        const bits = precisionFor(N, L);
        for (const rounding of ROUNDINGS) {
          const text = `aggregator g {\n  workers = ${N}\n  precision = ${bits} bits\n  levels = ${L}\n  rounding = ${rounding}\n}\n`;
          const checked = loadSpec("g.optinc", text).checked!;
          const out = compileClosedForm(checked, { skipEvaluation: true, formats: ["json"] });
          const r = out.report;
          expect(r.onn.composed.mode, `${N}×${bits} PAM-${L} ${rounding}`).toBe("exhaustive");
          expect(r.onn.casesChecked).toBe(((L - 1) * N + 1) ** (bits / Math.log2(L)));
          expect(r.onn.exactMatch, `${N}×${bits} PAM-${L} ${rounding}`).toBe(1);
          for (const c of r.cells) expect(c.exact, `${c.design} (${rounding})`).toBe(c.cases);
          expect(r.ok).toBe(true);
        }
      });
    }
  }
});
