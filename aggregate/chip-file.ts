// `<name>.chip.json` (format optinc.chip/1): how the cells of a closed-form aggregator are wired.
// Each cell copy names the circuit design that realizes it, reads worker digits or earlier cells'
// regenerated digits, and its function is written out in full (v = bias + Σ weight·x; output o is
// tables[o][v]), so the file alone defines what the chip computes. docs/design/digit-cells.md §2.3 documents it.
import type { Rounding } from "../dsl/spec.ts";
import { jsonErrorAt, lineCol } from "../math/source-position.ts";
import { ARTIFACT_ARRAY_LIMITS, arrayOverLimit, overLimitMessage } from "../math/json-scan.ts";
import type { Cell, CellRole, DigitChip, DigitRef, PortSource } from "./digit-chip.ts";
import { CHIP_FILE } from "../codes/catalogue.ts";

export const CHIP_FORMAT = "optinc.chip/1";

export interface ChipFile {
  name: string;
  unit: { inputOffset: number; outputOffset: number; divisor: number };
  chip: DigitChip;
  /** Design (circuit file stem) of each cell, in chip order. */
  designs: string[];
  /**
   * The link's PAM levels when the cells compute in a narrower base (chip.levels = L', linkLevels =
   * L'^g), on every chip file of the structure: the workers' symbols (flat chip, or cascade level 1) are
   * split at ingress and the result digits (flat chip, or the top level) merged at egress
   * (aggregate/narrow-base.ts); between cascade levels digits stay in base L'. Absent when the link
   * and the cells share one base.
   */
  linkLevels?: number;
}

type JsonRef = { cell: string; output: string } | { constant: number };

/** A port source in the file's JSON form: `{worker, position}` or `{cell, output}` (by name). */
export function portSourceJson(chip: DigitChip, r: PortSource): { worker: number; position: number } | { cell: string; output: string } {
  return chipRefJson(chip, r) as { worker: number; position: number } | { cell: string; output: string };
}

function chipRefJson(chip: DigitChip, r: DigitRef | PortSource): JsonRef | { worker: number; position: number } {
  if ("constant" in r) return { constant: r.constant };
  if ("kind" in r && r.kind === "worker") return { worker: r.worker, position: r.position };
  const c = chip.cells[(r as { cell: number }).cell]!;
  return { cell: c.name, output: c.outputs[(r as { output: number }).output]!.name };
}

export function writeChipJson(f: ChipFile): string {
  const { chip } = f;
  const ref = (r: DigitRef | PortSource): JsonRef | { worker: number; position: number } => chipRefJson(chip, r);
  const doc = {
    format: CHIP_FORMAT,
    name: f.name,
    workers: chip.workers,
    levels: chip.levels,
    ...(f.linkLevels !== undefined && f.linkLevels !== chip.levels ? { linkLevels: f.linkLevels } : {}),
    inDigits: chip.inDigits,
    outDigits: chip.outDigits,
    rounding: chip.rounding,
    unit: f.unit,
    cells: chip.cells.map((c, i) => ({
      name: c.name,
      design: f.designs[i],
      role: c.role,
      position: c.position,
      bias: c.bias,
      vmax: c.vmax,
      ports: c.ports.map((p) => ({ ...ref(p.source), weight: p.weight, max: p.max })),
      groups: c.groups,
      outputs: c.outputs.map((o) => ({ name: o.name, table: o.table })),
    })),
    result: chip.result.map(ref),
  };
  // Indented objects, number lists on one line: readable, and stable bytes.
  return JSON.stringify(doc, null, 1).replace(/\[[\d\s,.-]*\]/g, (m) => m.replace(/\s+/g, "")) + "\n";
}

export class ChipFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    /** What is wrong, without the file:line:col prefix of the message. */
    readonly reason: string,
  ) {
    super(`${file}:${line}:${col}: error[${CHIP_FILE.invalid}]: ${reason}`);
    this.name = "ChipFileError";
  }

  /** The error as a diagnostic (OPT4101 at its line:col), the file as `shown` prints paths. */
  diagnostic(shown: (path: string) => string = (p) => p) {
    return {
      code: CHIP_FILE.invalid,
      severity: "error" as const,
      message: this.reason,
      hint: "re-run optinc compile to regenerate the chip file",
      file: shown(this.file),
      line: this.line,
      column: this.col,
    };
  }
}

/**
 * Chip file names (or stems) in cascade order: a cascade's level files, <name>.L<k>.chip.json, by k
 * as a number (L10 after L9, where a plain sort puts it after L1), the rest by name before them.
 */
export function inCascadeOrder(names: readonly string[]): string[] {
  const level = (f: string): number => Number(/\.L(\d+)(\.chip\.json)?$/.exec(f)?.[1] ?? 0);
  return [...names].sort((a, b) => level(a) - level(b) || (a < b ? -1 : a > b ? 1 : 0));
}

const ROLES: CellRole[] = ["add", "compare", "divide", "decrement"];

