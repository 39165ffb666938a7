// Crosstalk onto φ heaters pair by pair (compiler/calibrate/lab/phi-pairs.ts; by default on once the
// pairs depart from the crosstalk law, law-departure.ts; here forced on and off at the law's reach,
// the departure's check switched off, as the option was checked before it): on a divide0 die
// whose couplings leave the distance law (the crosstalk departure), each anchored φ is read against
// its near heaters in its meta-MZI setting. What the reading gives is the coupling onto the entry's
// phase relative to its row's reference (the reference's own error is the row's gauge), so the
// check compares with that: C(v, a) − C(ref, a) on the true die plus the estimate's C(ref, a). With
// it the program is exact and accepted. Planted faults: the measured couplings with their sign
// turned, and the same die calibrated with the φ pairs switched off (LabSetup.phiPairs = false, the
// law alone, as before), each inexact.
import { describe, expect, it } from "vitest";
import { departDie } from "../../fab/departures.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { LabSession } from "../../compiler/calibrate/lab/session.ts";
import { labProgram, labSetup, measureRounds, simulatedLab, calibrateSession } from "../../pipeline/calibrate/from-readings.ts";
import { paperCell } from "./fab-fixtures.ts";
import { FULL } from "../helpers/tier.ts";

describe("crosstalk onto φ heaters measured pair by pair", () => {
  // an option off by default (not adopted): its whole check runs under `npm run test:full`
  it.runIf(FULL)(
    "finds the couplings relative to the row's reference with their sign; turned or switched off, the die is inexact",
    () => {
      const { circuit, table } = paperCell("divide0");
      // Die 6 of the study (scripts/lab-study.ts --departure crosstalk): 15/16 and refused with the law
      // alone, without closing rounds. (Die 4, this test's die before, is exact with the law alone since
      // the chip-wide floor.)
      const stream = 1000003 + 6;
      const die = departDie(drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, stream, "crosstalk"), circuit, ["crosstalk"], stream);
      const session = (phiPairs: boolean): LabSession => {
        // Without the closing rounds a refusal brings (closing.ts): they alone make this die exact.
        const s = new LabSession(
          circuit,
          { ...labSetup(), phiPairs, closing: false, lawDeparture: false, pairKappa: 0.005 },
          labProgram(circuit, table),
        );
        measureRounds(s, simulatedLab(s, die, 7 + 6));
        return s;
      };
      const exact = (s: LabSession): boolean => {
        const { codes } = s.programCodes();
        const r = checkCellOnFab(calibrateSession(circuit, table, s).circuit, die, codes);
        return r.exact === r.cases;
      };
      const s = session(true);
      const truth = new Map(die.crosstalk.map((c) => [`${c.victim},${c.aggressor}`, c.radPerMw]));
      const est = s.estimatedDie;
      const estX = new Map(est.crosstalk.map((c) => [`${c.victim},${c.aggressor}`, c.radPerMw]));
      const refPhi = (v: number): number => {
        const en = s.struct.entries.find((x) => x.phi === v)!;
        const row = s.struct.stages.find((x) => x.part === en.part)!.rows[en.row]!;
        return s.struct.entries[row.ref]!.phi;
      };
      const phiPairs = [...s.pairCouplings].filter(([k]) => s.struct.heaters[Number(k.split(",")[0])]!.name.endsWith(".phi"));
      // 25 on divide0 as compiled now (a guard that the check reads many pairs, not one).
      expect(phiPairs.length).toBeGreaterThanOrEqual(20);
      // Pairs that matter (a relative coupling of at least 0.5 % of the aggressor's own phase): their sign.
      let strong = 0;
      let signed = 0;
      for (const [k, e] of phiPairs) {
        const [v, a] = k.split(",").map(Number) as [number, number];
        const rk = `${refPhi(v)},${a}`;
        const t = (truth.get(k) ?? 0) - (truth.get(rk) ?? 0) + (estX.get(rk) ?? 0);
        if (Math.abs(t) < 0.005 * die.heaters[a]!.radPerMw) continue;
        strong++;
        if (Math.sign(e) === Math.sign(t)) signed++;
      }
      expect(strong).toBeGreaterThanOrEqual(15);
      expect(signed).toBeGreaterThanOrEqual(0.8 * strong);
      expect(exact(s)).toBe(true);
      expect(s.acceptance?.pass).toBe(true);
      // Switched off: the law alone for φ victims (a second session, about 1 s on divide0).
      const off = session(false);
      expect(exact(off)).toBe(false);
      expect(off.acceptance?.pass).toBe(false);
      // Wrong: every measured φ coupling with its sign turned.
      const keys = new Set(phiPairs.map(([k]) => k));
      est.crosstalk = est.crosstalk.map((c) => (keys.has(`${c.victim},${c.aggressor}`) ? { ...c, radPerMw: -c.radPerMw } : c));
      expect(exact(s)).toBe(false);
    },
    60_000,
  );
});
