// The ladder round (compiler/calibrate/lab/ladder.ts, docs/design/calibration.md §10.5): the program driven
// with one case per digit sum and each detector row's entry once more a quarter turn on, read on the
// output detectors, and each entry's factor fitted against the estimate. Checked on a nominal
// divide0 die after its session (every factor 1), and on the same die with one entry's gain cut by
// 3 dB after the session (a planted change the estimate does not know), alone (found in phase, on
// the sums) and with its φ moved by 1.4 rad (its in-phase share 0.12: found from its quarter turn). Under the full tier, add1's crosstalk dies 3 and 20 (what the
// ladder reads after a session without it: one entry 62° off on die 3, another's share 0.77 of the
// estimate's on die 20) come out exact and accepted, and are refused with `ladder: false`.
import { describe, expect, it } from "vitest";
import type { FabDie } from "../../netlist/die/heaters.ts";
import { calibrateSession, labSession, measureRounds, simulatedLab } from "../../pipeline/calibrate/from-readings.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { studyDie } from "../../scripts/lab-study-core.ts";
import { protocolDoc, writeProtocol } from "../../compiler/calibrate/lab/lab-files.ts";
import { readProtocol } from "../../compiler/calibrate/lab/lab-files-read.ts";
import { FULL } from "../helpers/tier.ts";
import { paperCell } from "./fab-fixtures.ts";

const arg = ([re, im]: [number, number]): number => Math.atan2(im, re);
const size = ([re, im]: [number, number]): number => Math.hypot(re, im);

describe("the ladder round's fit", () => {
  const { circuit, table } = paperCell("divide0");
  const die = studyDie(circuit, "divide0", 0, []);
  const s = labSession(circuit, table);
  measureRounds(s, simulatedLab(s, die, 7));
  const ladder = (d: FabDie) => {
    const round = s.ladderRound();
    return s.ladderFits(round, simulatedLab(s, d, 11).run(round.steps));
  };

  it("finds every entry as the estimate has it on the die it was calibrated on", () => {
    const fits = ladder(die);
    expect(fits.length).toBeGreaterThan(0);
    for (const f of fits) {
      expect(f.taken).toBe(true);
      expect(f.rmsAfter).toBeLessThan(0.02);
      for (const w of f.factors) expect(Math.hypot(w[0] - 1, w[1])).toBeLessThan(0.05);
    }
  });

  it("is a protocol round of kind ladder that the protocol schema reads back; an unknown kind is refused", () => {
    const text = writeProtocol(protocolDoc(s, s.ladderRound(), { cell: "divide0", instrument: { settleMs: 0.05, readMs: 1 } }));
    const doc = readProtocol(text, "p.json");
    expect(doc.kind).toBe("ladder");
    expect(doc.steps.some((st) => st.purpose.startsWith("ladder: input"))).toBe(true);
    expect(doc.steps.some((st) => st.purpose.endsWith("one entry turned"))).toBe(true);
    expect(() => readProtocol(text.replace('"kind": "ladder"', '"kind": "ladders"'), "p.json")).toThrow();
  });

  /** The die with one detector row's entry 3 dB weaker and its φ moved by `rad`, after the session. */
  const plant = (rad: number) => {
    const fit = ladder(die)[0]!;
    const e = fit.entries[fit.entries.length - 1]!;
    const phi = s.struct.heaters[s.struct.entries[e]!.phi]!;
    const planted: FabDie = {
      ...die,
      heaters: die.heaters.map((h) => (h.name === phi.name ? { ...h, offsetRad: h.offsetRad + rad } : h)),
      passive: new Map(die.passive),
    };
    const was = die.passive.get(phi.path) ?? {};
    planted.passive.set(phi.path, { ...was, lossDb: (was.lossDb ?? 0) + 3 });
    const after = ladder(planted).find((f) => f.mode === fit.mode)!;
    return { after, e, w: after.factors[after.entries.indexOf(e)]! };
  };

  it("finds an entry's gain cut by 3 dB after the session, in phase on the sums alone", () => {
    const { after, e, w } = plant(0);
    expect(after.quadrature).toBe(false);
    expect(after.taken).toBe(true);
    expect(Math.abs(w[0] - 10 ** (-3 / 20))).toBeLessThan(0.04);
    expect(w[1]).toBe(0);
    after.factors.forEach((v, j) => {
      if (after.entries[j] !== e) expect(Math.abs(v[0] - 1)).toBeLessThan(0.08);
    });
  });

  it("finds an entry's gain cut by 3 dB and its phase moved by 1.4 rad after the session, from its quarter turn", () => {
    const { after, e, w } = plant(1.4);
    expect(after.quadrature).toBe(true);
    expect(after.taken).toBe(true);
    expect(Math.abs(size(w) - 10 ** (-3 / 20))).toBeLessThan(0.04);
    expect(Math.abs(arg(w) - 1.4)).toBeLessThan(0.06);
    after.factors.forEach((v, j) => {
      if (after.entries[j] !== e) expect(Math.hypot(v[0] - 1, v[1])).toBeLessThan(0.08);
    });
  });
});

describe("the ladder round on add1's crosstalk dies (full tier)", () => {
  it.runIf(FULL)(
    "makes dies 3 and 20 exact and accepted; without it both are refused",
    () => {
      const { circuit, table } = paperCell("add1");
      for (const d of [3, 20]) {
        const die = studyDie(circuit, "add1", d, ["crosstalk"]);
        const run = (ladder: boolean): { exact: number; pass: boolean } => {
          const s = labSession(circuit, table, { ladder });
          measureRounds(s, simulatedLab(s, die, 7 + d));
          const r = checkCellOnFab(calibrateSession(circuit, table, s).circuit, die, s.programCodes().codes);
          return { exact: r.exact, pass: s.acceptance!.pass };
        };
        expect(run(true)).toEqual({ exact: 1024, pass: true });
        const off = run(false);
        expect(off.pass).toBe(false);
        expect(off.exact).toBeLessThan(1024);
      }
    },
    180_000,
  );
});