/** Parse and check a chip file: every reference resolves to an earlier cell, every table is a digit table. */
export function readChipJson(text: string, file: string): ChipFile {
  let doc: unknown;
  const at = (needle: string, what: string): never => {
    const i = Math.max(0, text.indexOf(needle));
    const { line, col } = lineCol(text, i);
    throw new ChipFileError(file, line, col, what);
  };
  const big = arrayOverLimit(text, ARTIFACT_ARRAY_LIMITS);
  if (big) {
    const { line, col } = lineCol(text, big.offset);
    throw new ChipFileError(file, line, col, overLimitMessage(big, ARTIFACT_ARRAY_LIMITS));
  }
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const { line, col, reason } = jsonErrorAt(text, e);
    throw new ChipFileError(file, line, col, `invalid JSON: ${reason}`);
  }
  const d = doc as Record<string, unknown>;
  if (d?.format !== CHIP_FORMAT) at('"format"', `expected "format": "${CHIP_FORMAT}"`);
  const int = (v: unknown, where: string, min = 0): number =>
    Number.isInteger(v) && (v as number) >= min ? (v as number) : at(where, `${where.replace(/"/g, "")} must be an integer ≥ ${min}`);
  const levels = int(d.levels, '"levels"', 2);
  const workers = int(d.workers, '"workers"', 1);
  const inDigits = int(d.inDigits, '"inDigits"', 1);
  const outDigits = int(d.outDigits, '"outDigits"', 1);
  let linkLevels: number | undefined;
  if (d.linkLevels !== undefined) {
    linkLevels = int(d.linkLevels, '"linkLevels"', 2);
    const g = Math.log2(linkLevels) / Math.log2(levels);
    if (!(Number.isInteger(g) && g >= 2)) at('"linkLevels"', `linkLevels ${linkLevels} must be levels^g with g ≥ 2 (levels ${levels})`);
  }
  const rounding = d.rounding as Rounding;
  if (!["floor", "nearest-even", "nearest-away"].includes(rounding))
    at('"rounding"', "rounding must be floor, nearest-even or nearest-away");
  const u = (d.unit ?? {}) as Record<string, unknown>;
  const unit = {
    inputOffset: int(u.inputOffset, '"inputOffset"'),
    outputOffset: int(u.outputOffset, '"outputOffset"'),
    divisor: int(u.divisor, '"divisor"', 1),
  };
  if (!Array.isArray(d.cells)) at('"cells"', "cells must be a list");
  const names = new Map<string, number>();
  const cells: Cell[] = [];
  const designs: string[] = [];
  const resolve = (r: Record<string, unknown>, where: string): DigitRef => {
    if (typeof r.constant === "number") return { constant: int(r.constant, where) };
    const c = names.get(String(r.cell));
    if (c === undefined) at(`"${String(r.cell)}"`, `${where}: cell "${String(r.cell)}" is not an earlier cell`);
    const o = cells[c!]!.outputs.findIndex((x) => x.name === r.output);
    if (o < 0) at(`"${String(r.output)}"`, `${where}: cell "${String(r.cell)}" has no output "${String(r.output)}"`);
    return { cell: c!, output: o };
  };
  for (const raw of d.cells as Record<string, unknown>[]) {
    const name = String(raw.name);
    const where = `"name": "${name}"`;
    if (names.has(name)) at(where, `cell "${name}" is listed twice`);
    if (!ROLES.includes(raw.role as CellRole)) at(where, `cell "${name}": role must be one of ${ROLES.join(", ")}`);
    const ports = (Array.isArray(raw.ports) ? raw.ports : at(where, `cell "${name}": ports must be a list`)) as Record<string, unknown>[];
    const outputs = (Array.isArray(raw.outputs) ? raw.outputs : at(where, `cell "${name}": outputs must be a list`)) as {
      name: string;
      table: number[];
    }[];
    const vmax = int(raw.vmax, where);
    for (const o of outputs) {
      if (!Array.isArray(o.table) || o.table.length !== vmax + 1 || !o.table.every((x) => Number.isInteger(x) && x >= 0 && x < levels))
        at(`"${o.name}"`, `cell "${name}" output "${o.name}": the table must list ${vmax + 1} base-${levels} digits`);
    }
    const cell: Cell = {
      name,
      role: raw.role as CellRole,
      position: int(raw.position, where),
      bias: Number.isInteger(raw.bias) ? (raw.bias as number) : at(where, `cell "${name}": bias must be an integer`),
      vmax,
      ports: ports.map((p, k) => {
        const source: PortSource =
          p.worker !== undefined
            ? { kind: "worker", worker: int(p.worker, where), position: int(p.position, where) }
            : { kind: "cell", ...(resolve(p, `cell "${name}" port ${k}`) as { cell: number; output: number }) };
        if (source.kind === "worker" && (source.worker >= workers || source.position >= inDigits))
          at(where, `cell "${name}" port ${k}: worker ${source.worker} digit ${source.position} does not exist`);
        return {
          source,
          weight: Number.isInteger(p.weight) ? (p.weight as number) : at(where, `cell "${name}" port ${k}: weight must be an integer`),
          max: int(p.max, where),
        };
      }),
      groups: ((raw.groups ?? []) as { ports: number[]; max: number }[]).map((g) => ({ ports: g.ports, max: int(g.max, where) })),
      outputs: outputs.map((o) => ({ name: o.name, table: o.table })),
    };
    names.set(name, cells.length);
    cells.push(cell);
    designs.push(String(raw.design));
  }
  const result = ((d.result ?? []) as Record<string, unknown>[]).map((r, j) => resolve(r, `result digit ${j}`));
  if (result.length !== outDigits) at('"result"', `result must list ${outDigits} digits`);
  return {
    name: String(d.name),
    unit,
    designs,
    chip: { workers, levels, inDigits, outDigits, rounding, cells, result },
    ...(linkLevels !== undefined ? { linkLevels } : {}),
  };
}
