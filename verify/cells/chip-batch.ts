// Runs a digit chip on a batch of worker-digit vectors with every cell simulated from its emitted
// circuit: cell by cell in wiring order, the batch's port vectors are keyed as integers, each distinct
// vector is simulated once (per design, across batches), and the decoded digits are scattered back.
import type { ChipFile } from "../../aggregate/chip-file.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit, type CompiledCircuit } from "../../netlist/simulate.ts";

export interface ChipRunner {
  /** digits: cases × (workers · inDigits), worker-major. Returns result digits, cases × outDigits. */
  run(digits: Int32Array, cases: number): Int32Array;
}

export function chipRunner(f: ChipFile, circuits: Map<string, Circuit>): ChipRunner {
  const { chip } = f;
  const L = chip.levels;
  const sims = new Map<string, { sim: CompiledCircuit; memo: Map<number, Int32Array> }>();
  for (const design of new Set(f.designs)) {
    const c = circuits.get(design);
    if (!c) throw new Error(`chip ${f.name}: no circuit for design "${design}"`);
    sims.set(design, { sim: compileCircuit(c), memo: new Map() });
  }
  const width = chip.workers * chip.inDigits;
  return {
    run(digits, cases) {
      // values[cell][case · outputs + o]
      const values: Int32Array[] = [];
      const read = (
        src: { kind: "worker"; worker: number; position: number } | { kind: "cell"; cell: number; output: number },
        c: number,
      ): number =>
        src.kind === "worker"
          ? digits[c * width + src.worker * chip.inDigits + src.position]!
          : values[src.cell]![c * chip.cells[src.cell]!.outputs.length + src.output]!;
      chip.cells.forEach((cell, i) => {
        const { sim, memo } = sims.get(f.designs[i]!)!;
        const W = cell.outputs.length;
        const keys = new Float64Array(cases);
        const missing = new Map<number, number[]>();
        for (let c = 0; c < cases; c++) {
          let key = 0;
          const ports: number[] = [];
          for (const p of cell.ports) {
            const x = read(p.source, c);
            key = key * L + x;
            ports.push(x);
          }
          keys[c] = key;
          if (!memo.has(key) && !missing.has(key)) missing.set(key, ports);
        }
        if (missing.size) {
          const list = [...missing];
          const r = sim.run(Float64Array.from(list.flatMap(([, p]) => p)), list.length);
          list.forEach(([key], j) => memo.set(key, r.digits.slice(j * W, (j + 1) * W)));
        }
        const out = new Int32Array(cases * W);
        for (let c = 0; c < cases; c++) out.set(memo.get(keys[c]!)!, c * W);
        values.push(out);
      });
      const res = new Int32Array(cases * chip.outDigits);
      for (let c = 0; c < cases; c++) {
        chip.result.forEach((r, j) => {
          res[c * chip.outDigits + j] = "constant" in r ? r.constant : values[r.cell]![c * chip.cells[r.cell]!.outputs.length + r.output]!;
        });
      }
      return res;
    },
  };
}
