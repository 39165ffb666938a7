// Realized phases (netlist/die/heaters.ts realizedPhases) through the memo of netlist/die/phase-memo.ts
// and its victim-ordered full pass must equal the formula summed as written — each heater's law and
// its first SUM_BLOCK couplings in list order, then each further block of couplings summed alone
// and added in turn, then the floor — to the bit, over any sequence of settings: codes moving few
// heaters or many, and laws changed in place between calls, on sparse dies and on dense ones (more
// than SUM_BLOCK couplings per heater, as a die whose crosstalk departs has). Planted fault: leave the
// memo's block sums stale (skip their recompute) and the dense property fails.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FabDie, type Heater, realizedPhases } from "../../netlist/die/heaters.ts";
import { realizedPhaseOf, SUM_BLOCK } from "../../netlist/die/phase-memo.ts";

type Die = Pick<FabDie, "drive" | "heaters" | "crosstalk" | "crosstalkFloor">;
const heater = (law: Pick<Heater, "offsetRad" | "radPerMw" | "betaPerMw">, i: number): Heater => ({
  name: `h${i}`,
  path: `p/h${i}`,
  x: 0,
  y: 0,
  ...law,
});

/**
 * The formula as written (the reference the memo must reproduce): per victim its law, its first
 * SUM_BLOCK couplings in list order, then each further block summed alone and added; `order`
 * reorders the list.
 */
function byFormula(die: Die, codes: number[], order: (k: number[]) => number[] = (k) => k): Float64Array {
  const cm = 2 ** die.drive.bits - 1;
  const p = codes.map((c) => die.drive.pMaxMw * (c / cm) ** 2);
  const list = order(die.crosstalk.map((_, k) => k)).map((k) => die.crosstalk[k]!);
  const phi = Float64Array.from(die.heaters, (h, i) => {
    const terms = list.filter((c) => c.victim === i).map((c) => c.radPerMw * p[c.aggressor]!);
    let acc = h.offsetRad + h.radPerMw * p[i]! * (1 + (h.betaPerMw ?? 0) * p[i]!);
    for (const t of terms.slice(0, SUM_BLOCK)) acc += t;
    for (let b = SUM_BLOCK; b < terms.length; b += SUM_BLOCK) acc += terms.slice(b, b + SUM_BLOCK).reduce((a, t) => a + t, 0);
    return acc;
  });
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

/** Dies of 2 … maxN heaters with `couplings` couplings (a range), and a sequence of settings. */
const dieAndSettings = (maxN: number, couplings: (n: number) => { minLength?: number; maxLength: number }) =>
  fc.integer({ min: 2, max: maxN }).chain((n) =>
    fc.record({
      heaters: fc.array(law, { minLength: n, maxLength: n }).map((laws) => laws.map(heater)),
      crosstalk: fc.array(
        fc.record({ victim: fc.nat(n - 1), aggressor: fc.nat(n - 1), radPerMw: fc.double({ min: -0.02, max: 0.02, noNaN: true }) }),
        couplings(n),
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

/** Every setting's phases, through the memo and one heater at a time (realizedPhaseOf), equal the formula's. */
const agrees = ({
  heaters,
  crosstalk,
  floor,
  settings,
}: {
  heaters: Heater[];
  crosstalk: Die["crosstalk"];
  floor: number | undefined;
  settings: { moves: [number, number][]; relaw: [number, Pick<Heater, "offsetRad" | "radPerMw" | "betaPerMw">] | undefined }[];
}): boolean => {
  const die: Die = { drive: { bits: 12, pMaxMw: 60 }, heaters, crosstalk, crosstalkFloor: floor };
  const codes = heaters.map(() => 0);
  for (const s of settings) {
    for (const [h, c] of s.moves) codes[h] = c;
    if (s.relaw) Object.assign(heaters[s.relaw[0]]!, s.relaw[1]);
    const want = byFormula(die, codes);
    if (!sameBits(realizedPhases(die, codes), want)) return false;
    if (!floor && !Object.is(realizedPhaseOf(die, codes, 0, codes[0]!), want[0]!)) return false;
  }
  return true;
};

describe("realized phases through the phase memo", () => {
  it("equal the formula summed in list order, to the bit, over sequences of settings (fast-check)", () => {
    fc.assert(
      fc.property(
        dieAndSettings(40, (n) => ({ maxLength: 4 * n })),
        agrees,
      ),
      { numRuns: 300, seed: 37 },
    );
  });

  it("and on dense dies, whose heaters have several blocks of couplings (fast-check)", () => {
    let blocks = 0;
    fc.assert(
      fc.property(
        dieAndSettings(4, () => ({ minLength: 8 * SUM_BLOCK, maxLength: 12 * SUM_BLOCK })),
        (x) => {
          const most = Math.max(0, ...x.heaters.map((_, v) => x.crosstalk.filter((c) => c.victim === v).length));
          if (most > 2 * SUM_BLOCK) blocks++;
          return agrees(x);
        },
      ),
      { numRuns: 60, seed: 41 },
    );
    // the property saw heaters with three blocks
    expect(blocks).toBeGreaterThan(10);
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
