// The input space of one closed-form cell and its expected digits, from the cell's function alone
// (netlist info, or a chip file). Worker digits enter one by one; when all their combinations would
// be too many, each digit sum is represented by two worker vectors (filled from the first worker
// and from the last one) — the cell's ideal output depends on the sum only, and a die's unequal
// port gains are worst at such uneven fills.
import { CircuitShapeError } from "../circuit/run.ts";
import type { SettingValue } from "../../netlist/ir.ts";

export interface CellFunction {
  name: string;
  role: string;
  levels: number;
  /** Per port: worker digit or regenerated digit, its weight and its group. */
  ports: { worker: boolean; weight: number; group: number }[];
  /** Largest value of each group (its ports' digits jointly). */
  groupMax: number[];
  bias: number;
  vmax: number;
  outputs: { name: string; table: number[] }[];
  /** Physical copies of this design on the chip. */
  instances: number;
}

const need = (info: Record<string, SettingValue>, key: string): SettingValue => {
  const v = info[key];
  if (v === undefined) throw new CircuitShapeError(`a closed-form cell needs info "${key}"`);
  return v;
};

const ints = (v: SettingValue, key: string): number[] => {
  const a = Array.isArray(v) ? v : [v];
  if (!a.every((x) => Number.isInteger(x))) throw new CircuitShapeError(`info "${key}" must list integers, got ${JSON.stringify(v)}`);
  return a as number[];
};

/** The cell function of a circuit whose info has cell_* entries, or null for other circuits. */
export function cellFromInfo(info: Record<string, SettingValue>): CellFunction | null {
  if (info.cell === undefined) return null;
  const levels = Number(need(info, "cell_levels"));
  const kinds = String(need(info, "cell_port_kinds")).split(",");
  const weights = ints(need(info, "cell_weights"), "cell_weights");
  const groups = ints(need(info, "cell_groups"), "cell_groups");
  const groupMax = ints(need(info, "cell_group_max"), "cell_group_max");
  const bias = Number(need(info, "cell_bias"));
  const vmax = Number(need(info, "cell_vmax"));
  const names = String(need(info, "cell_outputs")).split(",");
  const tables = ints(need(info, "cell_tables"), "cell_tables");
  const instances = Number(info.cell_instances ?? 1);
  if (!(Number.isInteger(levels) && levels >= 2 && Number.isInteger(vmax) && vmax >= 0 && Number.isInteger(bias) && Number.isInteger(instances) && instances >= 1))
    throw new CircuitShapeError("info cell_levels, cell_vmax, cell_bias and cell_instances must be integers (levels ≥ 2, instances ≥ 1)");
  if (kinds.length !== weights.length || groups.length !== weights.length) throw new CircuitShapeError(`info cell_port_kinds, cell_weights and cell_groups must have one entry per port (${weights.length})`);
  if (tables.length !== names.length * (vmax + 1)) throw new CircuitShapeError(`info cell_tables must hold ${names.length} tables of ${vmax + 1} digits`);
  if (!tables.every((d) => d >= 0 && d < levels)) throw new CircuitShapeError(`info cell_tables must hold base-${levels} digits`);
  if (!groups.every((g) => g >= 0 && g < groupMax.length)) throw new CircuitShapeError("info cell_groups must index cell_group_max");
  return {
    name: String(info.cell),
    role: String(info.cell_role ?? ""),
    levels,
    ports: weights.map((weight, p) => ({ worker: kinds[p] === "worker", weight, group: groups[p]! })),
    groupMax,
    bias,
    vmax,
    outputs: names.map((name, o) => ({ name, table: tables.slice(o * (vmax + 1), (o + 1) * (vmax + 1)) })),
    instances,
  };
}

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
