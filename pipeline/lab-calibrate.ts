// Calibration from readings (issue #23), the pipeline side: the lab setup a design and its
// technology state, the program the session re-plans with (the per-MZI corrector of
// pipeline/calibrate-fab.ts on the estimated die), and the simulated lab loop of `optinc measure`:
// plan a round, run it on the true die, absorb the readings, until the session is done.
import type { Circuit, PhaseTable } from "../netlist/ir.ts";
import type { FabDie } from "../netlist/die-fab.ts";
import { programmedPhases } from "../netlist/die-fab-drive.ts";
import { labBench, LAB_INSTRUMENTS } from "../netlist/lab-bench.ts";
import { DEFAULT_SETUP, LabSession, type LabSetup, type Program, type Round, type StepReading } from "../compiler/calibrate/lab/session.ts";
import { calibrateFab, type FabCalibration } from "./calibrate-fab.ts";

/** The foundry heater and drive (netlist/die-fab-technology.ts): 16-bit DAC, P_π 25 mW, 2.5π range. */
export const FOUNDRY_LAB: LabSetup = {
  ...DEFAULT_SETUP,
  driveBits: 16,
  pMaxMw: (2.5 * Math.PI) / (Math.PI / 25),
  etaNominal: Math.PI / 25,
};

/** The corrector on a model die; the last calibration is kept (its circuit is what the lab programs). */
export function labProgram(circuit: Circuit, table: PhaseTable | null): { program: Program; last: () => FabCalibration | null } {
  let last: FabCalibration | null = null;
  const program: Program = (model: FabDie) => {
    last = calibrateFab(circuit, table, model);
    return {
      targets: programmedPhases(last.circuit, model),
      bias: new Map([...last.calibration.bias].map(([k, v]) => [`bias:${k}`, v])),
    };
  };
  return { program, last: () => last };
}

export interface LabRun {
  session: LabSession;
  rounds: { round: Round; readings: StepReading[] }[];
  steps: number;
  readings: number;
  /** Instrument time: every step settles once and reads once per readout. */
  labSeconds: number;
  /** Wall time of planning and estimation (the lab's own time excluded). */
  calibrationMs: number;
}

/** The whole simulated lab session on a true die (`optinc measure` without a protocol). */
export function simulateLab(circuit: Circuit, table: PhaseTable | null, die: FabDie, seed: number, setup = FOUNDRY_LAB): LabRun & { codes: Int32Array; calibrated: FabCalibration } {
  const t0 = performance.now();
  let labMs = 0;
  const { program, last } = labProgram(circuit, table);
  const session = new LabSession(circuit, setup, program);
  const bench = labBench(session.struct.lc, die, seed);
  const rounds: LabRun["rounds"] = [];
  let steps = 0;
  let readings = 0;
  while (!session.done) {
    const round = session.nextRound();
    const tl = performance.now();
    const rd = bench.run(round.steps);
    labMs += performance.now() - tl;
    steps += round.steps.length;
    for (const s of round.steps) readings += s.read.length;
    session.absorb(round, rd);
    rounds.push({ round, readings: rd });
  }
  const { codes } = session.programCodes();
  const calibrated = last()!;
  return {
    session,
    rounds,
    steps,
    readings,
    labSeconds: labTime(steps, readings),
    calibrationMs: performance.now() - t0 - labMs,
    codes,
    calibrated,
  };
}

/** Lab time of a protocol: each step settles the heaters once, then reads (readings in sequence). */
export function labTime(steps: number, readings: number): number {
  return (steps * LAB_INSTRUMENTS.settleMs + readings * LAB_INSTRUMENTS.readMs) / 1000;
}
