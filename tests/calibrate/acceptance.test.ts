// The acceptance round (docs/design/calibration.md §11): after calibration from readings, the die
// passes or fails on its output detectors' readings alone. It agrees with the true die input by
// input, it refuses a die whose crosstalk departs from the law the calibration fits (and
// `calibrate --readings` exits 1 on it), and doctored readings make it fail (the check can fail).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FULL, tier } from "../helpers/tier.ts";
import { main } from "../../cli/main.ts";
import { predictedMargins } from "../../compiler/calibrate/lab/margins.ts";
import { detectorReference, detectorThresholds } from "../../netlist/models.ts";
import { departDie } from "../../fab/departures.ts";
import { writeFabDieFile } from "../../fab/die-file.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { labBias, labProgram, labSession, measureRounds, simulatedLab, calibrateSession } from "../../pipeline/calibrate/from-readings.ts";
import type { Step } from "../../compiler/calibrate/lab/rounds.ts";
import { simulateLab } from "../../pipeline/calibrate/simulated-session.ts";
import { memoryIo } from "../helpers/io.ts";
import { cellDir, paperCell } from "./fab-fixtures.ts";

const tech = FAB_TECHNOLOGIES.foundry!;
const { circuit, table } = paperCell("divide0");

describe("the acceptance round", () => {
  it("passes a calibrated nominal die, reading every input's level within 0.01 step of the true die's", () => {
    const die = drawFabDie(circuit, tech, 41, "A");
    const run = simulateLab(circuit, table, die, 5);
    const a = run.session.acceptance!;
    expect(a.pass).toBe(true);
    expect(a.cases).toBe(16);
    expect(a.wrong).toBe(0);
    expect(checkCellOnFab(run.calibrated.circuit, die, run.codes).exact).toBe(16);
    // The receiver's responsivity comes from its local oscillator, not from a fit to the levels.
    expect(Math.abs(a.responsivityAW[0]! / die.detectors[0]!.responsivityAW - 1)).toBeLessThan(5e-3);
    expect(a.worstMarginSteps[0]!).toBeGreaterThan(a.guardSteps[0]!);
    // The same margin computed without noise on the true die (the lab engine at the programmed codes).
    const bias = labBias(run.calibrated.calibration.bias);
    const truth = predictedMargins(run.session.struct, die, run.codes, run.calibrated.circuit, bias, 4);
    expect(Math.abs(a.worstMarginSteps[0]! - truth.worst)).toBeLessThan(0.01);
  });

  it("refuses exactly the dies that are not exact, on dies whose crosstalk departs from the fitted law", () => {
    // The law alone (LabSetup.lawDeparture false): with the departure seen (law-departure.ts) these
    // dies calibrate exact, and this test is about the verdict on dies that do not.
    let refused = 0;
    // npm test: die 6 (refused, closed, exact and accepted), dies 2 and 13 (inexact and refused).
    for (const s of FULL ? [1, 2, 3, 4, 5, 6, 7, 13] : [2, 6, 13]) {
      const die = departDie(drawFabDie(circuit, tech, s, `x${s}`), circuit, ["crosstalk"], s);
      const run = simulateLab(circuit, table, die, 5, { lawDeparture: false });
      const exact = checkCellOnFab(run.calibrated.circuit, die, run.codes).exact;
      const a = run.session.acceptance!;
      // Never a false pass, and here no exact die refused either (the verdict of the last
      // acceptance round, after the closing rounds a first refusal brings: closing.ts).
      expect(a.pass).toBe(exact === 16);
      // Refused by the first round: the session planned another (a trim's or the closing's).
      if (run.session.plan.filter((p) => p.kind === "accept").length > 1) refused++;
      expect(a.accepted).toBeLessThanOrEqual(exact);
    }
    // Refused by the first acceptance round: 5 of the 8 (3 of them exact and accepted after closing,
    // dies 2 and 13 still inexact, 12 and 11 of 16); all 3 of npm test's.
    expect(refused).toBeGreaterThanOrEqual(3);
  });

  it("never passes a die that is not exact when the input coupling drifts unseen by the laser's tap (the round measures the coupling)", () => {
    const couplings: number[] = [];
    // Dies 1–3 in npm test, 1–6 in the full tier (a whole session each).
    for (let s = 1; s <= tier(3, 6); s++) {
      const die = departDie(drawFabDie(circuit, tech, s, `d${s}`), circuit, ["coupling-drift"], s);
      const run = simulateLab(circuit, table, die, 5);
      const a = run.session.acceptance!;
      if (a.pass) expect(checkCellOnFab(run.calibrated.circuit, die, run.codes).exact).toBe(16);
      couplings.push(...a.coupling!);
    }
    // The coupling it reads has moved from round 2's: the world drifted during the sessions (a die
    // without the drift reads it within 2·10⁻⁴).
    expect(Math.max(...couplings.map((c) => Math.abs(c - 1)))).toBeGreaterThan(2e-3);
  });

  it("fails on doctored readings: the decoded mode read double, or one input's reading moved a step", () => {
    const die = drawFabDie(circuit, tech, 41, "A");
    const session = labSession(circuit, table);
    const bench = simulatedLab(session, die, 5);
    let round = session.nextRound();
    for (; round.kind !== "accept"; round = session.nextRound()) session.absorb(round, bench.run(round.steps));
    const readings = bench.run(round.steps);
    const a = session.judgeAcceptance(round, readings);
    expect(a.pass).toBe(true);
    // Only the output detector's readings (the local oscillator and the coupling reference untouched).
    const det = session.struct.lc.sites.length;
    // The decoded mode's readout doubled fails (divide0's level 1 reads 2); the whole receiver's
    // doubled (the decoded mode and its reference row alike) does not: a ratiometric decode reads one
    // against the other.
    const scaled = (modes: (k: number) => boolean) =>
      readings.map((r, s) => (round.steps[s]!.read[0] === det ? { ...r, values: r.values.map((v, k) => (modes(k) ? v * 2 : v)) } : r));
    expect(
      session.judgeAcceptance(
        round,
        scaled((k) => k === 0),
      ).pass,
    ).toBe(false);
    expect(
      session.judgeAcceptance(
        round,
        scaled(() => true),
      ).pass,
    ).toBe(true);
    // One detector step in A on case 4's decoded readout. The decode is ratiometric: level = (Re y ·
    // reference / Re y_ref) / step, each receiver's Re y its current over its own responsivity, so a
    // step is step · (I_ref / reference) · (R_0 / R_ref).
    const cal = labProgram(circuit, table)(session.estimatedDie).calibrated;
    const detector = Object.values(cal.netlists[cal.top]!.instances).find((i) => i.component === "detector")!;
    const s4 = round.steps.findIndex((s) => s.purpose === "acceptance: input 4");
    const [i0, iRef] = readings[s4]!.values as [number, number];
    expect(iRef).toBeGreaterThan(0);
    const step =
      (detectorThresholds(detector.settings, 1).step[0]! * iRef * a.responsivityAW[0]!) /
      (detectorReference(detector.settings)! * a.responsivityAW[1]!);
    const moved = readings.map((r, s) => (s === s4 ? { ...r, values: [i0 + step, iRef] } : r));
    const m = session.judgeAcceptance(round, moved);
    expect(m.pass).toBe(false);
    expect(m.failing.map((f) => f.case)).toContain(4);
  });

  it("makes calibrate --readings exit 1, naming the cell and the failing inputs, on a die the calibration's model does not fit", async () => {
    const dir = cellDir("optinc-accept-", circuit, table, "paper_4x8.divide0");
    // The study's die 12 (scripts/lab-study.ts --departure crosstalk, lab seed 7 + 12): the one of its
    // 100 divide0 dies still refused with the receiver's trim (docs/design/calibration.md §11, §12), 15 of 16
    // inputs exact, since each threshold row carries its own constant (docs/design/digit-cells.md §2.2). Its
    // die 46, used here before, is exact and accepted since then; its die 9 since the trim
    // (tests/calibrate/level-trim-session.test.ts), and seed 8 of this file since the law's departure was seen.
    const stream = 1000003 + 12;
    const die = departDie(drawFabDie(circuit, tech, stream, "crosstalk off its law"), circuit, ["crosstalk"], stream);
    const work = mkdtempSync(join(tmpdir(), "optinc-accept-work-"));
    writeFileSync(join(work, "die.json"), writeFabDieFile(die));
    const run = async (args: string[]): Promise<{ code: number; err: string }> => {
      const io = memoryIo();
      const code = await main(args, io);
      return { code, err: io.err() };
    };
    const m = await run(["measure", dir, "--die", join(work, "die.json"), "--seed", "19", "-o", join(work, "r.json")]);
    expect(m.code).toBe(0);
    const c = await run(["--verbose", "calibrate", dir, "--readings", join(work, "r.json"), "-o", join(work, "cal")]);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(
      /FAIL: cell divide0 of die "crosstalk off its law" is refused on its readings \(\d+ of 16 inputs miss the guard\)/,
    );
    expect(c.err).toMatch(/inputs \[\d, \d\]: expected \[\d\], read levels \[-?[\d.]+\]/);
    expect(c.err).not.toMatch(/predicted on the estimated die/);
    // The pairs' departure from the law is named (law-departure.ts).
    expect(c.err).toMatch(
      /crosstalk off its law: \d+ of \d+ near pairs of \S+ read more than the law's own size from it; .*, and each through sweep at 1 monitor/,
    );
    // The true die agrees: the calibrated files are not exact on it.
    const v = await run(["verify", join(work, "cal"), "--measured", join(work, "die.json")]);
    expect(v.code).toBe(1);
  });

  it("names a dead monitor photodiode, and its verdict on that die is the true die's", async () => {
    const dir = cellDir("optinc-dead-", circuit, table, "paper_4x8.divide0");
    const base = drawFabDie(circuit, tech, 41, "dead monitor");
    // The threshold stage's first monitor (threshold/e5_dump before each threshold row carried its own constant).
    const die = { ...base, monitors: base.monitors!.map((m) => (m.name === "threshold/e8_dump" ? { ...m, responsivityAW: 0 } : m)) };
    const work = mkdtempSync(join(tmpdir(), "optinc-dead-work-"));
    writeFileSync(join(work, "die.json"), writeFabDieFile(die));
    const io = memoryIo();
    expect(await main(["measure", dir, "--die", join(work, "die.json"), "--seed", "5", "-o", join(work, "r.json")], io)).toBe(0);
    const io2 = memoryIo();
    const code = await main(["calibrate", dir, "--readings", join(work, "r.json"), "-o", join(work, "cal"), "--json"], io2);
    const result = JSON.parse(io2.out()).result;
    // Named first; monitors lit only through that entry may read dark after it (their light crossed
    // an entry whose θ the dead photodiode left unmeasured): none here (the design before the per-row
    // constants had step/e3, digits/e0 and digits/to1 read dark after threshold/e5).
    expect(result.darkMonitors[0]).toBe("threshold/e8_dump");
    // The session named it dead from its flat fringe and read past it (dead-monitor.ts); no other.
    expect(result.deadMonitors).toEqual(["threshold/e8_dump"]);
    // Whatever the session made of it, the acceptance round's verdict is the true die's.
    expect(code).toBe(result.acceptance.pass ? 0 : 1);
    const v = memoryIo();
    expect(await main(["verify", join(work, "cal"), "--measured", join(work, "die.json")], v)).toBe(code);
  });

  it("measure warns by name of a readout that saturated (OPT6320) or read dark through a lit sweep (OPT6321); a nominal die draws neither", async () => {
    const dir = cellDir("optinc-warn-", circuit, table, "paper_4x8.divide0");
    const base = drawFabDie(circuit, tech, 41, "warnings");
    const measure = async (monitors: typeof base.monitors): Promise<string> => {
      const work = mkdtempSync(join(tmpdir(), "optinc-warn-work-"));
      writeFileSync(join(work, "die.json"), writeFabDieFile({ ...base, monitors }));
      const io = memoryIo();
      expect(await main(["measure", dir, "--die", join(work, "die.json"), "--seed", "5", "-o", join(work, "r.json")], io)).toBe(0);
      return io.err();
    };
    const nominal = await measure(base.monitors);
    expect(nominal).not.toMatch(/OPT632[01]/);
    // A photodiode 10⁴ A/W: 1 mW reads 10 A, past the instrument's full scale; another at 0 A/W.
    const err = await measure(
      base.monitors!.map((m) =>
        m.name === "sum/e0_dump" ? { ...m, responsivityAW: 1e4 } : m.name === "threshold/e8_dump" ? { ...m, responsivityAW: 0 } : m,
      ),
    );
    expect(err).toMatch(/warning\[OPT6320\].*readout sum\/e0_dump saturated/);
    expect(err).toMatch(/warning\[OPT6321\].*readout threshold\/e8_dump read dark/);
  }, 120_000);

  // A whole session on add0 under a tail that corrupts every sweep (about 10 s): the full tier.
  it.runIf(FULL)(
    "refuses, without hanging, a thermal-tail die read by a lab that does not wait what the protocol says (through fringes the estimate predicts flat; OPTINC_FULL=1)",
    () => {
      // add0's die 5 of the departures bench: read after the instrument's 0.05 ms, the estimate's
      // path gain came out infinite and the program's phase target not a number (programPhase then
      // never ended). The settling probe now makes the session wait for the tail (settling.ts), so
      // this lab strips every step's wait: the tail corrupts every sweep again.
      const add0 = paperCell("add0");
      const stream = 1000003 + 5;
      const die = departDie(drawFabDie(add0.circuit, tech, stream, "tail"), add0.circuit, ["thermal-tail"], stream);
      const session = labSession(add0.circuit, add0.table);
      const bench = simulatedLab(session, die, 7 + 5);
      const hasty = { run: (steps: Step[]) => bench.run(steps.map((s) => ({ ...s, settleMs: undefined }))) };
      measureRounds(session, hasty);
      expect(session.settling!.detected).toBe(true);
      expect(session.acceptance!.pass).toBe(false);
      const cal = calibrateSession(add0.circuit, add0.table, session);
      expect(checkCellOnFab(cal.circuit, die, session.programCodes().codes).exact).toBeLessThan(256);
    },
    60_000,
  );
});
