// The input space of one closed-form cell and its expected digits, from the cell's function alone
// (its circuit info, aggregate/circuit-info.ts readCellInfo, or a chip file). Worker digits enter one by one; when all their combinations would
// be too many, each digit sum is represented by two worker vectors (filled from the first worker
// and from the last one) — the cell's ideal output depends on the sum only, and a die's unequal
// port gains are worst at such uneven fills.
import { CircuitShapeError, type CellFunction } from "./circuit-info.ts";

export interface CellCases {
  cases: number;
  /** Port values, cases × ports (digits). */
  inputs: Float64Array;
  /** Expected digits, cases × outputs. */
  expected: Int32Array;
  /** True when every combination of the ports' values is present. */
  raw: boolean;
}

/** Largest number of cases enumerated raw; above it worker digits are represented by their sum. */
export const RAW_CELL_CASES = 1 << 16;

/** How many cases cellCases gives a cell, without enumerating them. */
export function cellCaseCount(f: CellFunction, cap = RAW_CELL_CASES): number {
  const workers = f.ports.filter((p) => p.worker).length;
  const groups = new Set(f.ports.filter((p) => !p.worker).map((p) => p.group));
  const other = [...groups].reduce((a, g) => a * (f.groupMax[g]! + 1), 1);
  const raw = f.levels ** workers * other <= cap;
  return (raw ? f.levels ** workers : 2 * (workers * (f.levels - 1) + 1)) * other;
}

export function cellCases(f: CellFunction, cap = RAW_CELL_CASES): CellCases {
  const L = f.levels;
  const P = f.ports.length;
  const workerPorts = f.ports.map((p, i) => (p.worker ? i : -1)).filter((i) => i >= 0);
  const groupIds = [...new Set(f.ports.filter((p) => !p.worker).map((p) => p.group))];
  const groupPorts = groupIds.map((g) => f.ports.map((p, i) => (p.group === g ? i : -1)).filter((i) => i >= 0));
  const otherCount = groupIds.reduce((a, g) => a * (f.groupMax[g]! + 1), 1);
  const raw = L ** workerPorts.length * otherCount <= cap;
  // Worker patterns: every combination, or two fills per digit sum.
  const patterns: number[][] = [];
  if (raw) {
    const total = L ** workerPorts.length;
    for (let c = 0; c < total; c++) patterns.push(workerPorts.map((_, k) => Math.floor(c / L ** k) % L));
  } else {
    for (let s = 0; s <= workerPorts.length * (L - 1); s++) {
      const fill = (order: number[]): number[] => {
        const d = new Array<number>(workerPorts.length).fill(0);
        let left = s;
        for (const k of order) {
          d[k] = Math.min(L - 1, left);
          left -= d[k]!;
        }
        return d;
      };
      const asc = workerPorts.map((_, k) => k);
      patterns.push(fill(asc), fill([...asc].reverse()));
    }
  }
  const cases = patterns.length * otherCount;
  const inputs = new Float64Array(cases * P);
  const expected = new Int32Array(cases * f.outputs.length);
  let c = 0;
  for (const pat of patterns) {
    for (let o = 0; o < otherCount; o++) {
      const row = c * P;
      workerPorts.forEach((p, k) => (inputs[row + p] = pat[k]!));
      let rest = o;
      groupIds.forEach((g, gi) => {
        const value = rest % (f.groupMax[g]! + 1);
        rest = Math.floor(rest / (f.groupMax[g]! + 1));
        groupPorts[gi]!.forEach((p, j) => (inputs[row + p] = Math.floor(value / L ** j) % L));
      });
      let v = f.bias;
      for (let p = 0; p < P; p++) v += f.ports[p]!.weight * inputs[row + p]!;
      if (v < 0 || v > f.vmax) throw new CircuitShapeError(`cell ${f.name}: its ports reach v = ${v}, outside its tables 0..${f.vmax}`);
      f.outputs.forEach((out, k) => (expected[c * f.outputs.length + k] = out.table[v]!));
      c++;
    }
  }
  return { cases, inputs, expected, raw };
}
