// Calibration of a fabricated cell from what a lab reads (docs/design/calibration.md §7–§11):
// the lab setup a session plans with (the technology's nominal heater, never a die's), the design's
// program on an estimated die, the simulated lab (fab/lab-bench.ts on a true die, for
// `optinc measure`), and the calibrated files `optinc calibrate --readings` writes. The true die only
// enters through `measureRounds`; everything else sees readings.
import type { Circuit, PhaseTable, PortMapCell } from "../../netlist/ir.ts";
import type { EstimatedDie, FabDie } from "../../netlist/die/heaters.ts";
import { programmedPhases, writeDriveFile } from "../../netlist/formats/drive-file.ts";
import { writeFabDieFile } from "../../fab/die-file.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { LAB_INSTRUMENTS, labBench, type LabBench } from "../../fab/lab-bench.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import {
  DEFAULT_SETUP,
  LabSession,
  type LabSetup,
  type Program,
  type Round,
  type StepReading,
} from "../../compiler/calibrate/lab/session.ts";
import { labTimeMs, roundReadings, type LabInstrument, type ReadingsDoc } from "../../compiler/calibrate/lab/lab-files.ts";
import { calibrateFab, calibratedDesign, type FabCalibration } from "./fabricated-die.ts";
import { predictedMargins, type PredictedMargins } from "../../compiler/calibrate/lab/margins.ts";
import { readCellInfo } from "../../aggregate/circuit-info.ts";
import type { AcceptVerdict } from "../../compiler/calibrate/lab/accept-verdict.ts";

/** The simulated lab's instruments (fab/lab-bench.ts), as the lab files state them. */
export const LAB_INSTRUMENT: LabInstrument = {
  settleMs: LAB_INSTRUMENTS.settleMs,
  readMs: LAB_INSTRUMENTS.readMs,
  fullScaleA: LAB_INSTRUMENTS.ranges[LAB_INSTRUMENTS.ranges.length - 1]!,
  thermalNoiseA: LAB_INSTRUMENTS.thermalNoiseA,
};

/** Bias amplitudes by lab input name ("bias:<instance>"), as a lab drives them, from a calibration's. */
export function labBias(bias: ReadonlyMap<string, number>): Map<string, number> {
  return new Map([...bias].map(([k, v]) => [`bias:${k}`, v]));
}

/** What a lab knows before reading anything: the technology's drive and nominal heater efficiency. */
export function labSetup(technology = "foundry"): LabSetup {
  const h = FAB_TECHNOLOGIES[technology]!.heater;
  const eta = Math.PI / h.pPiMw;
  return {
    driveBits: h.driveBits,
    pMaxMw: h.rangeRad / eta,
    etaNominal: eta,
    settleMs: LAB_INSTRUMENT.settleMs,
    readMs: LAB_INSTRUMENT.readMs,
    ...DEFAULT_SETUP,
  };
}

/**
 * The design re-programmed on an estimated die (the per-MZI corrector): realized targets and bias
 * amplitudes. The corrector reads only the estimate's passive part, which most rounds do not move,
 * so its last answer is kept while that part reads the same, number for number.
 */
export function labProgram(circuit: Circuit, table: PhaseTable | null): Program {
  let last: { key: string; targets: Float64Array; bias: Map<string, number>; calibrated: Circuit } | null = null;
  return (estimatedDie) => {
    const key = passiveKey(estimatedDie);
    if (last?.key !== key) {
      const r = calibratedDesign(circuit, table, estimatedDie);
      last = { key, targets: programmedPhases(r.circuit, estimatedDie), bias: labBias(r.calibration.bias), calibrated: r.circuit };
    }
    return { targets: Float64Array.from(last.targets), bias: new Map(last.bias), calibrated: last.calibrated };
  };
}

/** What of an estimate the corrector reads (its id, heater paths and passive part), as text exact to the bit (−0 kept apart from 0). */
function passiveKey(die: EstimatedDie): string {
  return JSON.stringify([die.id, die.heaters.map((h) => h.path), [...die.passive]], (_, v) => (Object.is(v, -0) ? "-0" : v));
}

