// Realized phases (netlist/die/heaters.ts realizedPhases) through the memo of netlist/die/phase-memo.ts
// and its victim-ordered full pass must equal the formula summed as written — each heater's law,
// then its couplings in list order, then the floor — to the bit, over any sequence of settings:
// codes moving few heaters or many, and laws changed in place between calls.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FabDie, type Heater, realizedPhases } from "../../netlist/die/heaters.ts";

type Die = Pick<FabDie, "drive" | "heaters" | "crosstalk" | "crosstalkFloor">;
const heater = (law: Pick<Heater, "offsetRad" | "radPerMw" | "betaPerMw">, i: number): Heater => ({
  name: `h${i}`,
  path: `p/h${i}`,
  x: 0,
  y: 0,
  ...law,
});

/** The formula as written, summed in list order (the reference the memo must reproduce). */
function byFormula(die: Die, codes: number[], order: (k: number[]) => number[] = (k) => k): Float64Array {
  const cm = 2 ** die.drive.bits - 1;
  const p = codes.map((c) => die.drive.pMaxMw * (c / cm) ** 2);
  const phi = Float64Array.from(die.heaters, (h, i) => h.offsetRad + h.radPerMw * p[i]! * (1 + (h.betaPerMw ?? 0) * p[i]!));
  for (const k of order(die.crosstalk.map((_, k) => k))) {
    const c = die.crosstalk[k]!;
    phi[c.victim]! += c.radPerMw * p[c.aggressor]!;
  }
  const f = die.crosstalkFloor ?? 0;
  if (f) {
    const sum = die.heaters.reduce((a, h, j) => a + h.radPerMw * p[j]!, 0);
    die.heaters.forEach((h, i) => (phi[i]! += f * (sum - h.radPerMw * p[i]!)));
  }
  return phi;
}

const sameBits = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

const law = fc.record({
  offsetRad: fc.double({ min: 0, max: 6.28, noNaN: true }),
  radPerMw: fc.double({ min: 0.05, max: 0.2, noNaN: true }),
  betaPerMw: fc.option(fc.double({ min: -0.01, max: 0.01, noNaN: true }), { nil: undefined }),
});

const dieAndSettings = fc.integer({ min: 2, max: 40 }).chain((n) =>
  fc.record({
    heaters: fc.array(law, { minLength: n, maxLength: n }).map((laws) => laws.map(heater)),
    crosstalk: fc.array(
      fc.record({ victim: fc.nat(n - 1), aggressor: fc.nat(n - 1), radPerMw: fc.double({ min: -0.02, max: 0.02, noNaN: true }) }),
      { maxLength: 4 * n },
    ),
    floor: fc.option(fc.double({ min: 0, max: 1e-3, noNaN: true }), { nil: undefined }),
    // Each setting: heaters whose code moves (few or many) and, sometimes, one heater's law changed in place.
    settings: fc.array(
      fc.record({
        moves: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(4095)), { maxLength: n + 2 }),
        relaw: fc.option(fc.tuple(fc.nat(n - 1), law), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  }),
);

describe("realized phases through the phase memo", () => {
  it("equal the formula summed in list order, to the bit, over sequences of settings (fast-check)", () => {
    fc.assert(
      fc.property(dieAndSettings, ({ heaters, crosstalk, floor, settings }) => {
        const die: Die = { drive: { bits: 12, pMaxMw: 60 }, heaters, crosstalk, crosstalkFloor: floor };
        const codes = heaters.map(() => 0);
        for (const s of settings) {
          for (const [h, c] of s.moves) codes[h] = c;
          if (s.relaw) Object.assign(heaters[s.relaw[0]]!, s.relaw[1]);
          if (!sameBits(realizedPhases(die, codes), byFormula(die, codes))) return false;
        }
        return true;
      }),
      { numRuns: 300, seed: 37 },
    );
  });

  it("the comparison sees a sum taken in another order (the check can fail)", () => {
    // Couplings of different sizes onto one victim: reversed, their float sum differs in the last bits.
    const die: Die = {
      drive: { bits: 12, pMaxMw: 60 },
      heaters: [0.3, 1.1, 2.9, 4.4].map((o, i) => heater({ offsetRad: o, radPerMw: 0.1 }, i)),
      crosstalk: [1e-2, 3.3e-7, -7.1e-3, 2.2e-5, 5.5e-3, -1.9e-6].map((r, k) => ({ victim: 0, aggressor: 1 + (k % 3), radPerMw: r })),
    };
    const codes = [1234, 4095, 777, 3001];
    expect(sameBits(realizedPhases(die, codes), byFormula(die, codes))).toBe(true);
    expect(
      sameBits(
        realizedPhases(die, codes),
        byFormula(die, codes, (k) => [...k].reverse()),
      ),
    ).toBe(false);
  });
});
