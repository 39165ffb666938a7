// Reading `*.phases.json`: JSON syntax errors with line:col, then a structural check of
// every field the toolchain relies on, each failure naming the exact path.
import { jsonErrorAt, lineCol } from "../../math/source-position.ts";
import { ARTIFACT_ARRAY_LIMITS, arrayOverLimit, overLimitMessage } from "../../math/json-scan.ts";
import type { PhaseTable } from "../ir.ts";

export class PhaseTableError extends Error {
  /** What is wrong, without the file:line:col the message starts with (a diagnostic prints those itself). */
  readonly reason: string;
  constructor(
    message: string,
    readonly path: string,
    readonly line?: number,
    readonly col?: number,
    reason?: string,
  ) {
    super(message);
    this.name = "PhaseTableError";
    this.reason = reason ?? message;
  }
}

/** JSON.parse with the error position turned into file:line:col. */
export function parseJsonText(text: string, file = "<input>"): unknown {
  const big = arrayOverLimit(text, ARTIFACT_ARRAY_LIMITS);
  if (big) {
    const { line, col } = lineCol(text, big.offset);
    const reason = overLimitMessage(big, ARTIFACT_ARRAY_LIMITS);
    throw new PhaseTableError(`${file}:${line}:${col}: ${reason}`, "", line, col, reason);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const { line, col, reason } = jsonErrorAt(text, e);
    throw new PhaseTableError(`${file}:${line}:${col}: invalid JSON: ${reason}`, "", line, col, `invalid JSON: ${reason}`);
  }
}

type Obj = Record<string, unknown>;

class Checker {
  constructor(private readonly file: string) {}
  fail(path: string, what: string): never {
    const reason = `${path || "(top level)"}: ${what}`;
    throw new PhaseTableError(`${this.file}: ${reason}`, path, undefined, undefined, reason);
  }
  obj(v: unknown, path: string): Obj {
    if (v === null || typeof v !== "object" || Array.isArray(v)) this.fail(path, `expected an object, got ${describe(v)}`);
    return v as Obj;
  }
  arr(v: unknown, path: string, len?: number): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${describe(v)}`);
    if (len !== undefined && v.length !== len) this.fail(path, `expected ${len} entries, got ${v.length}`);
    return v;
  }
  num(v: unknown, path: string): number {
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(path, `expected a finite number, got ${describe(v)}`);
    return v;
  }
  int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.num(v, path);
    if (!Number.isInteger(n) || n < min || n > max) this.fail(path, `expected an integer in ${min}..${max}, got ${n}`);
    return n;
  }
  str(v: unknown, path: string, allowed?: readonly string[]): string {
    if (typeof v !== "string") this.fail(path, `expected a string, got ${describe(v)}`);
    if (allowed && !allowed.includes(v))
      this.fail(path, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(v)}`);
    return v;
  }
  complex(v: unknown, path: string): void {
    const a = this.arr(v, path, 2);
    this.num(a[0], `${path}[0]`);
    this.num(a[1], `${path}[1]`);
  }
  matrix(v: unknown, path: string, size: 1 | 2): void {
    const rows = this.arr(v, path, size);
    rows.forEach((r, i) => this.arr(r, `${path}[${i}]`, size).forEach((c, j) => this.complex(c, `${path}[${i}][${j}]`)));
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}

const STAGE_ROLES = ["unitary", "svd", "sigma-u", "preprocess", "sparse", "broadcast"] as const;
const ROLES = [...STAGE_ROLES, "source", "activation", "detector"] as const;

function checkElement(c: Checker, v: unknown, path: string, i: number, modes: number): void {
  const e = c.obj(v, path);
  if (c.int(e.index, `${path}.index`, 0) !== i)
    c.fail(`${path}.index`, `expected ${i} (elements are listed in light order, indexed from 0)`);
  c.int(e.column, `${path}.column`, 0);
  const kind = c.str(e.kind, `${path}.kind`, ["mzi", "phase", "attenuator", "coupler"]);
  const two = kind === "mzi" || kind === "coupler";
  const ms = c.arr(e.modes, `${path}.modes`, two ? 2 : 1);
  const m0 = c.int(ms[0], `${path}.modes[0]`, 0, modes - 1);
  // MZIs sit on adjacent modes (a mesh cell); fixed couplers of fan-out/fan-in trees may join any a < b.
  const m1 = two ? c.int(ms[1], `${path}.modes[1]`, 0, modes - 1) : 0;
  // Mesh MZIs use adjacent modes; tree MZIs (trees = mzi), like couplers, any a < b.
  if (kind === "mzi" && !(m1 > m0)) c.fail(`${path}.modes`, `expected modes [a, b] with a < b, got [${ms.join(", ")}]`);
  if (kind === "coupler" && !(m1 > m0)) c.fail(`${path}.modes`, `expected modes [a, b] with a < b, got [${ms.join(", ")}]`);
  if (kind !== "coupler") c.num(e.phi, `${path}.phi`);
  if (kind === "mzi" || kind === "attenuator") c.num(e.theta, `${path}.theta`);
  if (kind === "attenuator") c.complex(e.sigma, `${path}.sigma`);
  if (kind === "coupler") {
    const k = c.num(e.coupling, `${path}.coupling`);
    if (k < 0 || k > 1) c.fail(`${path}.coupling`, `expected a power coupling in [0, 1], got ${k}`);
  }
  if (e.dac !== undefined) {
    const d = c.obj(e.dac, `${path}.dac`);
    const bits = c.int(d.bits, `${path}.dac.bits`, 1, 53);
    for (const k of ["theta", "phi"]) if (d[k] !== undefined) c.int(d[k], `${path}.dac.${k}`, 0, 2 ** bits - 1);
  }
  c.matrix(e.matrix, `${path}.matrix`, two ? 2 : 1);
}

