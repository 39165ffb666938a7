// Every cell of the closed-form route, emitted as a netlist and read back, decodes every input of
// its port space to the cell's digits: simulated from the emitted file, not from the compiler's
// matrices. The real-valued cell network is exact too (its margins are checked at integer v).
import { describe, expect, it } from "vitest";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { cellV, type Cell } from "../../aggregate/digit-chip.ts";
import { flatUnit } from "../../aggregate/unit.ts";
import { cellCircuit, type CellCircuitOptions } from "../../compiler/cells/cell-circuit.ts";
import { cellNetwork, evaluateCellNetwork } from "../../compiler/cells/cell-network.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import type { Rounding } from "../../dsl/spec.ts";

/** Every combination of port values (groups jointly bounded by their max). */
function portCases(cell: Cell, L: number): number[][] {
  const out: number[][] = [];
  const x = new Array<number>(cell.ports.length).fill(0);
  const rec = (g: number): void => {
    if (g === cell.groups.length) return void out.push([...x]);
    const group = cell.groups[g]!;
    for (let value = 0; value <= group.max; value++) {
      group.ports.forEach((p, j) => (x[p] = Math.floor(value / L ** j) % L));
      rec(g + 1);
    }
  };
  rec(0);
  return out;
}

/** Every cell of the chip decodes every input of its port space from its emitted netlist (simulated with `sim`). */
function checkChip(
  N: number,
  L: number,
  b: number,
  rounding: Rounding,
  opts: Partial<CellCircuitOptions> = {},
  sim: Parameters<typeof compileCircuit>[1] = {},
): void {
  const chip = planDigitChip(flatUnit(N, b, L, rounding));
  // Per-case checks are collected and asserted once: one expect() per case costs more than the simulation.
  const bad: string[] = [];
  for (const cell of chip.cells) {
    const { table, network } = cellCircuit(cell, { levels: L, headroom: 0.9, ...opts });
    const circuit = readNetlistJson(writeNetlistJson(circuitFromPhaseTable(table, cell.name)), `${cell.name}.netlist.json`);
    const cases = portCases(cell, L);
    const run = compileCircuit(circuit, sim).run(Float64Array.from(cases.flat()), cases.length);
    cases.forEach((ports, i) => {
      const v = cellV(cell, ports);
      const y = evaluateCellNetwork(network, ports);
      cell.outputs.forEach((o, k) => {
        // toBeCloseTo(x, 9): |y − x| < 10⁻⁹ / 2.
        const want = o.table[v]!;
        if (!(y[k] === want || Math.abs(y[k]! - want) < 10 ** -9 / 2))
          bad.push(`${cell.name} ports ${ports} output ${o.name}: network ${y[k]}, table ${want}`);
        const digit = run.digits[i * run.width + k];
        if (!Object.is(digit, o.table[v])) bad.push(`${cell.name} ports ${ports} output ${o.name}: circuit ${digit}, table ${o.table[v]}`);
      });
    });
  }
  expect(bad).toEqual([]);
}

describe("closed-form cells from emitted netlists", () => {
  it("paper-4x8 (4 workers, PAM4, nearest-even)", () => checkChip(4, 4, 8, "nearest-even"));
  it("4 workers × 4 bits, PAM4, nearest-away (divide, compare, flag and decrement cells)", () => checkChip(4, 4, 4, "nearest-away"));
  it("5 workers, PAM4, floor, and 6 workers, PAM2 (multi-digit remainders and carries)", () => {
    checkChip(5, 4, 4, "floor");
    checkChip(6, 2, 3, "nearest-away");
  });
  it("2 workers, PAM2 and 3 workers, PAM16", () => {
    checkChip(2, 2, 3, "nearest-even");
    checkChip(3, 16, 4, "nearest-even");
  });
  it("the form option reaches the cell network: steps by default, slope when asked", () => {
    for (const cell of planDigitChip(flatUnit(4, 4, 4, "nearest-away")).cells) {
      expect(cellCircuit(cell, { levels: 4, headroom: 0.9 }).network).toEqual(cellNetwork(cell, { form: "steps" }));
      expect(cellCircuit(cell, { levels: 4, headroom: 0.9, form: "slope" }).network).toEqual(cellNetwork(cell, { form: "slope" }));
    }
    // Some cell is built differently in the two forms.
    const cells = planDigitChip(flatUnit(4, 8, 4, "nearest-even")).cells;
    expect(cells.some((c) => JSON.stringify(cellNetwork(c, { form: "slope" })) !== JSON.stringify(cellNetwork(c, { form: "steps" })))).toBe(
      true,
    );
  });

  it("slope form: every cell of two chips decodes every input too", () => {
    checkChip(4, 4, 8, "nearest-even", { form: "slope" });
    checkChip(4, 4, 4, "nearest-away", { form: "slope" });
  });
});

