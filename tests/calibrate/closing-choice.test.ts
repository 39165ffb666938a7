// Which rounds a first closing pass takes along (compiler/calibrate/lab/closing.ts closingChoice,
// docs/design/calibration.md §10.3): the trip and ladder rounds where the budget leaves room for
// both, else fewer, and the pass alone rather than nothing. Checked over every budget of a small grid
// against an enumeration: the choice fits, and no choice with more rounds (the ladder counted before
// the trip round) fits. Planted fault: a rule that reserves the trip round whenever a die can trip
// leaves a die with room for the pass alone without a pass.
import { describe, expect, it } from "vitest";
import { type ClosingCosts, type ClosingRounds, closingChoice } from "../../compiler/calibrate/lab/closing.ts";

const spend = (c: ClosingCosts, w: ClosingRounds): number => c.pass + (w.trip ? c.trip : 0) + (w.ladder ? c.ladder : 0);
/** Rounds taken along, ranked: both 3, the ladder 2, the trip round 1, none 0. */
const rank = (w: ClosingRounds): number => (w.ladder ? 2 : 0) + (w.trip ? 1 : 0);

/** The planted fault: the trip round reserved whenever the die can trip, the ladder dropped first. */
function reserveTrip(c: ClosingCosts, can: ClosingRounds): ClosingRounds | null {
  for (const w of [can, { trip: can.trip, ladder: false }]) if (spend(c, w) <= c.room) return w;
  return null;
}

describe("the rounds a closing pass takes along", () => {
  it("over every budget of the grid: a choice that fits, with no richer one that fits", () => {
    let cases = 0;
    let passAlone = 0;
    for (const canTrip of [false, true])
      for (const canLadder of [false, true])
        for (let room = -2; room <= 16; room++)
          for (const pass of [1, 3, 5])
            for (const trip of [0, 2, 4])
              for (const ladder of [1, 3, 6]) {
                const c = { room, pass, trip, ladder };
                const can = { trip: canTrip, ladder: canLadder };
                const got = closingChoice(c, can);
                const all = [false, true].flatMap((t) => [false, true].map((l) => ({ trip: t, ladder: l })));
                const allowed = all.filter((w) => (!w.trip || can.trip) && (!w.ladder || can.ladder) && spend(c, w) <= room);
                cases++;
                if (allowed.length === 0) {
                  expect(got, JSON.stringify(c)).toBeNull();
                  continue;
                }
                expect(got, JSON.stringify(c)).not.toBeNull();
                expect(spend(c, got!)).toBeLessThanOrEqual(room);
                expect(rank(got!)).toBe(Math.max(...allowed.map(rank)));
                if (rank(got!) === 0 && (canTrip || canLadder)) passAlone++;
              }
    expect(cases).toBe(2 * 2 * 19 * 27);
    expect(passAlone).toBeGreaterThan(20);
  });

  it("a die with room for the pass but not for the trip round gets the pass alone; the trip round reserved first gives it none", () => {
    const c = { room: 10, pass: 8, trip: 4, ladder: 6 };
    expect(closingChoice(c, { trip: true, ladder: true })).toEqual({ trip: false, ladder: false });
    expect(closingChoice(c, { trip: true, ladder: false })).toEqual({ trip: false, ladder: false });
    // Planted fault: the trip round reserved first.
    expect(reserveTrip(c, { trip: true, ladder: true })).toBeNull();
    expect(closingChoice({ ...c, room: 12 }, { trip: true, ladder: true })).toEqual({ trip: true, ladder: false });
    expect(closingChoice({ ...c, room: 14 }, { trip: true, ladder: true })).toEqual({ trip: false, ladder: true });
    expect(closingChoice({ ...c, room: 18 }, { trip: true, ladder: true })).toEqual({ trip: true, ladder: true });
    expect(closingChoice({ ...c, room: 7 }, { trip: true, ladder: true })).toBeNull();
  });
});