function checkStep(c: Checker, v: unknown, path: string): void {
  const s = c.obj(v, path);
  c.str(s.name, `${path}.name`);
  const role = c.str(s.role, `${path}.role`, ROLES);
  if ((STAGE_ROLES as readonly string[]).includes(role)) {
    c.str(s.mesh, `${path}.mesh`);
    const modes = c.int(s.modes, `${path}.modes`, 1);
    c.int(s.inputs, `${path}.inputs`, 1, modes);
    const outputs = c.int(s.outputs, `${path}.outputs`, 1, modes);
    if (s.outputModes !== undefined) {
      const seen = new Set<number>();
      c.arr(s.outputModes, `${path}.outputModes`, outputs).forEach((x, i) => {
        const m = c.int(x, `${path}.outputModes[${i}]`, 0, modes - 1);
        if (seen.has(m)) c.fail(`${path}.outputModes[${i}]`, `mode ${m} is listed twice`);
        seen.add(m);
      });
    }
    if (c.num(s.gain, `${path}.gain`) < 0) c.fail(`${path}.gain`, "expected a gain ≥ 0");
    c.str(s.convention, `${path}.convention`, ["MZ-in"]);
    if (s.biasInput !== undefined) c.num(s.biasInput, `${path}.biasInput`);
    c.arr(s.outputPhases, `${path}.outputPhases`, modes).forEach((x, i) => c.num(x, `${path}.outputPhases[${i}]`));
    if (s.outputDac !== undefined) {
      const d = c.obj(s.outputDac, `${path}.outputDac`);
      const bits = c.int(d.bits, `${path}.outputDac.bits`, 1, 53);
      c.arr(d.codes, `${path}.outputDac.codes`, modes).forEach((x, i) => c.int(x, `${path}.outputDac.codes[${i}]`, 0, 2 ** bits - 1));
    }
    c.arr(s.elements, `${path}.elements`).forEach((e, i) => checkElement(c, e, `${path}.elements[${i}]`, i, modes));
  } else if (role === "source") {
    for (const k of ["workers", "digits", "levels"]) c.int(s[k], `${path}.${k}`, 1);
    c.num(s.amplitudePerLevel, `${path}.amplitudePerLevel`);
  } else if (role === "activation") {
    c.str(s.function, `${path}.function`, ["relu", "leaky-relu"]);
    const p = c.obj(s.params, `${path}.params`);
    for (const k of Object.keys(p)) c.num(p[k], `${path}.params.${k}`);
    const modes = c.int(s.modes, `${path}.modes`, 1);
    if (s.gain !== undefined)
      c.arr(s.gain, `${path}.gain`, modes).forEach((g, i) => {
        if (!(c.num(g, `${path}.gain[${i}]`) > 0)) c.fail(`${path}.gain[${i}]`, "a gain must be > 0");
      });
    if (s.limit !== undefined)
      c.arr(s.limit, `${path}.limit`, modes).forEach((g, i) => {
        if (!(c.num(g, `${path}.limit[${i}]`) >= 0)) c.fail(`${path}.limit[${i}]`, "a limit must be ≥ 0 (0: none)");
      });
    if (s.read !== undefined) c.str(s.read, `${path}.read`, ["homodyne"]);
  } else {
    c.int(s.levels, `${path}.levels`, 1);
    const modes = c.int(s.modes, `${path}.modes`, 1);
    // One threshold for every mode, or one per mode (a calibrated receiver).
    for (const k of ["step", "offset"]) {
      if (Array.isArray(s[k])) c.arr(s[k], `${path}.${k}`, modes).forEach((x, i) => c.num(x, `${path}.${k}[${i}]`));
      else c.num(s[k], `${path}.${k}`);
    }
    if (s.reference !== undefined) c.num(s.reference, `${path}.reference`);
  }
}

/** Parse and validate `*.phases.json` text; throws PhaseTableError naming file and path. */
export function parsePhaseTable(json: string, file = "<phases.json>"): PhaseTable {
  const c = new Checker(file);
  const top = c.obj(parseJsonText(json, file), "");
  c.str(top.format, "format", ["optinc.phases/1"]);
  const conv = c.obj(top.convention, "convention");
  c.str(conv.name, "convention.name", ["MZ-in"]);
  for (const k of ["mzi", "coupler", "phaseRange"]) c.str(conv[k], `convention.${k}`);
  c.arr(top.pipeline, "pipeline").forEach((s, i) => checkStep(c, s, `pipeline[${i}]`));
  return top as unknown as PhaseTable;
}
