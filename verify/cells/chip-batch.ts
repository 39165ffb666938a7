// Runs a digit chip on a batch of worker-digit vectors with every cell simulated from its emitted
// circuit: cell by cell in wiring order, the batch's port vectors are keyed as integers (the ports'
// digits in base L, first port most significant), each distinct vector is simulated once (per
// design, across batches) and the decoded digits are scattered back.
import type { ChipFile } from "../../aggregate/chip-file.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit, type CompiledCircuit } from "../../netlist/sim/simulate.ts";

export interface ChipRunner {
  /** digits: cases × (workers · inDigits), worker-major. Returns result digits, cases × outDigits. */
  run(digits: Int32Array, cases: number): Int32Array;
}

/**
 * One design's simulator and what it has decoded: key → offset of its digits in `store`, in a
 * dense table when every key of the design fits one (−1: not yet simulated), else in a map.
 */
interface DesignMemo {
  sim: CompiledCircuit;
  width: number;
  dense: Int32Array | null;
  at: Map<number, number>;
  store: number[];
}

/** Largest key space indexed densely (4 MB of offsets). */
export const DENSE_KEYS = 2 ** 20;

const offsetOf = (m: DesignMemo, key: number): number | undefined => {
  if (!m.dense) return m.at.get(key);
  const at = m.dense[key]!;
  return at < 0 ? undefined : at;
};

/** `denseKeys`: the largest key space indexed densely (tests lower it to reach the map). */
export function chipRunner(f: ChipFile, circuits: Map<string, Circuit>, denseKeys = DENSE_KEYS): ChipRunner {
  const { chip } = f;
  const L = chip.levels;
  for (const cell of chip.cells)
    if (L ** cell.ports.length > Number.MAX_SAFE_INTEGER)
      throw new Error(`chip ${f.name}: cell "${cell.name}" has ${cell.ports.length} ports of ${L} levels, too many to key exactly`);
  const memos = new Map<string, DesignMemo>();
  for (const [i, design] of f.designs.entries()) {
    if (memos.has(design)) continue;
    const c = circuits.get(design);
    if (!c) throw new Error(`chip ${f.name}: no circuit for design "${design}"`);
    const keys = L ** chip.cells[i]!.ports.length;
    const dense = keys <= denseKeys ? new Int32Array(keys).fill(-1) : null;
    memos.set(design, { sim: compileCircuit(c), width: chip.cells[i]!.outputs.length, dense, at: new Map(), store: [] });
  }
  const width = chip.workers * chip.inDigits;
  return {
    run(digits, cases) {
      // values[cell][case · outputs + o]
      const values: Int32Array[] = [];
      chip.cells.forEach((cell, i) => {
        const memo = memos.get(f.designs[i]!)!;
        const W = cell.outputs.length;
        const keys = new Float64Array(cases);
        // Each port reads arrays[p][c · strides[p] + offsets[p]]: a worker digit or an earlier cell's output.
        const P = cell.ports.length;
        const arrays: Int32Array[] = [];
        const strides = new Int32Array(P);
        const offsets = new Int32Array(P);
        cell.ports.forEach(({ source: s }, p) => {
          arrays.push(s.kind === "worker" ? digits : values[s.cell]!);
          strides[p] = s.kind === "worker" ? width : chip.cells[s.cell]!.outputs.length;
          offsets[p] = s.kind === "worker" ? s.worker * chip.inDigits + s.position : s.output;
        });
        for (let c = 0; c < cases; c++) {
          let key = 0;
          for (let p = 0; p < P; p++) key = key * L + arrays[p]![c * strides[p]! + offsets[p]!]!;
          keys[c] = key;
        }
        simulateMissing(memo, keys, P, L);
        const out = new Int32Array(cases * W);
        for (let c = 0, k = 0; c < cases; c++) {
          const at = offsetOf(memo, keys[c]!)!;
          for (let o = 0; o < W; o++) out[k++] = memo.store[at + o]!;
        }
        values.push(out);
      });
      const res = new Int32Array(cases * chip.outDigits);
      chip.result.forEach((r, j) => {
        if ("constant" in r) {
          for (let c = 0; c < cases; c++) res[c * chip.outDigits + j] = r.constant;
          return;
        }
        const v = values[r.cell]!;
        const w = chip.cells[r.cell]!.outputs.length;
        for (let c = 0; c < cases; c++) res[c * chip.outDigits + j] = v[c * w + r.output]!;
      });
      return res;
    },
  };
}

/** Simulates the port vectors of `keys` the design has not seen, in first-seen order, and records their digits. */
function simulateMissing(memo: DesignMemo, keys: Float64Array, ports: number, L: number): void {
  const missing: number[] = [];
  const seen = new Set<number>();
  for (const key of keys) {
    if (offsetOf(memo, key) !== undefined || seen.has(key)) continue;
    seen.add(key);
    missing.push(key);
  }
  if (missing.length === 0) return;
  const inputs = new Float64Array(missing.length * ports);
  missing.forEach((key, j) => {
    let k = key;
    for (let p = ports - 1; p >= 0; p--) {
      inputs[j * ports + p] = k % L;
      k = Math.floor(k / L);
    }
  });
  const r = memo.sim.run(inputs, missing.length);
  missing.forEach((key, j) => {
    if (memo.dense) memo.dense[key] = memo.store.length;
    else memo.at.set(key, memo.store.length);
    for (let o = 0; o < memo.width; o++) memo.store.push(r.digits[j * memo.width + o]!);
  });
}
