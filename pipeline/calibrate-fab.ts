// Calibration of a fabricated die (netlist/die-fab.ts) from a die model — the true die (the
// oracle, `calibrate --measured die-v2.json`) or one estimated from readings: the per-MZI corrector
// (compiler/calibrate) re-programs the design against the model's couplers and losses as realized
// phases, then every heater's drive code is solved for its target phase with the crosstalk
// compensated (die-fab.ts codesForPhases). The check runs the codes on a die — the model itself,
// or, in tests and the bench, the true die the model was estimated for.
import type { Circuit, PhaseTable, PortMapCell } from "../netlist/ir.ts";
import { codesForPhases, dieAtCodes, passiveDie, type FabDie } from "../netlist/die-fab.ts";
import { nominalCodes, programmedPhases, writeDriveFile } from "../netlist/die-fab-drive.ts";
import { emitCircuit } from "../netlist/emit-all.ts";
import { phaseTableToCsv, phaseTableToJson } from "../netlist/phase-table.ts";
import { circuitFromPhaseTable } from "../netlist/from-phase-table.ts";
import { calibrateCircuit, type CircuitCalibration } from "../compiler/calibrate/circuit.ts";
import { calibratedCircuit, calibratedPhaseTable } from "../compiler/calibrate/writeback.ts";
import { readCellInfo } from "../aggregate/circuit-info.ts";
import { cellCases } from "../verify/cells/cell-cases.ts";
import { checkCell } from "../verify/cells/cell-verify.ts";
import type { DieCheck } from "./calibrate.ts";

export interface FabCalibration {
  circuit: Circuit;
  table: PhaseTable | null;
  calibration: CircuitCalibration;
  codes: Int32Array;
  /** Largest |realized − target| on the model after quantization, rad. */
  maxPhaseErrorRad: number;
  outOfRange: number[];
  /** `<name>.drive.json` text. */
  drive: string;
}

export function calibrateFab(circuit: Circuit, table: PhaseTable | null, model: FabDie, compensate = true): FabCalibration {
  const cal = calibrateCircuit(circuit, passiveDie(model), { dacBits: null });
  const newTable = table ? calibratedPhaseTable(table, circuit, cal) : null;
  let fixed: Circuit;
  if (newTable) {
    fixed = circuitFromPhaseTable(newTable, circuit.name);
    fixed.info = { ...circuit.info, calibrated_for: model.id };
  } else fixed = calibratedCircuit(circuit, cal);
  const sol = codesForPhases(model, programmedPhases(fixed, model), compensate);
  return {
    circuit: fixed,
    table: newTable,
    calibration: cal,
    codes: sol.codes,
    maxPhaseErrorRad: sol.maxErrorRad,
    outOfRange: sol.outOfRange,
    drive: writeDriveFile(model, sol.codes),
  };
}

/** A closed-form cell driven at `codes` on a die: how many of its inputs decode exactly. */
export function checkCellOnFab(circuit: Circuit, die: FabDie, codes: ArrayLike<number>): DieCheck {
  const cell = readCellInfo(circuit.info);
  if (!cell) throw new Error(`checkCellOnFab: ${circuit.name} is not a closed-form cell`);
  const r = checkCell(circuit, cell, cellCases(cell), { die: dieAtCodes(die, codes), dacBits: null });
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
  die: FabDie,
  check: boolean,
  portCell?: PortMapCell,
): FabCalibrateOutcome {
  const result = calibrateFab(circuit, table, die);
  const files = new Map<string, string>();
  if (result.table) {
    files.set(`${name}.phases.json`, phaseTableToJson(result.table));
    files.set(`${name}.phases.csv`, phaseTableToCsv(result.table));
  }
  for (const [f, text] of emitCircuit(result.circuit, name, { ports: { cell: portCell } })) files.set(f, text);
  files.set(`${name}.drive.json`, result.drive);
  const cell = check && readCellInfo(circuit.info);
  const before = cell ? checkCellOnFab(circuit, die, nominalCodes(circuit, die)) : null;
  const after = cell ? checkCellOnFab(result.circuit, die, result.codes) : null;
  const doc = {
    format: "optinc.calibration/1",
    circuit: circuit.name,
    die: die.id,
    model: "fabricated",
    drive: {
      bits: die.drive.bits,
      heaters: die.heaters.length,
      crosstalkCompensated: true,
      maxPhaseErrorRad: result.maxPhaseErrorRad,
      outOfRange: result.outOfRange.map((i) => die.heaters[i]!.name),
    },
    exactOnDie: { before, after },
    biasAmplitudes: Object.fromEntries(result.calibration.bias),
    detector: result.calibration.detector,
    issues: [...result.calibration.issues].sort((a, b) => b.miss - a.miss || a.element.localeCompare(b.element)),
  };
  files.set(`${name}.calibration.json`, JSON.stringify(doc, null, 2) + "\n");
  return { files, result, before, after };
}
