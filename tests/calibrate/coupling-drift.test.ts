// Coupling references (compiler/calibrate/lab/coupling-refs.ts): on a divide0 die whose input
// coupling drifts unseen by the laser's tap (the coupling-drift departure), the references
// interleaved into every estimation round read the coupling's walk — checked against the simulated
// lab's true walk, read here only to check — and the readings divided by it are what the same steps
// read on the same die without the walk (a twin bench: the walk's step set to 1e-30, so the lab's
// noise stream is the same). The program is exact on the true die and accepted. Planted faults: the
// same session with the readings left as read (LabSetup.coupling "off") or multiplied by the
// coupling ("inverted"): they then stray from the twin's by the walk.
import { describe, expect, it } from "vitest";
import { departDie } from "../../fab/departures.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { LabSession, type LabSetup } from "../../compiler/calibrate/lab/session.ts";
import { labProgram, labSetup, simulatedLab, calibrateSession } from "../../pipeline/calibrate/from-readings.ts";
import { paperCell } from "./fab-fixtures.ts";
import { FULL } from "../helpers/tier.ts";

const { circuit, table } = paperCell("divide0");
const stream = 1000003;
const die = departDie(drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, stream, "coupling-drift"), circuit, ["coupling-drift"], stream);
const twin = { ...die, laser: { ...die.laser, couplingDriftRelPerStep: 1e-30 } };

const rms = (x: number[]): number => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
const median = (x: number[]): number => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;

/** One session on the drifting die; every round also run on the twin; how far the absorbed readings stray from the twin's. */
function run(coupling: LabSetup["coupling"]) {
  const session = new LabSession(circuit, { ...labSetup(), coupling }, labProgram(circuit, table));
  const bench = simulatedLab(session, die, 7);
  const still = simulatedLab(session, twin, 7);
  const from: number[] = [];
  const ratios: number[] = [];
  let n = 0;
  const nSites = session.struct.lc.sites.length;
  while (!session.done) {
    const round = session.nextRound();
    from.push(n);
    n += round.steps.length;
    const tw = still.run(round.steps);
    session.absorb(round, bench.run(round.steps));
    if (round.kind !== "theta" && round.kind !== "phase" && round.kind !== "through") continue;
    const got = session.absorbedReadings[round.index]!;
    round.steps.forEach((st, s) =>
      st.read.forEach((ro, j) => {
        // Lit monitors, each tap-normalized (the laser's own walk is the same on both benches).
        if (ro < nSites && tw[s]!.values[j]! > 1e-6) ratios.push(got[s]!.values[j]! / got[s]!.ref / (tw[s]!.values[j]! / tw[s]!.ref));
      }),
    );
  }
  const m = median(ratios);
  return { session, from, trace: bench.couplingTrace!(), stray: rms(ratios.map((r) => r / m - 1)) };
}

describe("coupling references divide out the input coupling's unseen drift", () => {
  it("follow the true walk, bring the readings to the twin's, and the die is exact; off or inverted, they stray", () => {
    const on = run("divide");
    const s = on.session;
    // The walk is large against what the references must resolve.
    const walk = on.trace.slice(on.from[2]!);
    expect(Math.max(...walk) - Math.min(...walk)).toBeGreaterThan(0.01);
    // The coupling the references read, against the true one up to the anchor's scale.
    // One coupling record per estimation round: θ, pairs, phase and through for each of 4 stages.
    expect(s.coupling.length).toBe(16);
    const ratio = s.coupling.flatMap((w) => Array.from(w.c, (c, i) => c / on.trace[on.from[w.round]! + i]!));
    const mid = median(ratio);
    const dev = ratio.map((r) => r / mid - 1);
    expect(rms(dev)).toBeLessThan(1.5e-3);
    expect(Math.max(...dev.map(Math.abs))).toBeLessThan(6e-3);
    // Corrected, the readings are the twin's; the program is exact on the true die and accepted.
    expect(on.stray).toBeLessThan(1.5e-3);
    const { codes } = s.programCodes();
    const check = checkCellOnFab(calibrateSession(circuit, table, s).circuit, die, codes);
    expect(check.exact).toBe(check.cases);
    expect(s.acceptance?.pass).toBe(true);
    // Planted faults: the readings as read (npm test), or multiplied by the coupling (test:full too).
    for (const mode of FULL ? (["off", "inverted"] as const) : (["off"] as const)) {
      const stray = run(mode).stray;
      expect(stray, mode).toBeGreaterThan(3 * on.stray);
    }
  }, 60_000);
});
