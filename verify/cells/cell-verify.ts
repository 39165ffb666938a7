// One closed-form cell, simulated from its emitted circuit over its whole input space (aggregate/cell-cases.ts)
// with ideal parts, a Monte-Carlo die, or a measured die: how many inputs decode to the cell's digits.
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit, type CompiledCircuit, type SimOptions } from "../../netlist/sim/simulate.ts";
import { CircuitShapeError, readCellInfo, type CellFunction } from "../../aggregate/circuit-info.ts";
import { cellCases, type CellCases } from "../../aggregate/cell-cases.ts";

export interface CellCheck {
  name: string;
  cases: number;
  exact: number;
  /** Output digits that decode wrongly, over all cases. */
  wrongDigits: number;
  raw: boolean;
}

export function cellOf(circuit: Circuit): CellFunction {
  const f = readCellInfo(circuit.info);
  if (!f) throw new CircuitShapeError(`circuit ${circuit.name} is not a closed-form cell (its info has no "cell" entry)`);
  return f;
}

/** Exact cases of a cell circuit under `sim` options (a die, levels, DAC bits; detector noise). */
export function checkCell(circuit: Circuit, f: CellFunction, set: CellCases, sim: SimOptions = {}, stopAtFirst = false): CellCheck {
  return checkCompiled(compileCircuit(circuit, sim), f, set, stopAtFirst);
}

/** checkCell on an already compiled circuit (e.g. one die of many, compiledCircuit.withMatrices). */
export function checkCompiled(compiled: CompiledCircuit, f: CellFunction, set: CellCases, stopAtFirst = false): CellCheck {
  if (compiled.inputWidth !== f.ports.length)
    throw new CircuitShapeError(`cell ${f.name}: the circuit has ${compiled.inputWidth} inputs, its function ${f.ports.length} ports`);
  const W = f.outputs.length;
  let exact = 0;
  let wrongDigits = 0;
  const CHUNK = 4096;
  for (let start = 0; start < set.cases; start += CHUNK) {
    const n = Math.min(CHUNK, set.cases - start);
    const r = compiled.run(set.inputs.subarray(start * f.ports.length, (start + n) * f.ports.length), n);
    if (r.width !== W) throw new CircuitShapeError(`cell ${f.name}: the detector reads ${r.width} digits, its function has ${W} outputs`);
    for (let c = 0; c < n; c++) {
      let ok = true;
      for (let k = 0; k < W; k++) {
        if (r.digits[c * W + k] !== set.expected[(start + c) * W + k]) {
          ok = false;
          wrongDigits++;
        }
      }
      if (ok) exact++;
      else if (stopAtFirst) return { name: f.name, cases: set.cases, exact, wrongDigits, raw: set.raw };
    }
  }
  return { name: f.name, cases: set.cases, exact, wrongDigits, raw: set.raw };
}

/** A cell circuit checked with ideal parts over its whole input space. */
export function verifyCellCircuit(circuit: Circuit): CellCheck {
  const f = cellOf(circuit);
  return checkCell(circuit, f, cellCases(f));
}

/**
 * The loss band every cell must be exact over, dB per MZI: from 0 to the larger of this and the
 * technology's nominal loss. A cell's biases track the loss (compiler/cells/cell-circuit.ts), so
 * it is exact across the band, not at one loss.
 */
export const LOSS_BAND_DB = 1;

/** The losses the band is checked at: its edges, its middle and the nominal loss (uniform loss scales a tracking cell exactly). */
export function lossBandPoints(mziLossDb: number): number[] {
  const top = Math.max(LOSS_BAND_DB, mziLossDb);
  return [...new Set([mziLossDb, top / 2, top].filter((x) => x > 0))].sort((a, b) => a - b);
}

export interface LossBandCheck {
  fromDb: number;
  toDb: number;
  /** The fewest exact cases at any checked loss of the band, and that loss. */
  exact: number;
  worstDb: number;
}

/**
 * Exactness over the whole input space with ideal parts, at the technology block's nominal MZI
 * loss (`atLoss`, null at 0 dB) and across the loss band 0 … max(LOSS_BAND_DB, nominal) with no
 * other non-ideality.
 */
export function verifyCellAtLosses(
  circuit: Circuit,
  mziLossDb: number,
): { ideal: CellCheck; atLoss: CellCheck | null; band: LossBandCheck } {
  const f = cellOf(circuit);
  const cases = cellCases(f);
  const ideal = checkCell(circuit, f, cases);
  const atLoss = mziLossDb > 0 ? checkCell(circuit, f, cases, { mziLossDb }) : null;
  const band: LossBandCheck = { fromDb: 0, toDb: Math.max(LOSS_BAND_DB, mziLossDb), exact: ideal.exact, worstDb: 0 };
  for (const db of lossBandPoints(mziLossDb)) {
    const r = db === mziLossDb && atLoss ? atLoss : checkCell(circuit, f, cases, { mziLossDb: db });
    if (r.exact < band.exact) [band.exact, band.worstDb] = [r.exact, db];
  }
  return { ideal, atLoss, band };
}
