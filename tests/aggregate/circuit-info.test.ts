// The circuit info block as a file format (aggregate/circuit-info.ts): every writer's entries, put
// through JSON as a netlist file carries them, read back to what was written; a malformed block
// is a CircuitShapeError that names the key and what it must be.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CircuitShapeError,
  isCascadeUnit,
  isCellCircuit,
  readCellInfo,
  readIdentityInfo,
  readUnitInfo,
  unitFunctionOf,
  unitHash,
  unitSpecOf,
  writeCellInfo,
  writeIdentityInfo,
  writeUnitInfo,
  type CellFunction,
  type InfoEntries,
  type UnitIdentity,
} from "../../aggregate/circuit-info.ts";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import type { Cell, DigitChip } from "../../aggregate/digit-chip.ts";
import { planSlices } from "../../aggregate/slices.ts";
import { flatUnit, type UnitFunction } from "../../aggregate/unit.ts";
import { planCascade } from "../../aggregate/cascade.ts";
import type { Rounding } from "../../dsl/spec.ts";

/** What a netlist.json does to the entries: JSON out and back in. */
const throughFile = (e: InfoEntries): Record<string, unknown> => JSON.parse(JSON.stringify({ info: e })).info as Record<string, unknown>;

const ROUNDINGS: Rounding[] = ["floor", "nearest-even", "nearest-away"];

/** A unit function in the form the planners build: flat, or a slice with weights and a carry count (and at most one tie flag). */
const unitFunction: fc.Arbitrary<UnitFunction> = fc
  .record({
    workers: fc.integer({ min: 1, max: 64 }),
    levels: fc.constantFrom(2, 4, 8, 16),
    inDigits: fc.integer({ min: 1, max: 8 }),
    outDigits: fc.integer({ min: 1, max: 8 }),
    inputOffset: fc.integer({ min: 0, max: 1 << 20 }),
    outputOffset: fc.integer({ min: 0, max: 1 << 20 }),
    divisor: fc.integer({ min: 1, max: 1 << 12 }),
    rounding: fc.constantFrom(...ROUNDINGS),
    slice: fc.option(
      fc.record({
        weights: fc.array(fc.integer({ min: 0, max: 1 << 16 }), { minLength: 1, maxLength: 8 }),
        carry: fc.nat(),
        tie: fc.constantFrom("none", "class", "carry"),
      }),
      { nil: undefined },
    ),
  })
  .map(({ slice, ...u }) => {
    if (!slice) return u;
    const fn: UnitFunction = {
      ...u,
      inDigits: slice.weights.length,
      weights: slice.weights,
      carryIn: slice.carry % (slice.weights.length + 1),
    };
    if (slice.tie === "class") fn.roundClass = true;
    if (slice.tie === "carry") fn.roundCarry = true;
    return fn;
  });

const shapeOf = (fn: UnitFunction) => ({
  workers: fn.workers,
  levels: fn.levels,
  inDigits: fn.inDigits,
  outDigits: fn.outDigits,
  rounding: fn.rounding,
});

describe("unit entries", () => {
  it("UnitFunction → UnitSpec → info → file → info → UnitSpec → UnitFunction is the identity (property)", () => {
    fc.assert(
      fc.property(unitFunction, fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }), (fn, level) => {
        const info = throughFile(writeUnitInfo(unitSpecOf(fn), level));
        const spec = readUnitInfo(info);
        expect(spec).toStrictEqual(unitSpecOf(fn));
        expect(unitFunctionOf(spec!, shapeOf(fn))).toStrictEqual(fn);
        expect(isCascadeUnit(info)).toBe(level !== null);
      }),
      { seed: 22, numRuns: 300 },
    );
  });

  it("the planners' real units round-trip: flat, cascade levels, and every slice of a sliced unit", () => {
    const units: UnitFunction[] = [flatUnit(4, 8, 4, "nearest-even"), ...planCascade(16, 4, 8, 4, "nearest-even").levels.map((l) => l.fn)];
    for (const rounding of ["floor", "nearest-even"] as const) {
      const plan = planSlices(flatUnit(16, 16, 4, rounding));
      expect(plan, `16 workers × 16 bits (${rounding}) is sliced`).not.toBeNull();
      units.push(...plan!.slices.map((s) => s.fn));
    }
    expect(units.some((u) => u.roundClass) && units.some((u) => u.roundCarry)).toBe(true);
    // A slice without carry positions may leave carryIn out; the file always states it (0).
    for (const fn of units)
      expect(unitFunctionOf(readUnitInfo(throughFile(writeUnitInfo(unitSpecOf(fn))))!, shapeOf(fn))).toStrictEqual(
        fn.weights ? { ...fn, carryIn: fn.carryIn ?? 0 } : fn,
      );
  });

  it("a circuit without unit entries is the flat aggregator (undefined), and the writer's key order is fixed", () => {
    expect(readUnitInfo({ spec_name: "x" })).toBeUndefined();
    expect(
      Object.keys(writeUnitInfo({ inputOffset: 1, outputOffset: 2, divisor: 3, weights: [1, 4], carryIn: 1, round: "carry" }, 2)),
    ).toEqual(["unit_input_offset", "unit_output_offset", "unit_divisor", "unit_weights", "unit_carry_in", "unit_round", "cascade_level"]);
  });
});

