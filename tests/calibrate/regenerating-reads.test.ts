// Calibration from readings through regenerating reads (docs/design/calibration.md §8.5): the quick
// start's divide0 as compiled under its light budget, every activation a homodyne read with a gain,
// its threshold row's mode limited. Each rule is checked on the true die with its planted fault:
// - a row measured through its limited read lit below the limit: dies 0–5 exact and accepted;
//   lit as planned (belowLimit false), its through fringe reads the limit and most are refused;
// - readings behind a saturated read divided as they follow the laser: every θ within 1 mrad of the
//   true die; divided as if they followed the ports (readingExponents false), the laser's drift bends
//   the later stages' fringes by mrad;
// - a gate behind a homodyne read fitted to its readings, a lone row's efficiency with it: each such
//   row within 20 mrad of phase 0 in operation; the open arc's centre (gateFit false) leaves tenths
//   of a radian, which the read turns into a cos δ loss of amplitude;
// - monitors within their range: no reading at the readout's full scale; without the cap
//   (monitorMaxMw Infinity) a read's gain saturates some.
// And the gate fit alone, on synthetic readings: a planted phase and efficiency read back to 1e-6.
import { describe, expect, it } from "vitest";
import { gateShift, homodyneShift } from "../../compiler/calibrate/lab/gate.ts";
import type { LabSetup } from "../../compiler/calibrate/lab/rounds.ts";
import { realizedPhases, wrapSigned } from "../../netlist/die/heaters.ts";
import { dieEngine } from "../../netlist/lab/die-engine.ts";
import { caseCount, casePowers } from "../../netlist/lab/optics.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { labBias } from "../../pipeline/calibrate/from-readings.ts";
import { simulateLab } from "../../pipeline/calibrate/simulated-session.ts";
import { studyDie } from "../../scripts/lab-study-core.ts";
import { quickStartCell } from "./regenerated-fixtures.ts";

/** The readout's full scale (fab/lab-bench.ts: the SMU's top decade), A. */
const FULL_SCALE_A = 1e-2;

describe("calibration through regenerating reads: the quick start's divide0", () => {
  const { name, circuit, table } = quickStartCell("divide0");
  const runs = new Map<string, ReturnType<typeof run>>();

  function run(d: number, setup: Partial<LabSetup>) {
    const die = studyDie(circuit, name, d);
    const r = simulateLab(circuit, table, die, 7 + d, setup);
    const s = r.session;
    const check = checkCellOnFab(r.calibrated.circuit, die, r.codes);
    const a = realizedPhases(die, r.codes);
    const b = realizedPhases(s.estimatedDie, r.codes);
    const theta = Math.max(...s.struct.entries.map((e) => Math.abs(wrapSigned(a[e.theta]! - b[e.theta]!))));
    // Each lone row behind a homodyne read: its phase on the true die in operation, where the program puts it at 0.
    const lc = s.struct.lc;
    const eng = dieEngine(lc, die);
    const bias = labBias(r.calibrated.calibration.bias);
    const lone = s.struct.stages.flatMap((st) => st.rows).filter((row) => row.act?.homodyne && row.entries.length === 1);
    let rowPhase = 0;
    for (let n = 0; n < caseCount(lc, 2); n++) {
      const f = eng.fields(a, casePowers(lc, 2, bias, n));
      for (const row of lone) {
        const [x, y] = f.pin(`${row.part},out${row.index}`);
        if (Math.hypot(x, y) > 1e-3) rowPhase = Math.max(rowPhase, Math.abs(Math.atan2(y, x)));
      }
    }
    const saturated = (s as unknown as { state: { readings: { values: number[] }[][] } }).state.readings
      .flat()
      .reduce((k, rd) => k + rd.values.filter((v) => Math.abs(v) >= FULL_SCALE_A).length, 0);
    return { exact: check.exact === check.cases, accepted: s.acceptance?.pass === true, theta, rowPhase, saturated };
  }
  const at = (d: number, setup: Partial<LabSetup> = {}) => {
    const key = `${d} ${JSON.stringify(setup)}`;
    if (!runs.has(key)) runs.set(key, run(d, setup));
    return runs.get(key)!;
  };
  const dies = [0, 1, 2, 3, 4, 5];

  it("is exact on the true die and accepted on dies 0–5; lit as planned through its limited read, most are refused, none passed falsely", () => {
    for (const d of dies) expect(at(d), `die ${d}`).toMatchObject({ exact: true, accepted: true });
    const planted = dies.map((d) => at(d, { belowLimit: false }));
    expect(planted.filter((r) => !r.accepted).length).toBeGreaterThanOrEqual(3);
    expect(planted.filter((r) => r.accepted && !r.exact)).toEqual([]);
  });

  it("reads every θ to 1 mrad behind saturated reads; divided as if every reading followed the laser, mrad off", () => {
    const three = [0, 1, 2];
    expect(Math.max(...three.map((d) => at(d).theta))).toBeLessThan(1e-3);
    expect(Math.max(...three.map((d) => at(d, { readingExponents: false }).theta))).toBeGreaterThan(2e-3);
  });

  it("puts each lone row behind a homodyne read within 20 mrad of phase 0 in operation; the open arc's centre does not", () => {
    const four = [0, 1, 2, 3];
    expect(Math.max(...four.map((d) => at(d).rowPhase))).toBeLessThan(0.02);
    expect(Math.max(...four.map((d) => at(d, { gateFit: false }).rowPhase))).toBeGreaterThan(0.3);
  });

  it("keeps every monitor inside its readout's range; without the cap a read's gain saturates some", () => {
    expect(at(4).saturated + at(5).saturated).toBe(0);
    expect(
      at(4, { monitorMaxMw: Number.POSITIVE_INFINITY }).saturated + at(5, { monitorMaxMw: Number.POSITIVE_INFINITY }).saturated,
    ).toBeGreaterThan(0);
  });
});

