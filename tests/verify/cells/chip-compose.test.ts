// The end-to-end composition of closed-form chips (verify/cells/chip-batch.ts, chip-compose.ts):
// the batch runner against a case-by-case reference that simulates every cell on its own port
// vector, and composeCascade detecting a chip file with one connection moved.
import { describe, expect, it } from "vitest";
import { readChipJson, type ChipFile } from "../../../aggregate/chip-file.ts";
import { loadSpec } from "../../../dsl/load.ts";
import { createRng } from "../../../math/rng.ts";
import type { Circuit } from "../../../netlist/ir.ts";
import { compileCircuit } from "../../../netlist/sim/simulate.ts";
import { closedFormStructure } from "../../../pipeline/compile/closed-form.ts";
import { chipRunner } from "../../../verify/cells/chip-batch.ts";
import { composeCascade } from "../../../verify/cells/chip-compose.ts";

function cascade(workers: number, bits: number, levels: number) {
  const text = `aggregator g {\n  workers = ${workers}\n  precision = ${bits} bits\n  levels = ${levels}\n  rounding = nearest-even\n  route = closed-form\n  cascade { radix = 2 }\n}\n`;
  const spec = loadSpec("g.optinc", text).checked!.spec;
  const b = closedFormStructure(spec);
  const files = b.emitted();
  const chips = b.steps.map((s) => readChipJson(files.get(`${s.stem}.chip.json`)!, `${s.stem}.chip.json`));
  const circuits = new Map(b.steps.flatMap((s) => [...s.circuits!]));
  return { spec, plan: b.cascade!, chips, circuits };
}

/** Every cell of the chip simulated alone on each case's port vector, in wiring order. */
function reference(f: ChipFile, circuits: Map<string, Circuit>, digits: Int32Array, cases: number): Int32Array {
  const { chip } = f;
  const sims = new Map<string, ReturnType<typeof compileCircuit>>();
  const res = new Int32Array(cases * chip.outDigits);
  for (let c = 0; c < cases; c++) {
    const outs: number[][] = [];
    chip.cells.forEach((cell, i) => {
      const design = f.designs[i]!;
      if (!sims.has(design)) sims.set(design, compileCircuit(circuits.get(design)!));
      const ports = cell.ports.map(({ source: s }) =>
        s.kind === "worker" ? digits[(c * chip.workers + s.worker) * chip.inDigits + s.position]! : outs[s.cell]![s.output]!,
      );
      outs.push([...sims.get(design)!.run(Float64Array.from(ports), 1).digits]);
    });
    chip.result.forEach((r, j) => {
      res[c * chip.outDigits + j] = "constant" in r ? r.constant : outs[r.cell]![r.output]!;
    });
  }
  return res;
}

describe("chip composition from emitted files", () => {
  for (const [workers, bits, levels] of [
    [5, 4, 2],
    [3, 8, 16],
  ] as const) {
    it(`${workers} workers, ${bits} bits, PAM-${levels}: the batch runner (dense and map-keyed) equals the case-by-case reference`, () => {
      const { chips, circuits } = cascade(workers, bits, levels);
      const rng = createRng(7);
      for (const f of chips) {
        const cases = 300;
        const digits = Int32Array.from({ length: cases * f.chip.workers * f.chip.inDigits }, () => rng.int(f.chip.levels));
        const want = reference(f, circuits, digits, cases);
        expect(chipRunner(f, circuits).run(digits, cases)).toEqual(want);
        expect(chipRunner(f, circuits, 0).run(digits, cases)).toEqual(want);
      }
    });
  }

  it("composeCascade is exact on the emitted chips and fails when one port reads the wrong digit", () => {
    const { spec, plan, chips, circuits } = cascade(5, 4, 2);
    const opts = { maxCases: 4000, seed: 3 };
    const good = composeCascade(chips, circuits, plan, spec, opts);
    expect(good.exact).toBe(good.cases);
    // Move one worker-digit connection of the first chip to the next digit position.
    const moved = structuredClone(chips);
    const chip = moved[0]!.chip;
    const port = chip.cells.flatMap((c) => c.ports).find((p) => p.source.kind === "worker" && p.source.position === 0)!;
    if (port.source.kind === "worker") port.source = { ...port.source, position: 1 };
    const bad = composeCascade(moved, circuits, plan, spec, opts);
    expect(bad.cases).toBe(good.cases);
    expect(bad.exact).toBeLessThan(bad.cases);
  });
});
