// A study's oracle for the crosstalk (LabSetup.knownCouplings, scripts/known-couplings.ts;
// docs/design/calibration.md §8.3, "Which couplings the flips break"): the true die's couplings handed to the
// estimate hold from the session's start and through every refit, only on the pairs selected, and
// with `unread` only where no pair was read one by one.
import { describe, expect, it } from "vitest";
import type { FabDie } from "../../netlist/die/heaters.ts";
import { labSession, simulatedLab } from "../../pipeline/calibrate/from-readings.ts";
import { studyDie } from "../../scripts/lab-study-core.ts";
import { knownCouplings } from "../../scripts/known-couplings.ts";
import { paperCell } from "./fab-fixtures.ts";

const { circuit, table } = paperCell("divide0");
const die = studyDie(circuit, "paper_4x8.divide0", 0, ["crosstalk-flip"]);
const rate = (list: FabDie["crosstalk"]): Map<string, number> => new Map(list.map((c) => [`${c.victim},${c.aggressor}`, c.radPerMw]));
const truth = rate(die.crosstalk);

function session(words: string | null) {
  const s = labSession(circuit, table, words ? { knownCouplings: knownCouplings(words, circuit, die) } : {});
  const start = rate(s.estimatedDie.crosstalk);
  const bench = simulatedLab(s, die, 7);
  while (!s.done) {
    const r = s.nextRound();
    s.absorb(r, bench.run(r.steps));
  }
  return { s, start, end: rate(s.estimatedDie.crosstalk) };
}

describe("known couplings (a study's oracle)", () => {
  it("hands every true coupling over from the first round to the last; without it the estimate is not the truth", () => {
    const known = session("all");
    expect(known.start).toEqual(truth);
    expect(known.end).toEqual(truth);
    const read = session(null);
    expect(read.start.size).toBe(0);
    const differ = [...truth].filter(([k, v]) => Math.abs((read.end.get(k) ?? 0) - v) > 1e-4).length;
    expect(differ).toBeGreaterThan(truth.size / 10);
  });

  it("selects by victim, part and what was read, and names a word it does not know", () => {
    const k = knownCouplings("theta,same", circuit, die);
    const h = die.heaters;
    const part = (i: number): string => h[i]!.name.split("/")[0]!;
    const pairs = die.crosstalk.filter((c) => k.onto(c.victim, c.aggressor));
    expect(pairs.length).toBeGreaterThan(0);
    for (const c of pairs) {
      expect(h[c.victim]!.name.endsWith(".theta")).toBe(true);
      expect(part(c.victim)).toBe(part(c.aggressor));
    }
    expect(die.crosstalk.some((c) => !k.onto(c.victim, c.aggressor) && h[c.victim]!.name.endsWith(".phi"))).toBe(true);
    expect(() => knownCouplings("theta,near", circuit, die)).toThrow(/"near" is not one of/);
    // "+" joins selections: θ victims and φ victims of the same part are the same part's pairs.
    const joined = knownCouplings("theta,same+phi,same", circuit, die);
    const same = knownCouplings("same", circuit, die);
    expect(die.crosstalk.every((c) => joined.onto(c.victim, c.aggressor) === same.onto(c.victim, c.aggressor))).toBe(true);
    expect(die.crosstalk.some((c) => joined.onto(c.victim, c.aggressor) && !k.onto(c.victim, c.aggressor))).toBe(true);

    const unread = session("theta,same,unread");
    const readPairs = [...unread.s.pairCouplings.keys()];
    expect(readPairs.length).toBeGreaterThan(0);
    // The pairs read keep their readings; every other selected pair is the truth.
    expect(readPairs.some((key) => unread.end.get(key) !== truth.get(key))).toBe(true);
    for (const c of pairs) {
      const key = `${c.victim},${c.aggressor}`;
      if (!readPairs.includes(key)) expect(unread.end.get(key)).toBe(c.radPerMw);
    }
  });
});
