// One emitted unit run on optical digit sums: each case's sums are dealt to the workers' ports (a
// carry position holds N·c, put on every port as c), simulated, and the decoded digits read back
// as one value. Shared by compose (pipeline/compile/compose.ts) and the threads of case-pool.ts, so a slice
// of cases gives the same values on any thread.
import { fromDigits } from "../../aggregate/wire-codec.ts";
import type { CompiledCircuit } from "../../netlist/sim/simulate.ts";
import { deal } from "./cases.ts";

/** The unit's input side: N workers × `inDigits` base-`levels` digits, the first `carryIn` carries. */
export interface UnitShape {
  workers: number;
  inDigits: number;
  levels: number;
  carryIn: number;
}

const CHUNK = 4096;

/** Values of cases [start, end) of `sums` (cases × inDigits) into `out` at the same indices. */
export function runUnitCases(sim: CompiledCircuit, u: UnitShape, sums: Int32Array, start: number, end: number, out: Int32Array): void {
  const N = u.workers;
  const D = u.inDigits;
  const width = N * D;
  const f = { workers: N, digits: D, levels: u.levels };
  const row = new Int32Array(width);
  const x = new Float64Array(Math.min(CHUNK, Math.max(0, end - start)) * width);
  for (let s = start; s < end; s += CHUNK) {
    const m = Math.min(CHUNK, end - s);
    for (let c = 0; c < m; c++) {
      row.fill(0);
      for (let k = 0; k < D; k++) {
        const v = sums[(s + c) * D + k]!;
        if (k < u.carryIn) for (let w = 0; w < N; w++) row[w * D + k] = v / N;
        else deal(v, f, 0, k, row, 0);
      }
      x.set(row, c * width);
    }
    const r = sim.run(x.subarray(0, m * width), m);
    for (let c = 0; c < m; c++) out[s + c] = fromDigits(r.digits, u.levels, c * r.width, r.width);
  }
}