/** The design re-programmed on a session's estimated die, with the receiver's levels its acceptance rounds trimmed. */
export function calibrateSession(circuit: Circuit, table: PhaseTable | null, session: LabSession): FabCalibration {
  return calibrateFab(circuit, table, session.estimatedDie, true, session.levelTrim);
}

/** A fresh measurement session for a cell design; `setup` overrides the protocol's defaults (the studies' ablations). */
export function labSession(circuit: Circuit, table: PhaseTable | null, setup: Partial<LabSetup> = {}): LabSession {
  return new LabSession(circuit, { ...labSetup(), ...setup }, labProgram(circuit, table));
}

/** The cell design's short name ("divide0"): the circuit's info.cell, else the file stem. */
export function cellNameOf(circuit: Circuit, stem: string): string {
  return typeof circuit.info.cell === "string" ? circuit.info.cell : stem;
}

/** The simulated lab on a true die, its noise stream seeded apart from the die's. */
export function simulatedLab(session: LabSession, die: FabDie, seed: number): LabBench {
  return labBench(session.struct.lc, die, seed);
}

/**
 * Measure rounds on the bench and absorb them, until the session is done or `count` rounds are
 * measured (the session plans each from the ones before).
 */
export function measureRounds(
  session: LabSession,
  bench: LabBench,
  count = Number.POSITIVE_INFINITY,
): { round: Round; readings: StepReading[] }[] {
  const out: { round: Round; readings: StepReading[] }[] = [];
  while (!session.done && out.length < count) {
    const round = session.nextRound();
    const readings = bench.run(round.steps);
    session.absorb(round, readings);
    out.push({ round, readings });
  }
  return out;
}

export interface LabTotals {
  rounds: number;
  steps: number;
  /** Photodiode readings (the laser reference tap read with each step not counted). */
  readings: number;
  /** Attenuators (MZIs) of the cell. */
  mzis: number;
  readingsPerMzi: number;
  labTimeS: number;
}

/** Totals of rounds (planned rounds, or the rounds of a readings file). */
export function labTotals(session: LabSession, rounds: { steps: { read: readonly unknown[] }[] }[]): LabTotals {
  const steps = rounds.flatMap((r) => r.steps);
  const readings = roundReadings(steps);
  const mzis = session.struct.entries.length;
  return {
    rounds: rounds.length,
    steps: steps.length,
    readings,
    mzis,
    readingsPerMzi: mzis ? readings / mzis : 0,
    labTimeS: labTimeMs(steps, LAB_INSTRUMENT) / 1000,
  };
}

const labTime = (s: number): string => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);

export const formatTotals = (t: LabTotals): string =>
  `${t.steps} steps, ${t.readings} readings (${t.readingsPerMzi.toFixed(1)} per MZI over ${t.mzis} attenuators), lab time ${labTime(t.labTimeS)}`;

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** What the settling probe read and the wait it chose, as the lab-calibration file states it. */
export function settlingDoc(session: LabSession): Record<string, unknown> | null {
  const s = session.settling;
  if (!s) return null;
  const r = (x: number): number => Number(x.toPrecision(4));
  return {
    detected: s.detected,
    tauMs: r(s.tauMs),
    tail: r(s.tail),
    explained: r(s.explained),
    settleMs: s.settleMs,
    heaters: s.heaters.map((h) => session.struct.heaters[h]!.name),
  };
}

export interface LabCalibrationOutcome {
  files: Map<string, string>;
  /** The estimated die as written (id: estimated from the readings' die). */
  estimatedDie: EstimatedDie;
  codes: Int32Array;
  maxPhaseErrorRad: number;
  identified: number;
  parked: number;
  /** Decision margins predicted on the estimated die, in detector steps (a prediction, never a check). */
  margins: PredictedMargins;
  /** The acceptance round's verdict, from the output detectors' readings alone. */
  acceptance: AcceptVerdict;
}