describe("a cell's pipeline", () => {
  const cell = planDigitChip(flatUnit(4, 8, 4, "nearest-away")).cells.find((c) => c.name === "divide0")!;

  it("PAM sources at 1/(L − 1) per level (a full-scale digit is amplitude 1), the network's stages, ReLUs after ReLU layers, a ratiometric PAM-L detector", () => {
    const { table, network } = cellCircuit(cell, { levels: 4, headroom: 0.9 });
    const steps = table.pipeline;
    expect(steps[0]).toEqual({
      name: "source",
      role: "source",
      workers: 1,
      digits: cell.ports.length,
      levels: 4,
      amplitudePerLevel: 1 / 3,
    });
    const roles = steps.map((s) => [s.name, s.role]);
    const want: string[][] = [["source", "source"]];
    for (const l of network.layers) {
      want.push([l.name, "sparse"]);
      if (l.relu) want.push([`${l.name}_relu`, "activation"]);
    }
    want.push(["detector", "detector"]);
    expect(roles).toEqual(want);
    const det = steps[steps.length - 1] as { levels: number; offset: number; modes: number; step: number; reference: number };
    expect([det.levels, det.offset, det.modes]).toEqual([4, 0, cell.outputs.length]);
    // One output unit = one detector step (the decoded rows' shared scale), read against the row that
    // carried the constant: that reference row has a scale of its own, so its entry is bright rather
    // than held at the decoded rows' (compiler/cells/balance.ts referenceRow).
    expect(det.reference).toBeGreaterThan(det.step);
    // Every layer has one more row (the carried constant); activations span it.
    const stages = steps.filter((s) => s.role === "sparse") as { outputs: number; inputs: number; biasInput?: number }[];
    stages.forEach((s, i) => expect(s.outputs).toBe(network.layers[i]!.weights.length + 1));
    // One source for the whole cell: only the first stage has a bias input.
    expect(stages.map((s) => s.biasInput !== undefined)).toEqual(stages.map((_, i) => i === 0));
    steps
      .filter((s) => s.role === "activation")
      .forEach((s) =>
        expect(s).toMatchObject({ function: "relu", modes: network.layers.find((l) => `${l.name}_relu` === s.name)!.weights.length + 1 }),
      );
  });

  it("prescaled form: the design scales bias sources and the detector step so a die with that loss decodes every input", () => {
    const dB = 0.5;
    const a = 10 ** (-dB / 20);
    const plain = cellCircuit(cell, { levels: 4, headroom: 0.9, biases: "prescaled" });
    const lossy = cellCircuit(cell, { levels: 4, headroom: 0.9, mziLossDb: dB, biases: "prescaled" });
    const stages = (t: typeof plain.table) => t.pipeline.filter((s) => s.role === "sparse") as { biasInput?: number }[];
    stages(lossy.table).forEach((s, i) => {
      const p = stages(plain.table)[i]!;
      if (p.biasInput === undefined) expect(s.biasInput).toBeUndefined();
      else expect(s.biasInput).toBeCloseTo(p.biasInput * a ** i, 14);
    });
    const step = (t: typeof plain.table) => (t.pipeline[t.pipeline.length - 1] as { step: number }).step;
    expect(step(lossy.table)).toBeCloseTo(step(plain.table) * a ** plain.network.layers.length, 14);
    // Simulated with that loss on every MZI: the compensated design is exact, the plain one is not.
    const cases = portCases(cell, 4);
    const exact = (t: typeof plain.table, db = dB): number => {
      const r = compileCircuit(circuitFromPhaseTable(t, "c"), { mziLossDb: db }).run(Float64Array.from(cases.flat()), cases.length);
      return cases.filter((ports, i) => cell.outputs.every((o, k) => r.digits[i * r.width + k] === o.table[cellV(cell, ports)])).length;
    };
    expect(exact(lossy.table)).toBe(cases.length);
    expect(exact(plain.table)).toBeLessThan(cases.length);
    // The loss-tracking design needs no design loss: exact at 0, 0.5 and 3 dB per MZI alike.
    const tracking = cellCircuit(cell, { levels: 4, headroom: 0.9 }).table;
    for (const db of [0, dB, 3]) expect(exact(tracking, db)).toBe(cases.length);
  });

  it("compensated chips decode every input on dies with their nominal loss; tracking chips at any loss", () => {
    checkChip(4, 4, 4, "nearest-away", { mziLossDb: 0.3, biases: "prescaled" }, { mziLossDb: 0.3 });
    checkChip(4, 4, 4, "nearest-away", {}, { mziLossDb: 1 });
  });
});