/** A cell whose ports, groups and tables agree (what planDigitChip builds, drawn at random). */
const cellArb = fc
  .record({
    levels: fc.constantFrom(2, 4, 8),
    workerPorts: fc.integer({ min: 0, max: 4 }),
    groups: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
    weights: fc.array(fc.integer({ min: -8, max: 8 }), { minLength: 16, maxLength: 16 }),
    bias: fc.integer({ min: -20, max: 20 }),
    vmax: fc.integer({ min: 0, max: 40 }),
    outputs: fc.integer({ min: 1, max: 3 }),
    digits: fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
    role: fc.constantFrom("add", "compare", "divide", "decrement" as const),
  })
  .filter((r) => r.workerPorts + r.groups.reduce((a, b) => a + b, 0) > 0)
  .map((r): { cell: Cell; levels: number } => {
    const ports: Cell["ports"] = [];
    const groups: Cell["groups"] = [];
    for (let w = 0; w < r.workerPorts; w++) {
      groups.push({ ports: [ports.length], max: r.levels - 1 });
      ports.push({ source: { kind: "worker", worker: w, position: 0 }, weight: r.weights[ports.length]!, max: r.levels - 1 });
    }
    for (const size of r.groups) {
      const members = Array.from({ length: size }, (_, j) => ports.length + j);
      groups.push({ ports: members, max: r.levels ** size - 1 });
      for (let j = 0; j < size; j++)
        ports.push({ source: { kind: "cell", cell: 0, output: j }, weight: r.weights[ports.length]!, max: r.levels - 1 });
    }
    let d = 0;
    const outputs = Array.from({ length: r.outputs }, (_, o) => ({
      name: `o${o}`,
      table: Array.from({ length: r.vmax + 1 }, () => r.digits[d++ % r.digits.length]! % r.levels),
    }));
    return {
      cell: { name: `${r.role}1`, role: r.role, position: 1, ports, groups, bias: r.bias, vmax: r.vmax, outputs },
      levels: r.levels,
    };
  });

/** The function a cell design stands for, stated directly from the cell. */
function expectedFunction(cell: Cell, levels: number, copies: number): CellFunction {
  return {
    name: cell.name,
    role: cell.role,
    levels,
    ports: cell.ports.map((p, k) => ({
      worker: p.source.kind === "worker",
      weight: p.weight,
      group: cell.groups.findIndex((g) => g.ports.includes(k)),
    })),
    groupMax: cell.groups.map((g) => g.max),
    bias: cell.bias,
    vmax: cell.vmax,
    outputs: cell.outputs.map((o) => ({ name: o.name, table: o.table })),
    instances: copies,
  };
}

describe("cell entries", () => {
  it("a cell's entries read back, through a file, as its function (property)", () => {
    fc.assert(
      fc.property(cellArb, fc.integer({ min: 1, max: 5 }), ({ cell, levels }, copies) => {
        const chip: DigitChip = {
          workers: 4,
          levels,
          inDigits: 1,
          outDigits: 1,
          rounding: "floor",
          cells: Array.from({ length: copies }, (_, i) => ({ ...cell, name: `${cell.name}_${i}` })),
          result: [],
        };
        const info = throughFile(writeCellInfo({ name: cell.name, instances: chip.cells.map((_, i) => i), cell }, chip));
        expect(isCellCircuit(info)).toBe(true);
        expect(info.cell_copies).toBe(chip.cells.map((c) => c.name).join(","));
        expect(readCellInfo(info)).toStrictEqual(expectedFunction(cell, levels, copies));
      }),
      { seed: 22, numRuns: 200 },
    );
  });

  it("every cell of a planned chip round-trips", () => {
    const chip = planDigitChip(flatUnit(4, 8, 4, "nearest-even"));
    for (const [i, cell] of chip.cells.entries())
      expect(readCellInfo(throughFile(writeCellInfo({ name: cell.name, instances: [i], cell }, chip)))).toStrictEqual(
        expectedFunction(cell, 4, 1),
      );
  });

  it("a circuit without a cell entry is not a cell (null)", () => {
    expect(readCellInfo({ unit_divisor: 4 })).toBeNull();
  });
});

