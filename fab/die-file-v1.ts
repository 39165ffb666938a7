// `<name>.die.json` (format optinc.die/1): a measured (or drawn) die, per named element of the
// emitted netlist (netlist/die/elements.ts). Values are what a lab measures — absolute power
// couplings, phase offsets and gains in rad per DAC code, absolute losses, detector gain and offset
// per mode — and the reader turns them into the netlist/die/die.ts Die the simulator applies. The
// writer is canonical (one element per line, shortest round-trip numbers), so writing what was read
// gives the same bytes. The format is documented in docs/reference/lab-files.md §1 and specified by
// fab/schema/die.schema.json, which the reader enforces with ajv.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { jsonPathOffset } from "../math/json-locate.ts";
import { arrayOverLimit, INPUT_ARRAY_LIMITS, overLimitMessage } from "../math/json-scan.ts";
import { lineCol, jsonErrorAt } from "../math/source-position.ts";
import type { Circuit, Instance } from "../netlist/ir.ts";
import { num } from "../netlist/models.ts";
import { TWO_PI } from "../netlist/mzi.ts";
import { dieCoupling, dieGain, leafPath, linearParts, type Die, type LeafError, type LinearPart } from "../netlist/die/die.ts";
import { dieElements, type DieElement } from "../netlist/die/elements.ts";
import schema from "./schema/die.schema.json" with { type: "json" };
import { DIE } from "../codes/catalogue.ts";

export const DIE_FORMAT = "optinc.die/1";

export interface FileDiagnostic {
  code: string;
  file: string;
  line: number;
  column: number;
  message: string;
  hint: string;
}

