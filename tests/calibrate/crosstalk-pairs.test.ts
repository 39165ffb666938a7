// Crosstalk pair by pair (compiler/calibrate/lab/pairs.ts): on a die whose near couplings leave the
// distance law — every one of them with the other sign — the calibration from readings finds each
// measured θ victim's couplings with their true sign and size, where the law alone gives the
// opposite sign.
import { describe, expect, it } from "vitest";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { simulateLab } from "../../pipeline/calibrate/simulated-session.ts";
import { paperCell } from "./fab-fixtures.ts";

describe("crosstalk measured pair by pair", () => {
  it("recovers each measured pair within 20 % and with its sign, where the law gives the other one", () => {
    const { circuit, table } = paperCell("divide0");
    const base = drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, 7, "flipped");
    const thetas = new Set(base.heaters.flatMap((h, i) => (h.name.endsWith(".theta") ? [i] : [])));
    // Flip every coupling onto a θ heater from a heater within 30 µm.
    const near = (v: number, a: number): boolean =>
      Math.hypot(base.heaters[v]!.x - base.heaters[a]!.x, base.heaters[v]!.y - base.heaters[a]!.y) <= 30;
    const die = {
      ...base,
      crosstalk: base.crosstalk.map((c) => (thetas.has(c.victim) && near(c.victim, c.aggressor) ? { ...c, radPerMw: -c.radPerMw } : c)),
    };
    const run = simulateLab(circuit, table, die, 3);
    const truth = new Map(die.crosstalk.map((c) => [`${c.victim},${c.aggressor}`, c.radPerMw]));
    // The law's couplings: the same draw before the flip.
    const law = new Map(
      drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, 7, "law").crosstalk.map((c) => [`${c.victim},${c.aggressor}`, c.radPerMw]),
    );
    let flipped = 0;
    // θ victims only: a φ victim's pair is relative to its row's reference (tests/calibrate/phi-pairs.test.ts).
    const thetaPairs = [...run.session.pairCouplings].filter(([k]) => thetas.has(Number(k.split(",")[0])));
    for (const [k, e] of thetaPairs) {
      const t = truth.get(k) ?? 0;
      expect(Math.abs(e - t)).toBeLessThan(0.2 * Math.max(Math.abs(t), 1e-4));
      // The estimate the estimated die uses is the measured one.
      expect(run.session.estimatedDie.crosstalk.find((c) => `${c.victim},${c.aggressor}` === k)?.radPerMw).toBe(e);
      if (t < 0 && (law.get(k) ?? 0) > 0) flipped++;
    }
    expect(thetaPairs.length).toBeGreaterThanOrEqual(20);
    expect(flipped).toBeGreaterThanOrEqual(10);
  });
});