describe("identity entries", () => {
  const spec = { name: "paper_4x8", workers: 4, precision: 8, levels: 4, rounding: "nearest-even" };
  const unit: UnitIdentity = {
    workers: 4,
    levels: 4,
    inDigits: 4,
    outDigits: 4,
    rounding: "nearest-even",
    inputOffset: 128,
    outputOffset: 128,
    divisor: 4,
  };

  it("read back as written", () => {
    const info = throughFile(writeIdentityInfo(spec, "paper_4x8", unit));
    expect(readIdentityInfo(info)).toStrictEqual({ spec, file: "paper_4x8", hash: unitHash(unit) });
    expect(readIdentityInfo({ spec_name: "x" })).toBeNull();
  });

  it("the hash changes with every field of the unit function (property)", () => {
    fc.assert(
      fc.property(unitFunction, fc.constantFrom("workers", "inputOffset", "outputOffset", "divisor", "outDigits"), (fn, field) => {
        const id: UnitIdentity = { ...shapeOf(fn), ...unitSpecOf(fn) };
        expect(unitHash({ ...id, [field]: id[field] + 1 })).not.toBe(unitHash(id));
        expect(unitHash({ ...id, rounding: id.rounding === "floor" ? "nearest-even" : "floor" })).not.toBe(unitHash(id));
      }),
      { seed: 22, numRuns: 100 },
    );
  });

  it("the hash of the paper's flat unit is pinned (files written before stay valid)", () => {
    // The unit_hash of examples/paper-4x8-trained.optinc as compiled before circuit-info.ts existed.
    expect(unitHash(unit)).toBe("2384f1190f78870d1c9e92f09dca439cc44d862d52bed469e1553bebdd1d51c3");
  });
});

describe("a malformed info block is a clear error", () => {
  const goodUnit = { unit_input_offset: 128, unit_output_offset: 128, unit_divisor: 4 };
  it.each([
    [{ ...goodUnit, unit_divisor: 0 }, /unit_\* settings must be integers \(unit_divisor ≥ 1\), got 128, 128, 0/],
    [{ ...goodUnit, unit_input_offset: 1.5 }, /unit_\* settings must be integers/],
    [{ ...goodUnit, unit_weights: "1,x" }, /unit_weights must list non-negative integers .*got "1,x"/],
    [{ ...goodUnit, unit_weights: "1,4", unit_carry_in: 3 }, /unit_carry_in be an integer in 0\.\.2, got "1,4", 3/],
    [{ ...goodUnit, unit_weights: "1,4", unit_round: "up" }, /unit_round must be "class" or "carry", got up/],
  ])("unit entries %o", (info, message) => {
    expect(() => readUnitInfo(info)).toThrow(CircuitShapeError);
    expect(() => readUnitInfo(info)).toThrow(message);
  });

  const chip = planDigitChip(flatUnit(4, 8, 4, "nearest-even"));
  const good = writeCellInfo({ name: chip.cells[1]!.name, instances: [1], cell: chip.cells[1]! }, chip);
  const without = (k: string) => Object.fromEntries(Object.entries(good).filter(([key]) => key !== k));
  it.each([
    [without("cell_levels"), /a closed-form cell needs info "cell_levels"/],
    [{ ...good, cell_weights: [1, "x"] }, /info "cell_weights" must list integers, got \[1,"x"\]/],
    [{ ...good, cell_levels: 1 }, /cell_levels, cell_vmax, cell_bias and cell_instances must be integers \(levels ≥ 2, instances ≥ 1\)/],
    [{ ...good, cell_groups: [0] }, /must have one entry per port/],
    [{ ...good, cell_tables: [0] }, /cell_tables must hold \d+ tables of \d+ digits/],
    [{ ...good, cell_tables: (good.cell_tables as number[]).map(() => 9) }, /cell_tables must hold base-4 digits/],
    [{ ...good, cell_groups: (good.cell_groups as number[]).map(() => 7) }, /cell_groups must index cell_group_max/],
  ])("cell entries %#", (info, message) => {
    expect(() => readCellInfo(info)).toThrow(CircuitShapeError);
    expect(() => readCellInfo(info)).toThrow(message);
  });
});
