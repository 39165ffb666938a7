// The simulated lab session in one call (the studies and the bench): a true die measured round by
// round (pipeline/calibrate/from-readings.ts measureRounds) and calibrated from the readings alone, with the wall time
// of planning and estimation kept apart from the simulated instruments' time.
import type { Circuit, PhaseTable } from "../../netlist/ir.ts";
import type { FabDie } from "../../netlist/die/heaters.ts";
import { labTimeMs, roundReadings } from "../../compiler/calibrate/lab/lab-files.ts";
import type { LabSetup } from "../../compiler/calibrate/lab/rounds.ts";
import type { LabSession } from "../../compiler/calibrate/lab/session.ts";
import type { FabCalibration } from "./fabricated-die.ts";
import { calibrateSession, LAB_INSTRUMENT, labSession, simulatedLab } from "./from-readings.ts";

export interface LabRun {
  session: LabSession;
  steps: number;
  readings: number;
  /** Instrument time (settling and reading), s. */
  labSeconds: number;
  /** Wall time of planning and estimation, the simulated instruments excluded, ms. */
  calibrationMs: number;
  /** CPU time of the same (user + system, this process), ms: what a loaded machine does not inflate. */
  calibrationCpuMs: number;
  codes: Int32Array;
  /** The design re-programmed on the estimated die: what the lab loads with `codes`. */
  calibrated: FabCalibration;
}

export function simulateLab(circuit: Circuit, table: PhaseTable | null, die: FabDie, seed: number, setup: Partial<LabSetup> = {}): LabRun {
  const t0 = performance.now();
  const c0 = cpuMs();
  let labMs = 0;
  let labCpuMs = 0;
  const session = labSession(circuit, table, setup);
  const bench = simulatedLab(session, die, seed);
  let steps = 0;
  let readings = 0;
  let time = 0;
  while (!session.done) {
    const round = session.nextRound();
    const tl = performance.now();
    const cl = cpuMs();
    const rd = bench.run(round.steps);
    labMs += performance.now() - tl;
    labCpuMs += cpuMs() - cl;
    steps += round.steps.length;
    readings += roundReadings(round.steps);
    time += labTimeMs(round.steps, LAB_INSTRUMENT);
    session.absorb(round, rd);
  }
  const { codes } = session.programCodes();
  const calibrated = calibrateSession(circuit, table, session);
  return {
    session,
    steps,
    readings,
    labSeconds: time / 1000,
    calibrationMs: performance.now() - t0 - labMs,
    calibrationCpuMs: cpuMs() - c0 - labCpuMs,
    codes,
    calibrated,
  };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
