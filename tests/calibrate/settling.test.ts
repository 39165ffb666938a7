// The settling probe (compiler/calibrate/lab/settling.ts): the session reads a slow
// thermal tail on a die that has one (fab/departures.ts thermal-tail: 3 % with τ = 5 ms) and none on
// a nominal die, and plans every later step's wait from what it read; with those waits a
// thermal-tail die calibrates exact and is accepted, where the instrument's 0.05 ms made 0 of 30
// exact (docs/design/calibration.md §9.2). The fit itself recovers τ from synthetic holds.
import { describe, expect, it } from "vitest";
import { departDie } from "../../fab/departures.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { LAB_INSTRUMENTS, labBench } from "../../fab/lab-bench.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { fitTail } from "../../compiler/calibrate/lab/tail-fit.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { labSession, measureRounds, simulatedLab } from "../../pipeline/calibrate/from-readings.ts";
import { simulateLab } from "../../pipeline/calibrate/simulated-session.ts";
import { createRng } from "../../math/rng.ts";
import { paperCell } from "./fab-fixtures.ts";

const tech = FAB_TECHNOLOGIES.foundry!;
const { circuit, table } = paperCell("divide0");
const nominal = drawFabDie(circuit, tech, 1000003, "nominal");
const tailed = departDie(drawFabDie(circuit, tech, 1000004, "tail"), circuit, ["thermal-tail"], 1000004);

/** The dark round and the settling probe on a die; the session then plans round 3. */
function probe(die: typeof nominal) {
  const s = labSession(circuit, table);
  measureRounds(s, simulatedLab(s, die, 7), 2);
  return { settling: s.settling!, next: s.nextRound() };
}

describe("the settling probe", () => {
  it("reads the thermal tail on a die that has one, and waits for it in every later step that moves a heater", () => {
    expect(tailed.thermal).toEqual({ tailFraction: 0.03, tailMs: 5 });
    const { settling, next } = probe(tailed);
    expect(settling.detected).toBe(true);
    expect(Math.abs(settling.tauMs / 5 - 1)).toBeLessThan(0.1);
    expect(settling.explained).toBeGreaterThan(0.99);
    // A full-range step waits more than five τ; the theta sweeps' steps wait several τ.
    expect(settling.settleMs).toBeGreaterThan(25);
    // A step that moves a heater waits at least τ; one that moves none, the instrument's own.
    expect(next.kind).toBe("theta");
    let prev: ArrayLike<number> = new Int32Array(next.steps[0]!.codes.length);
    const moves = next.steps.map((s) => {
      const m = Array.from(s.codes).some((c, i) => c !== prev[i]);
      prev = s.codes;
      return m;
    });
    const waits = next.steps.map((s) => s.settleMs!);
    expect(moves.filter(Boolean).length).toBeGreaterThan(next.steps.length / 2);
    expect(Math.min(...waits.filter((_, k) => moves[k]))).toBeGreaterThan(5);
    expect(waits.filter((_, k) => !moves[k]).every((w) => w === LAB_INSTRUMENTS.settleMs)).toBe(true);
    expect(Math.max(...waits)).toBeLessThanOrEqual(settling.settleMs);
  });

  it("reads no tail on a nominal die: every step waits the instrument's own settling", () => {
    expect(nominal.thermal).toBeUndefined();
    const { settling, next } = probe(nominal);
    expect(settling.detected).toBe(false);
    expect(settling.tail).toBeLessThan(1e-3);
    expect(settling.settleMs).toBe(LAB_INSTRUMENTS.settleMs);
    expect(new Set(next.steps.map((s) => s.settleMs))).toEqual(new Set([LAB_INSTRUMENTS.settleMs]));
  });

  it("the bench honours a step's wait: a tail die reads a change differently after 0.05 ms and after 50 ms, a nominal die does not", () => {
    const s = labSession(circuit, table);
    const e = s.struct.entries[0]!;
    const powers = new Float64Array(s.struct.lc.inputs.length).fill(1);
    const codes = new Int32Array(s.struct.heaters.length);
    codes[e.theta] = 2 ** s.setup.driveBits - 1;
    const read = (die: typeof nominal, settleMs: number): number =>
      labBench(s.struct.lc, die, 1).run([{ powers, codes, read: [e.dump], settleMs }])[0]!.values[0]!;
    const rel = (die: typeof nominal): number => Math.abs(read(die, 0.05) / read(die, 50) - 1);
    expect(rel(tailed)).toBeGreaterThan(1e-2);
    expect(rel(nominal)).toBeLessThan(1e-3);
  });

  it("makes a thermal-tail die exact from readings and accepted, within 300 readings per MZI", () => {
    const run = simulateLab(circuit, table, tailed, 7);
    const r = checkCellOnFab(run.calibrated.circuit, tailed, run.codes);
    // Without the probe's waits this die is not exact (and refused): the tail corrupts every sweep.
    expect(r.exact).toBe(r.cases);
    expect(run.session.acceptance!.pass).toBe(true);
    expect(run.session.settling!.detected).toBe(true);
    expect(run.readings / run.session.struct.entries.length).toBeLessThanOrEqual(300);
  });
});

describe("the tail fit", () => {
  const times = [0.05, 1.1, 3.15, 6.2, 11.25, 20.3, 37.35, 70.4, 135.45];
  const rng = createRng(3);
  const hold = (a: number, b: number, tau: number, noise: number) => ({
    timesMs: times,
    values: times.map((t) => a + b * Math.exp(-t / tau) + noise * rng.normal()),
  });

  it("recovers a shared τ and each hold's amplitude", () => {
    const f = fitTail([hold(1, 0.1, 5, 1e-5), hold(0.4, -0.05, 5, 1e-5)], 0.05, 135);
    expect(Math.abs(f.tauMs / 5 - 1)).toBeLessThan(0.01);
    expect(f.amplitudes[0]!).toBeCloseTo(0.1, 3);
    expect(f.amplitudes[1]!).toBeCloseTo(-0.05, 3);
    expect(f.sse / f.sseFlat).toBeLessThan(1e-3);
  });

  it("explains little of holds without a tail", () => {
    const f = fitTail([hold(1, 0, 5, 1e-5), hold(0.4, 0, 5, 1e-5)], 0.05, 135);
    expect(1 - f.sse / f.sseFlat).toBeLessThan(0.9);
  });
});
