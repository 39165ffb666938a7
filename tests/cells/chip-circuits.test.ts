// A chip's cells as circuit designs (compiler/cells/chip-circuits.ts): cells with the same function
// share one design (paper-4x8: add0, add1 for add1…add3, divide0 — docs/design/digit-cells.md §2.1), every
// design is the circuit cellCircuit builds for its cell, and the info entries a design carries read
// back through verify's own reader (aggregate/circuit-info.ts readCellInfo) as the cell's function.
import { describe, expect, it } from "vitest";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import type { Cell, DigitChip } from "../../aggregate/digit-chip.ts";
import { flatUnit } from "../../aggregate/unit.ts";
import { cellCircuit } from "../../compiler/cells/cell-circuit.ts";
import { chipCircuits } from "../../compiler/cells/chip-circuits.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { readCellInfo, writeCellInfo } from "../../aggregate/circuit-info.ts";

/** Everything a cell computes with, in plain terms: port kinds, weights and ranges, groups, bias, vmax, tables. */
function sameFunction(a: Cell, b: Cell): boolean {
  const f = (c: Cell) => [
    c.ports.map((p) => [p.source.kind, p.weight, p.max]),
    c.groups.map((g) => [g.ports, g.max]),
    c.bias,
    c.vmax,
    c.outputs.map((o) => o.table),
  ];
  return JSON.stringify(f(a)) === JSON.stringify(f(b));
}

const CHIPS: [number, number, number, Rounding][] = [
  [4, 8, 4, "nearest-even"],
  [4, 4, 4, "nearest-away"],
  [5, 4, 4, "floor"],
  [6, 3, 2, "nearest-away"],
  [8, 8, 4, "nearest-even"],
];

describe("chip circuits", () => {
  it("paper-4x8: three designs for five cells — add0, add1 (add1…add3), divide0", () => {
    const chip = planDigitChip(flatUnit(4, 8, 4, "nearest-even"));
    const designs = chipCircuits(chip, { levels: 4, headroom: 0.9 });
    expect(designs.map((d) => [d.name, d.instances])).toEqual([
      ["add0", [0]],
      ["add1", [1, 2, 3]],
      ["divide0", [4]],
    ]);
  });

  it.each(CHIPS)(
    "N = %i, %i bits, L = %i, %s: designs partition the cells by function; each is its first cell's circuit",
    (N, b, L, rounding) => {
      const chip = planDigitChip(flatUnit(N, b, L, rounding));
      const designs = chipCircuits(chip, { levels: L, headroom: 0.9, mziLossDb: 0.05 });
      expect(designs.flatMap((d) => d.instances).sort((x, y) => x - y)).toEqual(chip.cells.map((_, i) => i));
      for (const d of designs) {
        expect(d.instances[0]).toBe(Math.min(...d.instances));
        expect(d.cell).toBe(chip.cells[d.instances[0]!]);
        expect(d.name).toBe(d.cell.name);
        for (const i of d.instances) expect(sameFunction(chip.cells[i]!, d.cell), `${chip.cells[i]!.name} in ${d.name}`).toBe(true);
        const built = cellCircuit(d.cell, { levels: L, headroom: 0.9, mziLossDb: 0.05 });
        expect(d.table).toEqual(built.table);
        expect(d.network).toEqual(built.network);
      }
      for (let x = 0; x < designs.length; x++)
        for (let y = x + 1; y < designs.length; y++) expect(sameFunction(designs[x]!.cell, designs[y]!.cell)).toBe(false);
      expect(designs.length).toBeLessThan(chip.cells.length + 1);
    },
  );

  it("cells that differ only in where a port reads from, in how ports group or how far a group ranges, or in one table entry are different designs", () => {
    const chip = planDigitChip(flatUnit(4, 8, 4, "nearest-even"));
    const add1 = chip.cells.find((c) => c.name === "add1")!;
    const carry = add1.ports.findIndex((p) => p.source.kind === "cell");
    // A regenerated port read from a worker digit instead (same weight and range).
    const fromWorker: Cell = structuredClone(add1);
    fromWorker.name = "kind";
    fromWorker.ports[carry]!.source = { kind: "worker", worker: 0, position: add1.position };
    // divide0's ports declared as one group instead of one each, or with a smaller range for one
    // group (other port spaces for verify to enumerate).
    const divide = chip.cells.find((c) => c.name === "divide0")!;
    const regrouped: Cell = structuredClone(divide);
    regrouped.name = "groups";
    regrouped.groups = [{ ports: regrouped.groups.flatMap((g) => g.ports), max: Math.max(...regrouped.groups.map((g) => g.max)) }];
    const narrowed: Cell = structuredClone(divide);
    narrowed.name = "range";
    narrowed.groups[0]!.max -= 1;
    // One table entry changed (to another digit).
    const retabled: Cell = structuredClone(add1);
    retabled.name = "table";
    retabled.outputs[0]!.table[0] = (retabled.outputs[0]!.table[0]! + 1) % 4;
    const mixed: DigitChip = { ...chip, cells: [add1, fromWorker, divide, regrouped, retabled, structuredClone(add1), narrowed] };
    const designs = chipCircuits(mixed, { levels: 4, headroom: 0.9 });
    expect(designs.map((d) => [d.name, d.instances])).toEqual([
      ["add1", [0, 5]],
      ["kind", [1]],
      ["divide0", [2]],
      ["groups", [3]],
      ["table", [4]],
      ["range", [6]],
    ]);
  });

  it("loss-tracking designs do not depend on the nominal loss", () => {
    const chip = planDigitChip(flatUnit(4, 4, 4, "nearest-away"));
    const a = chipCircuits(chip, { levels: 4, headroom: 0.9 });
    const b = chipCircuits(chip, { levels: 4, headroom: 0.9, mziLossDb: 0 });
    const lossy = chipCircuits(chip, { levels: 4, headroom: 0.9, mziLossDb: 0.3 });
    expect(a.map((d) => d.table)).toEqual(b.map((d) => d.table));
    expect(a.map((d) => d.table)).toEqual(lossy.map((d) => d.table));
  });

  it.each(CHIPS)("N = %i, %i bits, L = %i, %s: a design's info reads back as its cell's function", (N, b, L, rounding) => {
    const chip: DigitChip = planDigitChip(flatUnit(N, b, L, rounding));
    for (const d of chipCircuits(chip, { levels: L, headroom: 0.9 })) {
      const info = writeCellInfo(d, chip);
      expect(info.cell).toBe(d.name);
      expect(info.cell_role).toBe(d.cell.role);
      expect(info.cell_copies).toBe(d.instances.map((i) => chip.cells[i]!.name).join(","));
      const f = readCellInfo(info)!;
      const c = d.cell;
      expect(f.name).toBe(d.name);
      expect(f.role).toBe(c.role);
      expect(f.levels).toBe(L);
      expect(f.instances).toBe(d.instances.length);
      expect(f.bias).toBe(c.bias);
      expect(f.vmax).toBe(c.vmax);
      expect(f.outputs).toEqual(c.outputs.map((o) => ({ name: o.name, table: o.table })));
      expect(f.groupMax).toEqual(c.groups.map((g) => g.max));
      expect(f.ports).toEqual(
        c.ports.map((p, k) => ({
          worker: p.source.kind === "worker",
          weight: p.weight,
          group: c.groups.findIndex((g) => g.ports.includes(k)),
        })),
      );
      expect(f.ports.every((p) => p.group >= 0)).toBe(true);
    }
  });
});
