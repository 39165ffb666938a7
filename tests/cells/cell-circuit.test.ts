// Every cell of the closed-form route, emitted as a netlist and read back, decodes every input of
// its port space to the cell's digits: simulated from the emitted file, not from the compiler's
// matrices. The real-valued cell network is exact too (its margins are checked at integer v).
import { describe, expect, it } from "vitest";
import { cellV, planDigitChip, type Cell } from "../../aggregate/digit-chip.ts";
import { flatUnit } from "../../aggregate/unit.ts";
import { cellCircuit } from "../../compiler/cells/cell-circuit.ts";
import { evaluateCellNetwork } from "../../compiler/cells/cell-network.ts";
import { circuitFromPhaseTable } from "../../netlist/from-phase-table.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/json-io.ts";
import { compileCircuit } from "../../netlist/simulate.ts";
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

function checkChip(N: number, L: number, b: number, rounding: Rounding): void {
  const chip = planDigitChip(flatUnit(N, b, L, rounding));
  for (const cell of chip.cells) {
    const { table, network } = cellCircuit(cell, { levels: L, headroom: 0.9 });
    const circuit = readNetlistJson(writeNetlistJson(circuitFromPhaseTable(table, cell.name)), `${cell.name}.netlist.json`);
    const cases = portCases(cell, L);
    const sim = compileCircuit(circuit).run(Float64Array.from(cases.flat()), cases.length);
    cases.forEach((ports, i) => {
      const v = cellV(cell, ports);
      const y = evaluateCellNetwork(network, ports);
      cell.outputs.forEach((o, k) => {
        expect(y[k]).toBeCloseTo(o.table[v]!, 9);
        expect(sim.digits[i * sim.width + k], `${cell.name} ports ${ports} output ${o.name}`).toBe(o.table[v]);
      });
    });
  }
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
});
