// Coupler balance from readings (compiler/calibrate/lab/coupler-balance.ts): on an add0 die whose
// couplers spread σ = 3 % (the coupler-wide departure), the calibration finds each attenuator's
// balance s = (c_A + c_B − 1)/2 with its sign from the turns and magnitude scans, and the program
// is exact on the true die and accepted. The planted faults: the estimated die with every fitted
// balance's sign turned (the estimate wrong), and the same session with the estimate switched off
// (LabSetup.balance = false: couplers balanced, as before it), each program an inexact die. Since
// the ladder round (2026-11-27), a session without the balance is refused at its first acceptance
// round and then made exact by the ladder, so the switched-off session also runs without the ladder
// (241 of 256, refused); the balance's own session is accepted at its first round.
import { describe, expect, it } from "vitest";
import { departDie } from "../../fab/departures.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import type { LabSetup } from "../../compiler/calibrate/lab/rounds.ts";
import { LabSession } from "../../compiler/calibrate/lab/session.ts";
import { labProgram, labSetup, measureRounds, simulatedLab, calibrateSession } from "../../pipeline/calibrate/from-readings.ts";
import { simulateLab } from "../../pipeline/calibrate/simulated-session.ts";
import { paperCell } from "./fab-fixtures.ts";
import { FULL } from "../helpers/tier.ts";

describe("coupler balance estimated from readings", () => {
  it("recovers every planted balance it fits within 0.01 (90 % within 0.003); wrong or disabled, the die is inexact", () => {
    const { circuit, table } = paperCell("add0");
    const stream = 1000003;
    const die = departDie(drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, stream, "coupler-wide"), circuit, ["coupler-wide"], stream);
    const run = simulateLab(circuit, table, die, 7);
    const est = run.session.estimatedDie;
    const coupling = (d: typeof die, leaf: string): number => d.passive.get(leaf)?.coupling ?? 0.5;
    const fitted: { leaf: string; s: number; truth: number }[] = [];
    for (const en of run.session.struct.entries) {
      const a = run.session.struct.heaters[en.theta]!.path.replace(/theta$/, "bsA");
      const b = a.replace(/A$/, "B");
      // Entries nothing fitted keep balanced couplers (their φ parked, or no phase that sees them).
      const s = coupling(est, a) - 0.5;
      if (s === 0) continue;
      expect(coupling(est, b) - 0.5).toBe(s);
      fitted.push({ leaf: a, s, truth: (coupling(die, a) + coupling(die, b) - 1) / 2 });
    }
    const errors = fitted.map((f) => Math.abs(f.s - f.truth));
    expect(fitted.length).toBeGreaterThanOrEqual(60);
    expect(Math.max(...errors)).toBeLessThan(0.01);
    expect(errors.filter((e) => e < 0.003).length).toBeGreaterThanOrEqual(0.9 * fitted.length);
    // The planted imbalances are large enough to matter: some well beyond the preset's 1 %.
    expect(fitted.filter((f) => Math.abs(f.truth) > 0.03).length).toBeGreaterThanOrEqual(3);

    const exact = (session: LabSession): boolean => {
      const { codes } = session.programCodes();
      const r = checkCellOnFab(calibrateSession(circuit, table, session).circuit, die, codes);
      return r.exact === r.cases;
    };
    expect(exact(run.session)).toBe(true);
    expect(run.session.acceptance?.pass).toBe(true);
    // Wrong: the estimated die with every fitted balance's sign turned round.
    for (const f of fitted)
      for (const leaf of [f.leaf, f.leaf.replace(/A$/, "B")]) est.passive.set(leaf, { ...est.passive.get(leaf), coupling: 0.5 - f.s });
    expect(exact(run.session)).toBe(false);
    // Disabled: the same readings' session with the couplers kept balanced (a second whole
    // session, about 5 s: the full tier; the sign turned above is the fault npm test plants).
    if (FULL) {
      expect(run.session.plan.filter((p) => p.kind === "accept")).toHaveLength(1);
      const session = (setup: Partial<LabSetup>): LabSession => {
        const s = new LabSession(circuit, { ...labSetup(), ...setup }, labProgram(circuit, table));
        measureRounds(s, simulatedLab(s, die, 7));
        return s;
      };
      // Without the balance the first acceptance round refuses the die (the ladder then rescues it).
      expect(session({ balance: false }).plan.filter((p) => p.kind === "accept").length).toBeGreaterThan(1);
      const off = session({ balance: false, ladder: false });
      expect(exact(off)).toBe(false);
      expect(off.acceptance?.pass).toBe(false);
    }
  }, 180_000);
});