describe("the gate fit behind a homodyne read (gate.ts homodyneShift)", () => {
  const act = { gain: 4, slope: 0, limit: 0, homodyne: true, out: "" };
  // A gate scan's 16 settings of the reference's φ (uniform in heater power up to 62.5 mW), the row's
  // field as the estimate has it, and the readings of a row whose phase is off by δ + ε·P.
  const p = Array.from({ length: 16 }, (_, k) => (62.5 * k) / 15);
  const eta = Math.PI / 25;
  const z = p.map((x): [number, number] => [0.3 * Math.cos(eta * x), 0.3 * Math.sin(eta * x)]);
  const reads = (delta: number, eps: number): number[] =>
    z.map(([x, y], k) => {
      const t = delta + eps * p[k]!;
      const re = x * Math.cos(t) - y * Math.sin(t);
      return re > 0 ? 0.7 * (act.gain * re) ** 2 : 0;
    });

  it("reads a planted phase back to 1e-6 rad; the open arc's centre misses it by more than 0.02", () => {
    const v = reads(0.37, 0);
    const fit = homodyneShift(z, v, act);
    expect(Math.abs(wrapSigned(fit.shift - 0.37))).toBeLessThan(1e-6);
    expect(fit.agreement).toBeGreaterThan(0.999999);
    const max = Math.max(...v);
    const arc = gateShift(
      z,
      v.map((x) => x > 0.5 * max),
    );
    expect(Math.abs(wrapSigned(arc.shift - 0.37))).toBeGreaterThan(0.02);
  });

  it("with the heater's powers, reads a lone row's efficiency too; without them, its phase is off", () => {
    const eps = 0.04 * eta;
    const v = reads(-0.2, eps);
    const fit = homodyneShift(z, v, act, p, eta);
    expect(Math.abs(wrapSigned(fit.shift + 0.2))).toBeLessThan(1e-6);
    expect(Math.abs(fit.eta! - eps)).toBeLessThan(1e-8);
    const flat = homodyneShift(z, v, act);
    expect(flat.eta).toBeUndefined();
    expect(Math.abs(wrapSigned(flat.shift + 0.2 - eps * 31.25))).toBeGreaterThan(1e-3);
  });
});
