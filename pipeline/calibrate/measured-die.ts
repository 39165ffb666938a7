// `optinc calibrate` as a pure function: an emitted circuit (and its phase table), one measured die
// → the circuit re-programmed for that die (compiler/calibrate), checked on the die before and after
// (verify, the same simulation as `optinc verify --measured`), and the files to write. The check
// guards the promise that calibration never makes a die worse: if the re-programmed circuit decodes
// fewer cases exactly than the original on this die, the original program is kept (and said so).
import type { Die } from "../../netlist/die/die.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import type { Circuit, PhaseTable, PortMapCell } from "../../netlist/ir.ts";
import { phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { calibrateCircuit, type CircuitCalibration } from "../../compiler/calibrate/circuit.ts";
import { matrixResidual } from "../../compiler/calibrate/residual.ts";
import type { Issue } from "../../compiler/calibrate/types.ts";
import { calibratedCircuit, calibratedPhaseTable } from "../../compiler/calibrate/writeback.ts";
import { verifyCircuit, type VerifyOptions } from "../../verify/circuit/run.ts";
import { readCellInfo } from "../../aggregate/circuit-info.ts";
import { cellCases } from "../../aggregate/cell-cases.ts";
import { checkCell } from "../../verify/cells/cell-verify.ts";

/** How many cases a program decodes exactly on the die. */
export interface DieCheck {
  cases: number;
  exact: number;
  exactFraction: number;
}

export const CALIBRATION_FORMAT = "optinc.calibration/1";

export interface CalibrateInput {
  /** Base name of the emitted files (`<name>.netlist.json` …). */
  name: string;
  circuit: Circuit;
  /** The circuit's phase table, when it has one (then it is re-programmed too). */
  table: PhaseTable | null;
  die: Die;
  /** DAC of the programmed phases (the die's, unless overridden); null = continuous. */
  dacBits: number | null;
  /** Largest miss an element may have and still count as corrected. */
  tolerance: number;
  /** Verification on the die (before and after); null skips it. */
  verify: Omit<VerifyOptions, "measured" | "nonIdealities" | "trials" | "minYield" | "calibrate"> | null;
  /** A closed-form cell's port description from its chip file, for its `<name>.ports.json`. */
  portCell?: PortMapCell;
}

export interface PartSummary {
  part: string;
  /** Stage scale left by calibration (folded into the next bias and the detector). */
  scale: number;
  /** max |realized − λ·design| / max |λ·design| of the stage matrix on the die, before and after. */
  residualBefore: number;
  residualAfter: number;
  /** Largest phase error the DAC grid leaves on a re-programmed shifter, rad. */
  dacErrorRad: number;
}

export interface CalibrateOutcome {
  files: Map<string, string>;
  calibration: CircuitCalibration;
  parts: PartSummary[];
  /** Exact match on the die with the original and with the written program. */
  before: DieCheck | null;
  after: DieCheck | null;
  /** The calibrated program's own result on the die (differs from `after` only when the original was kept). */
  calibrated: DieCheck | null;
  /** Which program was written: the calibrated one, or the original when calibration would have been worse. */
  program: "calibrated" | "original";
  /** Issues with a miss above the tolerance, largest first. */
  failing: Issue[];
  /** Every element re-programmed reached its target (within tolerance). */
  corrected: boolean;
}

export function calibrate(input: CalibrateInput): CalibrateOutcome {
  const { circuit, die } = input;
  const cal = calibrateCircuit(circuit, die, { dacBits: input.dacBits });
  let table = input.table ? calibratedPhaseTable(input.table, circuit, cal) : null;
  let fixed: Circuit;
  if (table) {
    // The netlist is rebuilt from the re-programmed phase table exactly as compile builds it.
    fixed = circuitFromPhaseTable(table, circuit.name);
    fixed.info = { ...circuit.info, calibrated_for: die.id };
  } else fixed = calibratedCircuit(circuit, cal);

  const onDie = { die, dacBits: input.dacBits };
  const ideal = compileCircuit(circuit).stageMatrices;
  const was = compileCircuit(circuit, onDie).stageMatrices;
  const now = compileCircuit(fixed, onDie).stageMatrices;
  const parts: PartSummary[] = cal.parts.map((p) => {
    const i = ideal.findIndex((s) => s.instance === p.part);
    return {
      part: p.part,
      scale: Math.hypot(...p.lambda),
      residualBefore: matrixResidual(was[i]!.matrix, ideal[i]!.matrix).residual,
      residualAfter: matrixResidual(now[i]!.matrix, ideal[i]!.matrix).residual,
      dacErrorRad: p.dacError,
    };
  });

  let before: DieCheck | null = null;
  let after: DieCheck | null = null;
  let calibrated: DieCheck | null = null;
  let program: CalibrateOutcome["program"] = "calibrated";
  if (input.verify) {
    // A closed-form cell is checked against its own digit tables over its whole input space; an
    // aggregator pipeline against the golden average (both as `optinc verify --measured`).
    const cell = readCellInfo(circuit.info);
    const set = cell ? cellCases(cell) : null;
    const run = (c: Circuit): DieCheck => {
      if (cell && set) {
        const r = checkCell(c, cell, set, { die, dacBits: input.dacBits });
        return { cases: r.cases, exact: r.exact, exactFraction: r.cases ? r.exact / r.cases : 0 };
      }
      const n = verifyCircuit(c, {
        ...input.verify!,
        nonIdealities: {},
        trials: 0,
        minYield: 0,
        measured: { die, dacBits: input.dacBits, receiver: "thresholds" },
      }).nominal;
      return { cases: n.cases, exact: n.exact, exactFraction: n.exactFraction };
    };
    before = run(circuit);
    after = calibrated = run(fixed);
    if (after.exact < before.exact) {
      program = "original";
      fixed = { ...circuit, info: { ...circuit.info, calibrated_for: die.id } };
      table = input.table;
      after = before;
    }
  }
  const failing = cal.issues.filter((i) => i.miss > input.tolerance).sort((a, b) => b.miss - a.miss || a.element.localeCompare(b.element));
  const files = new Map<string, string>();
  if (table) {
    files.set(`${input.name}.phases.json`, phaseTableToJson(table));
    files.set(`${input.name}.phases.csv`, phaseTableToCsv(table));
  }
  for (const [f, text] of emitCircuit(fixed, input.name, { ports: { cell: input.portCell } })) files.set(f, text);
  const outcome: CalibrateOutcome = {
    files,
    calibration: cal,
    parts,
    before,
    after,
    calibrated,
    program,
    failing,
    corrected: failing.length === 0,
  };
  files.set(`${input.name}.calibration.json`, calibrationJson(input, outcome));
  return outcome;
}

const stats = (s: DieCheck | null) => (s ? { exact: s.exact, cases: s.cases, exactFraction: s.exactFraction } : null);

/** `<name>.calibration.json`: what was done for the die and what could not be done. */
export function calibrationJson(input: CalibrateInput, o: CalibrateOutcome): string {
  const count = (k: Issue["kind"]) => o.calibration.issues.filter((i) => i.kind === k).length;
  const doc = {
    format: CALIBRATION_FORMAT,
    circuit: input.circuit.name,
    die: input.die.id,
    dacBits: input.dacBits,
    tolerance: input.tolerance,
    program: o.program,
    corrected: o.corrected,
    exactOnDie: { before: stats(o.before), after: stats(o.after), calibratedProgram: stats(o.calibrated) },
    parts: o.parts,
    biasAmplitudes: Object.fromEntries(o.calibration.bias),
    detector: o.calibration.detector,
    issueCounts: { unreachable: count("unreachable"), gainGap: count("gain-gap"), uncompensable: count("uncompensable") },
    issues: [...o.calibration.issues].sort((a, b) => b.miss - a.miss || a.element.localeCompare(b.element)),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}
