// The `info` block of a compiled circuit (`<name>.netlist.json` "info", also carried into every
// backend's header): a flat map of settings that says what the circuit computes, so `optinc verify`
// can check one file on its own. This file owns the format: each group of keys has one writer
// (used by compile) and one reader (used by verify, die, calibrate and allreduce) side by side.
// Values are JSON numbers, strings or number lists. Every key is optional as a group: a circuit
// without `unit_*` entries is the flat aggregator, one without `cell` is not a closed-form cell.
//
// Unit entries (one aggregation unit; aggregate/unit.ts UnitFunction, docs/design/onn.md):
//   unit_input_offset  integer   offset subtracted from each input code
//   unit_output_offset integer   offset added to the rounded result
//   unit_divisor       integer ≥ 1; output = R((Σ w_k S_k − N·input_offset) / divisor) + output_offset
//   unit_weights       string    digit slice only: per-position integer weights, comma-separated
//   unit_carry_in      integer   digit slice only (with unit_weights): leading carry positions, 0..#weights
//   unit_round         string    nearest-even slice chain only: "class" (tie class out) or "carry" (tie class in)
//   cascade_level      integer   the cascade level of the unit (absent for a flat aggregator)
// Cell entries (one closed-form cell design; aggregate/digit-chip.ts Cell): v = bias + Σ weight·x, output o = table_o[v]
//   cell               string    design name (the first copy's cell name, e.g. "add1")
//   cell_role          string    add, compare, divide or decrement
//   cell_instances     integer ≥ 1  physical copies of the design on the chip (default 1)
//   cell_copies        string    the copies' cell names, comma-separated, in chip order
//   cell_levels        integer ≥ 2  digit base L
//   cell_port_kinds    string    per port, comma-separated: "worker" (a worker's digit) or "digit" (a regenerated digit)
//   cell_weights       integers  per port: its weight in v
//   cell_groups        integers  per port: index into cell_group_max of the group it belongs to
//   cell_group_max     integers  per group: largest value of its ports' digits read jointly (base L, port j weighs L^j)
//   cell_bias          integer   the bias of v
//   cell_vmax          integer ≥ 0  largest v; each table lists v = 0..cell_vmax
//   cell_outputs       string    output names, comma-separated
//   cell_tables        integers  the outputs' tables one after another, each cell_vmax + 1 base-L digits
// Monitor entries (a closed-form cell compiled with calibration { monitors = auto }): `monitors` and
// `monitor_sites`, owned by netlist/lab/monitors.ts (the port map, in netlist/, reads them).
// Identity entries (which compile wrote this file; verify/circuit/identity.ts checks them):
//   spec_name, spec_workers, spec_precision, spec_levels, rounding  the spec's
//   unit_file          string    the unit's file stem (<unit_file>.netlist.json)
//   unit_hash          string    SHA-256 (hex) of the unit's function in canonical form (unitHash)
import { createHash } from "node:crypto";
import type { Rounding } from "../dsl/spec.ts";
import type { Cell, DigitChip } from "./digit-chip.ts";
import type { UnitFunction } from "./unit.ts";

/** A value of the info block (a subset of the netlist's setting values). */
export type InfoValue = number | string | number[];
/** Entries a writer adds to a circuit's info. */
export type InfoEntries = Record<string, InfoValue>;
/** An info block as read from a file: anything may be there. */
export type InfoBlock = Readonly<Record<string, unknown>>;

/** A circuit file that does not have the shape verification needs, its info block included. */
export class CircuitShapeError extends Error {}

// ---------------------------------------------------------------------------------------------
// Unit entries

/**
 * A unit's function as stored in the circuit info: the serialized view of UnitFunction (its shape
 * — workers, levels, digits, rounding — is read from the circuit itself, not from these entries).
 */
export interface UnitSpec {
  inputOffset: number;
  outputOffset: number;
  divisor: number;
  /** A digit slice: carry positions (regenerated on every port) and per-position integer weights. */
  carryIn?: number;
  weights?: number[];
  /** Tie-class handshake of a nearest-even slice chain (UnitFunction roundClass / roundCarry). */
  round?: "class" | "carry";
}

/** What a unit's circuit says about its shape, which UnitSpec leaves out. */
export interface UnitShape {
  workers: number;
  levels: number;
  inDigits: number;
  outDigits: number;
  rounding: Rounding;
}