export class DieFileError extends Error {
  constructor(readonly diagnostics: FileDiagnostic[]) {
    super(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: error[${d.code}]: ${d.message}\n  fix: ${d.hint}`).join("\n"));
    this.name = "DieFileError";
  }
}

/** Nominal phase per DAC code of a B-bit DAC over [0, 2π). */
export function nominalRadPerCode(bits: number): number {
  return TWO_PI / 2 ** bits;
}

interface WriteOptions {
  id: string;
  dacBits: number;
  /** Free-form provenance (technology, seed, trial). */
  source?: Record<string, string | number>;
}

/** The die as a measurement file (every element of the circuit, ideal values where the die has none). */
export function writeDieFile(circuit: Circuit, die: Die, opts: WriteOptions): string {
  const parts = linearParts(circuit);
  const byName = new Map(parts.map((p) => [p.name, p]));
  const lines: string[] = [];
  for (const el of dieElements(circuit, parts))
    lines.push(`    ${JSON.stringify(el.name)}: ${JSON.stringify(elementRecord(el, byName.get(el.part), die, opts.dacBits))}`);
  const head = [
    "{",
    `  "format": ${JSON.stringify(DIE_FORMAT)},`,
    `  "id": ${JSON.stringify(opts.id)},`,
    `  "circuit": ${JSON.stringify(circuit.name)},`,
    `  "dacBits": ${opts.dacBits},`,
    ...(opts.source ? [`  "source": ${JSON.stringify(opts.source)},`] : []),
  ];
  return [...head, lines.length ? `  "elements": {\n${lines.join(",\n")}\n  }` : `  "elements": {}`, "}", ""].join("\n");
}

type LeafRecord = Record<string, number>;

function leafRecord(inst: Instance, e: LeafError | undefined, dacBits: number, programmable: boolean): LeafRecord {
  const s = inst.settings;
  if (inst.component === "coupler") return { coupling: dieCoupling(s, e) };
  const lossDb = num(s, "loss_db", 0) + (e?.lossDb ?? 0);
  if (inst.component === "phase") {
    if (!programmable) return { offsetRad: e?.dPhi ?? 0, lossDb };
    const radPerCode = e?.radPerCode ?? dieGain(e, dacBits) * nominalRadPerCode(dacBits);
    return { offsetRad: e?.dPhi ?? 0, radPerCode, lossDb };
  }
  return { lossDb };
}

function elementRecord(el: DieElement, part: LinearPart | undefined, die: Die, dacBits: number): Record<string, unknown> {
  if (el.kind === "detector") {
    const n = el.modes!;
    return {
      kind: "detector",
      gain: die.detector?.gain.slice(0, n) ?? new Array(n).fill(1),
      offset: die.detector?.offset.slice(0, n) ?? new Array(n).fill(0),
    };
  }
  const leaf = (name: string): [Instance, LeafError | undefined] => [part!.flat.instances[name]!, die.leaves.get(leafPath(el.part, name))];
  if (el.kind === "mzi" || el.kind === "attenuator") {
    const rec: Record<string, unknown> = { kind: el.kind };
    for (const [role, name] of Object.entries(el.leaves)) rec[role] = leafRecord(...leaf(name), dacBits, true);
    return rec;
  }
  if (el.kind === "tree") {
    const leaves: Record<string, LeafRecord> = {};
    for (const [role, name] of Object.entries(el.leaves)) leaves[role] = leafRecord(...leaf(name), dacBits, false);
    return { kind: "tree", leaves };
  }
  return { kind: el.kind, ...leafRecord(...leaf(el.leaves.leaf!), dacBits, true) };
}

let validator: ValidateFunction | null = null;

function validate(doc: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, discriminator: true }).compile(schema);
  return validator(doc) ? [] : (validator.errors ?? []);
}

/** JSON pointer → path segments (array indices as numbers). */
function pointerPath(pointer: string, doc: unknown): (string | number)[] {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const key: string | number = Array.isArray(cur) ? Number(seg) : seg;
    out.push(key);
    cur = cur !== null && typeof cur === "object" ? (cur as Record<string | number, unknown>)[key] : undefined;
  }
  return out;
}

function schemaMessage(e: ErrorObject): { message: string; hint: string } {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return {
        message: `missing "${String(p.missingProperty)}"`,
        hint: "every measured quantity of the element is required; `optinc die` writes a complete template",
      };
    case "additionalProperties":
      return {
        message: `unknown field "${String(p.additionalProperty)}"`,
        hint: "see docs/reference/lab-files.md §1 for the fields of each element kind",
      };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
      return { message: `non-physical value: ${e.message ?? ""}`, hint: "couplings lie in [0, 1], losses are ≥ 0 dB, gains are > 0" };
    case "const":
      return { message: `expected ${JSON.stringify(p.allowedValue)}`, hint: `this file must be ${DIE_FORMAT}` };
    case "discriminator":
      return {
        message: `unknown element kind ${JSON.stringify(p.tagValue)}`,
        hint: "kind is one of mzi, attenuator, phase, coupler, waveguide, tree, detector",
      };
    case "type":
      return { message: `expected ${String(p.type)}`, hint: "see docs/reference/lab-files.md §1" };
    default:
      return { message: e.message ?? e.keyword, hint: "see docs/reference/lab-files.md §1 and fab/schema/die.schema.json" };
  }
}

/** Non-finite numbers (JSON has no NaN, but 1e999 parses to Infinity): [path, value]. */
function nonFinite(v: unknown, path: (string | number)[], out: [(string | number)[], number][]): void {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) out.push([path, v]);
  } else if (Array.isArray(v)) v.forEach((x, i) => nonFinite(x, [...path, i], out));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) nonFinite(x, [...path, k], out);
}

const MAX_DIAGNOSTICS = 20;

/** JSON.parse of a die file; a syntax error is one diagnostic at its line and column. */
export function parseDieJson(text: string, file: string, code: string, hint: string, sizeCode: string = DIE.schema): unknown {
  const big = arrayOverLimit(text, INPUT_ARRAY_LIMITS);
  if (big) {
    const { line, col } = lineCol(text, big.offset);
    throw new DieFileError([
      { code: sizeCode, file, line, column: col, message: overLimitMessage(big), hint: "pass a die file optinc die wrote" },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text, e);
    throw new DieFileError([{ code, file, line: at.line, column: at.col, message: `invalid JSON: ${at.reason}`, hint }]);
  }
}

/** Collects at most MAX_DIAGNOSTICS problems, each placed at the JSON path it names. */
export function diagnosticSink(text: string, file: string, describe: (path: (string | number)[]) => string) {
  const diags: FileDiagnostic[] = [];
  const at = (path: (string | number)[], code: string, message: string, hint: string): void => {
    if (diags.length >= MAX_DIAGNOSTICS) return;
    const { line, col } = lineCol(text, jsonPathOffset(text, path) ?? 0);
    diags.push({ code, file, line, column: col, message: path.length ? `${describe(path)}: ${message}` : message, hint });
  };
  return { diags, at };
}

/**
 * Read a measurement file for `circuit`. Every problem (JSON syntax, schema, unknown, missing or
 * mismatched elements, non-physical values) is a diagnostic at file:line:col; all are thrown at once.
 */
export function readDieFile(text: string, file: string, circuit: Circuit): Die {
  const doc = parseDieJson(
    text,
    file,
    DIE.json,
    "fix the JSON syntax (NaN and Infinity are not JSON: measure the value or leave the nominal one)",
  );
  const { diags, at } = diagnosticSink(text, file, describePath);
  const bad: [(string | number)[], number][] = [];
  nonFinite(doc, [], bad);
  for (const [path, v] of bad) at(path, DIE.value, `${v} is not a finite number`, "give the measured value");
  if (bad.length === 0) {
    const seen = new Set<string>();
    // The most specific problems: an alternative's complaint about a whole object is dropped when
    // something inside that object is wrong (a ref arm with a negative loss is not "missing offsetRad").
    const errors = validate(doc).filter((e) => !["anyOf", "oneOf", "allOf", "if"].includes(e.keyword));
    const deeper = (path: string): boolean => errors.some((o) => o.instancePath.startsWith(`${path}/`));
    for (const e of errors) {
      if (deeper(e.instancePath)) continue;
      const key = e.instancePath;
      if (seen.has(key)) continue;
      seen.add(key);
      const path = pointerPath(e.instancePath, doc);
      const { message, hint } = schemaMessage(e);
      at(path, ["minimum", "maximum", "exclusiveMinimum"].includes(e.keyword) ? DIE.value : DIE.schema, message, hint);
    }
  }
  if (diags.length) throw new DieFileError(diags);
  const d = doc as { id: string; circuit: string; dacBits: number; elements: Record<string, Record<string, unknown>> };
  if (d.circuit !== circuit.name) {
    at(
      ["circuit"],
      DIE.circuit,
      `this die was measured on circuit "${d.circuit}", not "${circuit.name}"`,
      "pass the netlist the die belongs to, or regenerate the file with `optinc die`",
    );
    throw new DieFileError(diags);
  }
  const parts = linearParts(circuit);
  const byPart = new Map(parts.map((p) => [p.name, p]));
  const elements = dieElements(circuit, parts);
  const byName = new Map(elements.map((e) => [e.name, e]));
  const die: Die = { id: d.id, leaves: new Map(), dacBits: d.dacBits };
  const set = (part: string, leaf: string, e: LeafError): void => {
    if (Object.keys(e).length) die.leaves.set(leafPath(part, leaf), e);
  };
  for (const [name, rec] of Object.entries(d.elements)) {
    const el = byName.get(name);
    if (!el) {
      at(
        ["elements", name],
        DIE.unknown,
        `no element "${name}" in circuit "${circuit.name}"`,
        `element names are "<top instance>/<element>" as in the netlist (e.g. ${elements[0]?.name ?? "layer1/e0"}); \`optinc die\` lists them all`,
      );
      continue;
    }
    if (rec.kind !== el.kind) {
      at(
        ["elements", name, "kind"],
        DIE.kind,
        `"${name}" is ${article(el.kind)} in the netlist, not ${article(String(rec.kind))}`,
        `measure it as ${article(el.kind)}`,
      );
      continue;
    }
    if (el.kind === "detector") {
      const gain = rec.gain as number[];
      const offset = rec.offset as number[];
      for (const [k, arr] of [
        ["gain", gain],
        ["offset", offset],
      ] as const) {
        if (arr.length !== el.modes)
          at(
            ["elements", name, k],
            DIE.kind,
            `the detector has ${el.modes} modes, the file gives ${arr.length} values`,
            "give one value per detector input mode",
          );
      }
      if (gain.some((g) => g !== 1) || offset.some((o) => o !== 0)) die.detector = { gain: [...gain], offset: [...offset] };
      continue;
    }
    const part = byPart.get(el.part)!;
    const children: [string, string, (string | number)[]][] =
      el.kind === "tree"
        ? Object.entries(el.leaves).map(([role, leaf]) => [role, leaf, ["elements", name, "leaves", role]])
        : el.kind === "mzi" || el.kind === "attenuator"
          ? Object.entries(el.leaves).map(([role, leaf]) => [role, leaf, ["elements", name, role]])
          : [["leaf", el.leaves.leaf!, ["elements", name]]];
    if (el.kind === "tree") {
      const given = rec.leaves as Record<string, unknown>;
      for (const k of Object.keys(given))
        if (!(k in el.leaves))
          at(
            ["elements", name, "leaves", k],
            DIE.unknown,
            `the tree has no leaf "${k}"`,
            `its leaves are ${Object.keys(el.leaves).join(", ")}`,
          );
      const missing = Object.keys(el.leaves).filter((k) => !(k in given));
      if (missing.length)
        at(
          ["elements", name, "leaves"],
          DIE.missing,
          `missing tree leaves ${missing.join(", ")}`,
          "measure every coupler and phase section of the tree",
        );
    }
    for (const [role, leaf, path] of children) {
      const raw = (
        el.kind === "tree" ? (rec.leaves as Record<string, unknown>)[role] : el.kind === "mzi" || el.kind === "attenuator" ? rec[role] : rec
      ) as Record<string, number> | undefined;
      if (!raw) continue;
      const inst = part.flat.instances[leaf]!;
      const e = leafError(inst, raw, el.kind !== "tree", d.dacBits, (what, hint) => at(path, DIE.kind, what, hint));
      if (e) set(el.part, leaf, e);
    }
  }
  const missing = elements.filter((e) => !(e.name in d.elements));
  if (missing.length) {
    const shown = missing
      .slice(0, 5)
      .map((e) => e.name)
      .join(", ");
    at(
      ["elements"],
      DIE.missing,
      `${missing.length} element${missing.length > 1 ? "s" : ""} of the netlist ${missing.length > 1 ? "are" : "is"} missing: ${shown}${missing.length > 5 ? ", …" : ""}`,
      "a measurement names every element; `optinc die` writes a complete template to fill in",
    );
  }
  if (diags.length) throw new DieFileError(diags);
  return die;
}