/** The acceptance verdict as the lab-calibration file and `--json` state it (the first `show` failing inputs). */
export function acceptanceDoc(a: AcceptVerdict, show = 20): Record<string, unknown> {
  const r = (x: number): number => Math.round(x * 1e4) / 1e4;
  return {
    pass: a.pass,
    cases: a.cases,
    accepted: a.accepted,
    wrong: a.wrong,
    worstMarginSteps: a.worstMarginSteps.map(r),
    guardSteps: a.guardSteps.map(r),
    repeatSpreadSteps: a.repeatSpreadSteps.map(r),
    responsivityAW: a.responsivityAW.map(r),
    coupling: a.coupling ? a.coupling.map(r) : null,
    failing: a.failing
      .slice(0, show)
      .map((f) => ({ inputs: f.inputs, expected: f.expected, read: f.read.map(r), margin: f.margin.map(r) })),
    failingCount: a.failing.length,
  };
}

/**
 * `optinc calibrate --readings`: the session has absorbed every round. Writes what `calibrate
 * --measured` writes for a fabricated die — the corrected phase table and netlists, `<name>.drive.json`
 * (the session's codes) and `<name>.calibration.json` — plus the estimated die
 * (`<name>.estimated-die.json`, optinc.die/2) and `<name>.lab-calibration.json` (per heater: estimate,
 * σ, fit rms, what it was identified from; parked heaters "not identified (gauge)").
 */