/** The serialized view of a unit function: a slice keeps its weights, carry count and tie handshake. */
export function unitSpecOf(fn: UnitFunction): UnitSpec {
  return fn.weights
    ? {
        inputOffset: fn.inputOffset,
        outputOffset: fn.outputOffset,
        divisor: fn.divisor,
        weights: fn.weights,
        carryIn: fn.carryIn ?? 0,
        ...(fn.roundClass ? { round: "class" as const } : fn.roundCarry ? { round: "carry" as const } : {}),
      }
    : { inputOffset: fn.inputOffset, outputOffset: fn.outputOffset, divisor: fn.divisor };
}

/** The unit function a UnitSpec stands for, given the shape its circuit has. */
export function unitFunctionOf(spec: UnitSpec, shape: UnitShape): UnitFunction {
  return {
    ...shape,
    inputOffset: spec.inputOffset,
    outputOffset: spec.outputOffset,
    divisor: spec.divisor,
    ...(spec.weights ? { carryIn: spec.carryIn ?? 0, weights: spec.weights } : {}),
    ...(spec.round === "class" ? { roundClass: true } : spec.round === "carry" ? { roundCarry: true } : {}),
  };
}

/** The unit entries of a unit (and its cascade level, when it is one); `readUnitInfo` reads them back. */
export function writeUnitInfo(unit: UnitSpec, cascadeLevel: number | null = null): InfoEntries {
  return {
    unit_input_offset: unit.inputOffset,
    unit_output_offset: unit.outputOffset,
    unit_divisor: unit.divisor,
    ...(unit.weights ? { unit_weights: unit.weights.join(","), unit_carry_in: unit.carryIn ?? 0 } : {}),
    ...(unit.round ? { unit_round: unit.round } : {}),
    ...(cascadeLevel !== null ? { cascade_level: cascadeLevel } : {}),
  };
}

/** The unit function of a circuit from its info block, or undefined when it has no unit entries (the flat aggregator). */
export function readUnitInfo(info: InfoBlock): UnitSpec | undefined {
  const a = info.unit_input_offset;
  const b = info.unit_output_offset;
  const c = info.unit_divisor;
  if (typeof a !== "number" || typeof b !== "number" || typeof c !== "number") return undefined;
  if (!Number.isInteger(a) || !Number.isInteger(b) || !Number.isInteger(c) || c < 1)
    throw new CircuitShapeError(`info unit_* settings must be integers (unit_divisor ≥ 1), got ${a}, ${b}, ${c}`);
  const w = info.unit_weights;
  if (w === undefined) return { inputOffset: a, outputOffset: b, divisor: c };
  const weights = String(w).split(",").map(Number);
  const carryIn = info.unit_carry_in ?? 0;
  if (
    !weights.every((x) => Number.isInteger(x) && x >= 0) ||
    typeof carryIn !== "number" ||
    !Number.isInteger(carryIn) ||
    carryIn < 0 ||
    carryIn > weights.length
  )
    throw new CircuitShapeError(
      `info unit_weights must list non-negative integers and unit_carry_in be an integer in 0..${weights.length}, got "${String(w)}", ${String(carryIn)}`,
    );
  const round = info.unit_round;
  if (round !== undefined && round !== "class" && round !== "carry")
    throw new CircuitShapeError(`info unit_round must be "class" or "carry", got ${String(round)}`);
  return { inputOffset: a, outputOffset: b, divisor: c, weights, carryIn, ...(round ? { round } : {}) };
}

