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
 * A cell's biases and detector step are set for the technology block's nominal MZI loss
 * (compiler/cells/cell-circuit.ts), so exactness is checked twice over the whole input space: with
 * ideal parts, and at that loss with no other non-ideality. `atLoss` is null when the loss is 0
 * (the two checks would be one).
 */
export function verifyCellAtLosses(circuit: Circuit, mziLossDb: number): { ideal: CellCheck; atLoss: CellCheck | null } {
  const f = cellOf(circuit);
  const cases = cellCases(f);
  return { ideal: checkCell(circuit, f, cases), atLoss: mziLossDb > 0 ? checkCell(circuit, f, cases, { mziLossDb }) : null };
}