export function labCalibrationFiles(
  name: string,
  circuit: Circuit,
  table: PhaseTable | null,
  session: LabSession,
  readings: ReadingsDoc,
  portCell?: PortMapCell,
): LabCalibrationOutcome {
  const st = session.struct;
  const prog = session.programCodes();
  // The estimate, named after the die it was read from; detectors at the instruments' nominal
  // figures (a lab calibrates its readouts apart; the die file needs one entry per detector mode).
  const estimatedDie: EstimatedDie = {
    ...session.estimatedDie,
    id: `estimated from readings of ${readings.die || readings.circuit}`,
    detectors: st.lc.detectors.map((d) => ({
      name: d,
      responsivityAW: LAB_INSTRUMENTS.monitorResponsivityAW,
      darkA: 0,
      noiseA: LAB_INSTRUMENTS.thermalNoiseA,
      adcBits: LAB_INSTRUMENTS.adcBits,
      fullScaleA: LAB_INSTRUMENT.fullScaleA,
    })),
  };
  const r = calibrateFab(circuit, table, estimatedDie, true, session.levelTrim);
  const bias = labBias(r.calibration.bias);
  const acceptance = session.acceptance;
  if (!acceptance) throw new Error("labCalibrationFiles: the session has no acceptance round");
  // The estimate's own view: its thresholds before the receiver's trim (which the estimate does not explain).
  const own = session.levelTrim ? calibrateFab(circuit, table, estimatedDie).circuit : r.circuit;
  const margins = predictedMargins(st, estimatedDie, prog.codes, own, bias, Number(readCellInfo(circuit.info)?.levels ?? 4));
  const files = new Map<string, string>();
  if (r.table) {
    files.set(`${name}.phases.json`, phaseTableToJson(r.table));
    files.set(`${name}.phases.csv`, phaseTableToCsv(r.table));
  }
  for (const [f, text] of emitCircuit(r.circuit, name, { ports: { cell: portCell } })) files.set(f, text);
  files.set(`${name}.drive.json`, writeDriveFile(estimatedDie, prog.codes));
  const totals = labTotals(session, readings.rounds);
  const heaters = st.heaters.map((h, i) => {
    const note = session.notes.get(i);
    if (note)
      return {
        heater: h.name,
        offsetRad: estimatedDie.heaters[i]!.offsetRad,
        radPerMw: estimatedDie.heaters[i]!.radPerMw,
        sigmaOffsetRad: finite(note.sigmaOffsetRad),
        sigmaRadPerMw: finite(note.sigmaRadPerMw),
        rms: finite(note.rms),
        from: note.from,
        code: prog.codes[i]!,
      };
    return {
      heater: h.name,
      identified: st.parked.has(i) ? "not identified (gauge)" : "not identified (no reading)",
      code: prog.codes[i]!,
    };
  });
  const identified = heaters.filter((h) => "from" in h).length;
  const estimated = {
    from: "readings",
    readingsOf: readings.die,
    seed: readings.seed,
    rounds: totals.rounds,
    readings: totals.readings,
    heaters: Object.fromEntries(
      heaters.map((h) => [
        h.heater,
        "from" in h
          ? { sigmaOffsetRad: h.sigmaOffsetRad, sigmaRadPerMw: h.sigmaRadPerMw, rms: h.rms, from: h.from }
          : { from: h.identified },
      ]),
    ),
  };
  files.set(
    `${name}.estimated-die.json`,
    writeFabDieFile(estimatedDie, { source: { model: "estimated", readings: readings.die }, estimated }),
  );
  const doc = [
    "{",
    `  "format": "optinc.lab-calibration/1",`,
    `  "circuit": ${JSON.stringify(circuit.name)},`,
    `  "cell": ${JSON.stringify(readings.cell)},`,
    `  "die": ${JSON.stringify(readings.die)},`,
    `  "seed": ${readings.seed},`,
    `  "protocol": ${JSON.stringify({ rounds: totals.rounds, steps: totals.steps, readings: totals.readings, mzis: totals.mzis, readingsPerMzi: totals.readingsPerMzi, labTimeS: totals.labTimeS })},`,
    `  "drive": ${JSON.stringify({ bits: estimatedDie.drive.bits, pMaxMw: estimatedDie.drive.pMaxMw, heaters: st.heaters.length, identified, parked: st.parked.size, maxPhaseErrorRad: prog.maxErrorRad })},`,
    `  "settling": ${JSON.stringify(settlingDoc(session))},`,
    `  "crosstalkCouplings": ${estimatedDie.crosstalk.length},`,
    `  "crosstalkFloor": ${JSON.stringify(estimatedDie.crosstalkFloor ?? 0)},`,
    `  "crosstalkDeparture": ${JSON.stringify(session.lawDeparture)},`,
    `  "levelTrim": ${JSON.stringify(session.levelTrim)},`,
    `  "predictedMargins": ${JSON.stringify({ cases: margins.cases, worstSteps: margins.worst, perModeSteps: margins.perMode })},`,
    `  "acceptance": ${JSON.stringify(acceptanceDoc(acceptance))},`,
    `  "heaters": [\n${heaters.map((h) => `    ${JSON.stringify(h)}`).join(",\n")}\n  ]`,
    "}",
    "",
  ].join("\n");
  files.set(`${name}.lab-calibration.json`, doc);
  const cal = {
    format: "optinc.calibration/1",
    circuit: circuit.name,
    die: estimatedDie.id,
    model: "estimated from readings",
    drive: {
      bits: estimatedDie.drive.bits,
      heaters: estimatedDie.heaters.length,
      crosstalkCompensated: true,
      maxPhaseErrorRad: prog.maxErrorRad,
      parked: [...st.parked].sort((a, b) => a - b).map((i) => st.heaters[i]!.name),
    },
    exactOnDie: { before: null, after: null },
    biasAmplitudes: Object.fromEntries(r.calibration.bias),
    detector: r.calibration.detector,
    issues: [...r.calibration.issues].sort((a, b) => b.miss - a.miss || a.element.localeCompare(b.element)),
  };
  files.set(`${name}.calibration.json`, JSON.stringify(cal, null, 2) + "\n");
  return {
    files,
    estimatedDie,
    codes: prog.codes,
    maxPhaseErrorRad: prog.maxErrorRad,
    identified,
    parked: st.parked.size,
    margins,
    acceptance,
  };
}