/** A leaf's measured values → its deviation from the netlist (undefined fields are nominal). */
function leafError(
  inst: Instance,
  raw: Record<string, number>,
  programmable: boolean,
  dacBits: number,
  fail: (what: string, hint: string) => void,
): LeafError | null {
  const s = inst.settings;
  const e: LeafError = {};
  const expect = (fields: string[]): boolean => {
    const ok = fields.every((f) => f in raw) && Object.keys(raw).every((k) => fields.includes(k) || k === "kind");
    if (!ok) fail(`this ${inst.component} is measured by ${fields.join(", ")}`, `give exactly ${fields.join(", ")} for it`);
    return ok;
  };
  if (inst.component === "coupler") {
    if (!expect(["coupling"])) return null;
    if (raw.coupling !== num(s, "coupling", 0.5) + num(s, "imbalance", 0)) e.coupling = raw.coupling;
    return e;
  }
  if (inst.component === "phase") {
    if (!expect(programmable ? ["offsetRad", "radPerCode", "lossDb"] : ["offsetRad", "lossDb"])) return null;
    if (raw.offsetRad !== 0) e.dPhi = raw.offsetRad;
    if (programmable && raw.radPerCode !== nominalRadPerCode(dacBits)) e.radPerCode = raw.radPerCode;
  } else if (!expect(["lossDb"])) return null;
  const extra = raw.lossDb! - num(s, "loss_db", 0);
  if (extra !== 0) e.lossDb = extra;
  return e;
}

function describePath(path: (string | number)[]): string {
  if (path[0] === "elements" && path.length >= 2)
    return `elements["${String(path[1])}"]${path
      .slice(2)
      .map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`))
      .join("")}`;
  return path.map((k) => (typeof k === "number" ? `[${k}]` : k)).join(".");
}

/** "an attenuator", "a coupler". */
const article = (word: string): string => `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