/** True when the info says the circuit is one level of a cascade. */
export function isCascadeUnit(info: InfoBlock): boolean {
  return info.cascade_level !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Cell entries

/** A closed-form cell's function as its circuit info states it. */
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

/** One cell design of a chip: its name, the chip cells it stands for, and the (shared) cell. */
export interface CellPlacement {
  name: string;
  /** Indices into chip.cells of the physical copies. */
  instances: readonly number[];
  cell: Cell;
}

/** The cell entries of a cell design: its function and where its copies sit in the chip; `readCellInfo` reads them. */
export function writeCellInfo(design: CellPlacement, chip: DigitChip): InfoEntries {
  const c = design.cell;
  return {
    cell: design.name,
    cell_role: c.role,
    cell_instances: design.instances.length,
    cell_copies: design.instances.map((i) => chip.cells[i]!.name).join(","),
    cell_levels: chip.levels,
    cell_port_kinds: c.ports.map((p) => (p.source.kind === "worker" ? "worker" : "digit")).join(","),
    cell_weights: c.ports.map((p) => p.weight),
    cell_groups: c.ports.map((_, p) => c.groups.findIndex((g) => g.ports.includes(p))),
    cell_group_max: c.groups.map((g) => g.max),
    cell_bias: c.bias,
    cell_vmax: c.vmax,
    cell_outputs: c.outputs.map((o) => o.name).join(","),
    cell_tables: c.outputs.flatMap((o) => o.table),
  };
}

/** True when the info describes a closed-form cell. */
export function isCellCircuit(info: InfoBlock): boolean {
  return info.cell !== undefined;
}

const need = (info: InfoBlock, key: string): unknown => {
  const v = info[key];
  if (v === undefined) throw new CircuitShapeError(`a closed-form cell needs info "${key}"`);
  return v;
};

const ints = (v: unknown, key: string): number[] => {
  const a = Array.isArray(v) ? (v as unknown[]) : [v];
  if (!a.every((x) => Number.isInteger(x))) throw new CircuitShapeError(`info "${key}" must list integers, got ${JSON.stringify(v)}`);
  return a as number[];
};

/** The cell function of a circuit whose info has cell entries, or null for other circuits. */
export function readCellInfo(info: InfoBlock): CellFunction | null {
  if (!isCellCircuit(info)) return null;
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
  if (
    !(
      Number.isInteger(levels) &&
      levels >= 2 &&
      Number.isInteger(vmax) &&
      vmax >= 0 &&
      Number.isInteger(bias) &&
      Number.isInteger(instances) &&
      instances >= 1
    )
  )
    throw new CircuitShapeError("info cell_levels, cell_vmax, cell_bias and cell_instances must be integers (levels ≥ 2, instances ≥ 1)");
  if (kinds.length !== weights.length || groups.length !== weights.length)
    throw new CircuitShapeError(`info cell_port_kinds, cell_weights and cell_groups must have one entry per port (${weights.length})`);
  if (tables.length !== names.length * (vmax + 1))
    throw new CircuitShapeError(`info cell_tables must hold ${names.length} tables of ${vmax + 1} digits`);
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

// ---------------------------------------------------------------------------------------------
// Identity entries

/** Everything that defines a unit's integer function (docs/design/onn.md), in one canonical form. */
export interface UnitIdentity extends UnitSpec {
  workers: number;
  levels: number;
  inDigits: number;
  outDigits: number;
  rounding: string;
}

/** SHA-256 (hex) of a unit function's canonical text "optinc.unit/1;workers=…;…" (the info's unit_hash). */
export function unitHash(u: UnitIdentity): string {
  const sliced = u.weights !== undefined;
  const canonical = [
    "optinc.unit/1",
    `workers=${u.workers}`,
    `levels=${u.levels}`,
    `inDigits=${u.inDigits}`,
    `outDigits=${u.outDigits}`,
    `inputOffset=${u.inputOffset}`,
    `outputOffset=${u.outputOffset}`,
    `divisor=${u.divisor}`,
    `rounding=${u.rounding}`,
    `weights=${sliced ? u.weights!.join(",") : ""}`,
    `carryIn=${sliced ? (u.carryIn ?? 0) : ""}`,
    `round=${sliced ? (u.round ?? "") : ""}`,
  ].join(";");
  return createHash("sha256").update(canonical).digest("hex");
}

/** The spec fields a unit's identity names. */
export interface IdentitySpec {
  name: string;
  workers: number;
  precision: number;
  levels: number;
  rounding: string;
}

/** The identity entries compile writes into a unit's circuit info; `readIdentityInfo` reads them. */
export function writeIdentityInfo(spec: IdentitySpec, file: string, unit: UnitIdentity): InfoEntries {
  return {
    spec_name: spec.name,
    spec_workers: spec.workers,
    spec_precision: spec.precision,
    spec_levels: spec.levels,
    rounding: spec.rounding,
    unit_file: file,
    unit_hash: unitHash(unit),
  };
}

/** The identity keys of the spec's fields, by IdentitySpec field. */
const IDENTITY_SPEC_KEYS = {
  name: "spec_name",
  workers: "spec_workers",
  precision: "spec_precision",
  levels: "spec_levels",
  rounding: "rounding",
} as const;

/**
 * A circuit's identity entries as written (values unchecked: identity.ts compares them with the
 * report and names what differs), or null when the info carries no unit_hash.
 */
export interface IdentityEntries {
  spec: { [K in keyof IdentitySpec]: unknown };
  file: unknown;
  hash: string;
}

export function readIdentityInfo(info: InfoBlock): IdentityEntries | null {
  if (typeof info.unit_hash !== "string") return null;
  const k = IDENTITY_SPEC_KEYS;
  return {
    spec: {
      name: info[k.name],
      workers: info[k.workers],
      precision: info[k.precision],
      levels: info[k.levels],
      rounding: info[k.rounding],
    },
    file: info.unit_file,
    hash: info.unit_hash,
  };
}
