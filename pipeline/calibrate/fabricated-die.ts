// Calibration of a design for a fabricated die (netlist/die/heaters.ts) — the true die (MeasuredDie,
// the oracle, `calibrate --measured die-v2.json`) or one estimated from readings (EstimatedDie): the
// per-MZI corrector (compiler/calibrate) re-programs the design against the die's couplers and
// losses as realized phases, then every heater's drive code is solved for its target phase with the
// crosstalk compensated (netlist/die/heaters.ts codesForPhases). The check runs the codes on a true
// die: the one calibrated for (`calibrate --measured`), or, in tests and the bench, the true die an
// estimate was made for.
import type { Circuit, PhaseTable, PortMapCell } from "../../netlist/ir.ts";
import { codesForPhases, dieAtCodes, passiveDie, type FabDie, type MeasuredDie } from "../../netlist/die/heaters.ts";
import { nominalCodes, programmedPhases, writeDriveFile } from "../../netlist/formats/drive-file.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { calibrateCircuit, type CircuitCalibration } from "../../compiler/calibrate/circuit.ts";
import { calibratedCircuit, calibratedPhaseTable } from "../../compiler/calibrate/writeback.ts";
import { type LevelTrim, trimThresholds } from "../../compiler/calibrate/level-trim.ts";
import { readCellInfo } from "../../aggregate/circuit-info.ts";
import { cellCases } from "../../aggregate/cell-cases.ts";
import { checkCell } from "../../verify/cells/cell-verify.ts";
import type { DieCheck } from "./measured-die.ts";

export interface FabCalibration {
  circuit: Circuit;
  table: PhaseTable | null;
  calibration: CircuitCalibration;
  codes: Int32Array;
  /** Largest |realized − target| on the die calibrated for, after quantization, rad. */
  maxPhaseErrorRad: number;
  outOfRange: number[];
  /** `<name>.drive.json` text. */
  drive: string;
}

/** The design re-programmed against a die's couplers and losses (its passive part): what the phases and bias become. */
export type CalibratedDesign = Pick<FabCalibration, "circuit" | "table" | "calibration">;

export function calibratedDesign(
  circuit: Circuit,
  table: PhaseTable | null,
  fabDie: Pick<FabDie, "id" | "passive">,
  trim: LevelTrim | null = null,
): CalibratedDesign {
  const cal = calibrateCircuit(circuit, passiveDie(fabDie), { dacBits: null });
  if (trim && cal.detector) cal.detector = { ...cal.detector, ...trimThresholds(cal.detector, trim) };
  const newTable = table ? calibratedPhaseTable(table, circuit, cal) : null;
  let fixed: Circuit;
  if (newTable) {
    fixed = circuitFromPhaseTable(newTable, circuit.name);
    fixed.info = { ...circuit.info, calibrated_for: fabDie.id };
  } else fixed = calibratedCircuit(circuit, cal);
  return { circuit: fixed, table: newTable, calibration: cal };
}

/**
 * The design re-programmed for `fabDie`: a MeasuredDie (the oracle) or an EstimatedDie (from readings),
 * with the receiver's levels trimmed from a session's acceptance readings when it has a trim, and
 * every heater's drive code solved for its target.
 */
export function calibrateFab(
  circuit: Circuit,
  table: PhaseTable | null,
  fabDie: FabDie,
  compensate = true,
  trim: LevelTrim | null = null,
): FabCalibration {
  const design = calibratedDesign(circuit, table, fabDie, trim);
  const sol = codesForPhases(fabDie, programmedPhases(design.circuit, fabDie), compensate);
  return {
    ...design,
    codes: sol.codes,
    maxPhaseErrorRad: sol.maxErrorRad,
    outOfRange: sol.outOfRange,
    drive: writeDriveFile(fabDie, sol.codes),
  };
}

/** A closed-form cell driven at `codes` on the true die: how many of its inputs decode exactly. */
export function checkCellOnFab(circuit: Circuit, trueDie: MeasuredDie, codes: ArrayLike<number>): DieCheck {
  const cell = readCellInfo(circuit.info);
  if (!cell) throw new Error(`checkCellOnFab: ${circuit.name} is not a closed-form cell`);
  const r = checkCell(circuit, cell, cellCases(cell), { die: dieAtCodes(trueDie, codes), dacBits: null });
  return { cases: r.cases, exact: r.exact, exactFraction: r.cases ? r.exact / r.cases : 0 };
}

export interface FabCalibrateOutcome {
  files: Map<string, string>;
  result: FabCalibration;
  /** Exact cases on the die with the nominal drive of the original program, and with the calibrated codes (cells only). */
  before: DieCheck | null;
  after: DieCheck | null;
}

/** `optinc calibrate --measured die-v2.json`: the calibrated files of a fabricated die, checked on it. */
export function calibrateFabFiles(
  name: string,
  circuit: Circuit,
  table: PhaseTable | null,
  trueDie: MeasuredDie,
  check: boolean,
  portCell?: PortMapCell,
): FabCalibrateOutcome {
  const result = calibrateFab(circuit, table, trueDie);
  const files = new Map<string, string>();
  if (result.table) {
    files.set(`${name}.phases.json`, phaseTableToJson(result.table));
    files.set(`${name}.phases.csv`, phaseTableToCsv(result.table));
  }
  for (const [f, text] of emitCircuit(result.circuit, name, { ports: { cell: portCell } })) files.set(f, text);
  files.set(`${name}.drive.json`, result.drive);
  const cell = check && readCellInfo(circuit.info);
  const before = cell ? checkCellOnFab(circuit, trueDie, nominalCodes(circuit, trueDie)) : null;
  const after = cell ? checkCellOnFab(result.circuit, trueDie, result.codes) : null;
  const doc = {
    format: "optinc.calibration/1",
    circuit: circuit.name,
    die: trueDie.id,
    model: "fabricated",
    drive: {
      bits: trueDie.drive.bits,
      heaters: trueDie.heaters.length,
      crosstalkCompensated: true,
      maxPhaseErrorRad: result.maxPhaseErrorRad,
      outOfRange: result.outOfRange.map((i) => trueDie.heaters[i]!.name),
    },
    exactOnDie: { before, after },
    biasAmplitudes: Object.fromEntries(result.calibration.bias),
    detector: result.calibration.detector,
    issues: [...result.calibration.issues].sort((a, b) => b.miss - a.miss || a.element.localeCompare(b.element)),
  };
  files.set(`${name}.calibration.json`, JSON.stringify(doc, null, 2) + "\n");
  return { files, result, before, after };
}
