// The lab's two files (issue #23, docs/calibration.md §10): `optinc.protocol/1`, one round of the
// measurement session as steps a lab script executes, and `optinc.readings/1`, what the lab read,
// round by round. Both hold settings and photocurrents only — never an element value — and both
// schemas (./schema/) close every object (additionalProperties false), so a field such as
// `offsetRad` cannot be smuggled in. Writers are canonical (fixed key order, one step per line,
// shortest round-trip numbers): the same round gives the same bytes. Readers report every problem as
// a diagnostic at file:line:col with a stable code (codes/catalogue.ts LAB), all at once.
//
// Rounds are adaptive (session.ts): round k + 1 is planned from the readings of rounds ≤ k. So a
// readings file is checked by replaying it through a fresh session — each recorded round must be
// exactly the round the session plans (same steps, same settings, same readouts) — which is also how
// the session re-learns what it knew when the file was written.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { Diagnostic } from "../../../dsl/diagnostics.ts";
import { LAB } from "../../../codes/catalogue.ts";
import { jsonPathOffset } from "../../../math/json-locate.ts";
import { jsonErrorAt, lineCol } from "../../../math/source-position.ts";
import type { LabSession, Round, Step, StepReading } from "./session.ts";
import type { CellStructure } from "./structure.ts";
import protocolSchema from "./schema/protocol.schema.json" with { type: "json" };
import readingsSchema from "./schema/readings.schema.json" with { type: "json" };

export const PROTOCOL_FORMAT = "optinc.protocol/1";
export const READINGS_FORMAT = "optinc.readings/1";

/** What the lab's instruments do, for lab time and for checking readings. */
export interface LabInstrument {
  /** Heater settling after a step's codes are set, ms. */
  settleMs: number;
  /** One reading (all readouts of a step in parallel), ms. */
  readMs: number;
  /** The readout's largest full scale, A: a reading there is saturated. */
  fullScaleA: number;
  /** Thermal noise of one reading, A (a readout within 3σ of its dark level reads dark). */
  thermalNoiseA: number;
}

/** A monitor photocurrent below this is not a photocurrent (30σ of the readout's thermal noise below 0), A. */
export const MIN_MONITOR_A = -1e-9;

/** One step's settings by name: lit inputs (mW), non-zero codes, readouts read. */
export interface StepSettings {
  id: string;
  inputs: Record<string, number>;
  codes: Record<string, number>;
  read: string[];
}

export interface ProtocolStep extends StepSettings {
  purpose: string;
  repeats: number;
}

export interface ProtocolDoc {
  format: typeof PROTOCOL_FORMAT;
  circuit: string;
  cell: string;
  round: number;
  rounds: number;
  stage: string | null;
  kind: Round["kind"];
  instrument: { settleMs: number; readMs: number };
  drive: { bits: number };
  inputs: string[];
  heaters: string[];
  readouts: string[];
  steps: ProtocolStep[];
}

export interface ReadingsStep extends StepSettings {
  values: number[];
  ref: number;
}

export interface ReadingsRound {
  round: number;
  stage: string | null;
  kind: Round["kind"];
  steps: ReadingsStep[];
}

export interface ReadingsDoc {
  format: typeof READINGS_FORMAT;
  circuit: string;
  cell: string;
  die: string;
  seed: number;
  rounds: ReadingsRound[];
}

/** Problems of a protocol or readings file, all of them (file:line:col, code, message, hint). */
export class LabFileError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: error[${d.code}]: ${d.message}`).join("\n"));
    this.name = "LabFileError";
  }
}

// ------------------------------------------------------------------- settings

export const stepId = (round: number, step: number): string => `r${round}.s${String(step).padStart(4, "0")}`;

/** A step's settings by name (round is 1-based). Inputs at 0 mW and codes at 0 are left out. */
export function stepSettings(struct: CellStructure, round: number, k: number, step: Step): StepSettings {
  const inputs: Record<string, number> = {};
  struct.lc.inputs.forEach((inp, i) => {
    const p = step.powers[i]!;
    if (p !== 0) inputs[inp.name] = p;
  });
  const codes: Record<string, number> = {};
  struct.heaters.forEach((h, i) => {
    const c = step.codes[i]!;
    if (c !== 0) codes[h.name] = c;
  });
  return { id: stepId(round, k), inputs, codes, read: step.read.map((r) => struct.readouts[r]!) };
}

/** Readings (photodiode values, not the reference tap) of a round's steps. */
export const roundReadings = (steps: { read: readonly unknown[]; repeats?: number }[]): number =>
  steps.reduce((a, s) => a + s.read.length * (s.repeats ?? 1), 0);

/** Lab time of steps: each sets its codes, waits settleMs, and reads `repeats` times (ms). */
export const labTimeMs = (steps: { read?: readonly unknown[]; repeats?: number }[], inst: { settleMs: number; readMs: number }): number =>
  steps.reduce((a, s) => a + inst.settleMs + (s.repeats ?? 1) * inst.readMs, 0);

// -------------------------------------------------------------------- writers

const kv = (o: Record<string, unknown>): string => JSON.stringify(o);

function settingsJson(s: StepSettings): string {
  return `"id": ${JSON.stringify(s.id)}, "inputs": ${kv(s.inputs)}, "codes": ${kv(s.codes)}, "read": ${JSON.stringify(s.read)}`;
}

export interface ProtocolMeta {
  cell: string;
  instrument: { settleMs: number; readMs: number };
}

/** The protocol of one planned round (round.index is 0-based; the file's `round` is 1-based). */
export function protocolDoc(session: LabSession, round: Round, meta: ProtocolMeta): ProtocolDoc {
  const st = session.struct;
  const n = round.index + 1;
  return {
    format: PROTOCOL_FORMAT,
    circuit: st.lc.circuit.name,
    cell: meta.cell,
    round: n,
    rounds: session.roundCount,
    stage: round.stage,
    kind: round.kind,
    instrument: { settleMs: meta.instrument.settleMs, readMs: meta.instrument.readMs },
    drive: { bits: session.setup.driveBits },
    inputs: st.lc.inputs.map((i) => i.name),
    heaters: st.heaters.map((h) => h.name),
    readouts: [...st.readouts],
    steps: round.steps.map((s, k) => ({ ...stepSettings(st, n, k, s), purpose: s.purpose, repeats: 1 })),
  };
}

export function writeProtocol(doc: ProtocolDoc): string {
  const list = (xs: string[]): string => JSON.stringify(xs);
  const steps = doc.steps.map(
    (s) =>
      `    {"id": ${JSON.stringify(s.id)}, "purpose": ${JSON.stringify(s.purpose)}, "inputs": ${kv(s.inputs)}, "codes": ${kv(s.codes)}, "read": ${JSON.stringify(s.read)}, "repeats": ${s.repeats}}`,
  );
  return [
    "{",
    `  "format": ${JSON.stringify(PROTOCOL_FORMAT)},`,
    `  "circuit": ${JSON.stringify(doc.circuit)},`,
    `  "cell": ${JSON.stringify(doc.cell)},`,
    `  "round": ${doc.round},`,
    `  "rounds": ${doc.rounds},`,
    `  "stage": ${JSON.stringify(doc.stage)},`,
    `  "kind": ${JSON.stringify(doc.kind)},`,
    `  "instrument": {"settleMs": ${doc.instrument.settleMs}, "readMs": ${doc.instrument.readMs}},`,
    `  "drive": {"bits": ${doc.drive.bits}},`,
    `  "inputs": ${list(doc.inputs)},`,
    `  "heaters": ${list(doc.heaters)},`,
    `  "readouts": ${list(doc.readouts)},`,
    `  "steps": ${steps.length ? `[\n${steps.join(",\n")}\n  ]` : "[]"}`,
    "}",
    "",
  ].join("\n");
}

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The CSV view: one row per step and readout read (step, round, purpose, lit inputs, codes, readout, repeats). */
export function protocolCsv(doc: ProtocolDoc): string {
  const rows = ["step,round,kind,purpose,inputs_mW,codes,readout,repeats"];
  for (const s of doc.steps) {
    const inputs = Object.entries(s.inputs)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    const codes = Object.entries(s.codes)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    for (const r of s.read)
      rows.push([s.id, String(doc.round), doc.kind, s.purpose, inputs, codes, r, String(s.repeats)].map(csvCell).join(","));
  }
  return rows.join("\n") + "\n";
}

/** A measured round as a readings record. */
export function readingsRound(session: LabSession, round: Round, readings: StepReading[]): ReadingsRound {
  const n = round.index + 1;
  return {
    round: n,
    stage: round.stage,
    kind: round.kind,
    steps: round.steps.map((s, k) => ({
      ...stepSettings(session.struct, n, k, s),
      values: [...readings[k]!.values],
      ref: readings[k]!.ref,
    })),
  };
}

export function writeReadings(doc: ReadingsDoc): string {
  const rounds = doc.rounds.map((r) => {
    const steps = r.steps.map((s) => `      {${settingsJson(s)}, "values": ${JSON.stringify(s.values)}, "ref": ${JSON.stringify(s.ref)}}`);
    return `    {"round": ${r.round}, "stage": ${JSON.stringify(r.stage)}, "kind": ${JSON.stringify(r.kind)}, "steps": ${
      steps.length ? `[\n${steps.join(",\n")}\n    ]` : "[]"
    }}`;
  });
  return [
    "{",
    `  "format": ${JSON.stringify(READINGS_FORMAT)},`,
    `  "circuit": ${JSON.stringify(doc.circuit)},`,
    `  "cell": ${JSON.stringify(doc.cell)},`,
    `  "die": ${JSON.stringify(doc.die)},`,
    `  "seed": ${doc.seed},`,
    `  "rounds": ${rounds.length ? `[\n${rounds.join(",\n")}\n  ]` : "[]"}`,
    "}",
    "",
  ].join("\n");
}

// -------------------------------------------------------------------- readers

type Path = (string | number)[];

/** Diagnostics placed at JSON paths of one file's text. */
export class Sink {
  readonly diags: Diagnostic[] = [];
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  at(path: Path, code: string, message: string, hint: string): void {
    if (this.diags.length >= 100) return;
    const { line, col } = lineCol(this.text, jsonPathOffset(this.text, path) ?? 0);
    const where = path.length ? `${path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}: ` : "";
    this.diags.push({
      code,
      severity: "error",
      file: this.file,
      line,
      column: col,
      message: `${where.replace(/^\./, "")}${message}`,
      hint,
    });
  }

  throwIfAny(): void {
    if (this.diags.length) throw new LabFileError(this.diags);
  }
}

const validators = new Map<string, ValidateFunction>();

function validate(kind: "protocol" | "readings", doc: unknown): ErrorObject[] {
  let v = validators.get(kind);
  if (!v) {
    v = new Ajv({ allErrors: true }).compile(kind === "protocol" ? protocolSchema : readingsSchema);
    validators.set(kind, v);
  }
  return v(doc) ? [] : (v.errors ?? []);
}

function parse(kind: "protocol" | "readings", text: string, file: string): { doc: unknown; sink: Sink } {
  const sink = new Sink(text, file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    let at = jsonErrorAt(text, e);
    // V8 names no position for a bare NaN or Infinity token: point at the first one.
    const bare = /position \d+/.test(at.message) ? null : /[:[,]\s*(-?(?:NaN|Infinity))/.exec(text);
    if (bare) at = { ...at, ...lineCol(text, bare.index + bare[0].length - bare[1]!.length), reason: `${bare[1]} is not JSON` };
    throw new LabFileError([
      {
        code: LAB.json,
        severity: "error",
        file,
        line: at.line,
        column: at.col,
        message: `invalid JSON: ${at.reason}`,
        hint: `fix the JSON (a truncated file must be written again; NaN and Infinity are not JSON: re-measure the step)`,
      },
    ]);
  }
  const format = kind === "protocol" ? PROTOCOL_FORMAT : READINGS_FORMAT;
  const claimed = (doc as { format?: unknown } | null)?.format;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc) || claimed !== format) {
    sink.at(
      typeof doc === "object" && doc !== null && "format" in doc ? ["format"] : [],
      LAB.schema,
      `not an ${format} file (format ${JSON.stringify(claimed ?? null)})`,
      kind === "protocol" ? "pass the file optinc protocol wrote" : "pass the file optinc measure (or a lab script) wrote",
    );
    sink.throwIfAny();
  }
  const errors = validate(kind, doc).filter((e) => !["anyOf", "oneOf", "allOf", "if"].includes(e.keyword));
  for (const e of errors) {
    const path: Path = e.instancePath
      .split("/")
      .slice(1)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const physical = ["minimum", "exclusiveMinimum", "maximum"].includes(e.keyword);
    const extra =
      e.keyword === "additionalProperties"
        ? ` "${String((e.params as { additionalProperty: string }).additionalProperty)}"`
        : e.keyword === "required"
          ? ` "${String((e.params as { missingProperty: string }).missingProperty)}"`
          : e.keyword === "propertyNames"
            ? ` "${String((e.params as { propertyName: string }).propertyName)}"`
            : "";
    if (e.keyword === "pattern" && errors.some((o) => o.keyword === "propertyNames" && o.instancePath === e.instancePath)) continue;
    sink.at(
      e.keyword === "additionalProperties" ? [...path, String((e.params as { additionalProperty: string }).additionalProperty)] : path,
      physical ? LAB.value : LAB.schema,
      `${e.message ?? e.keyword}${extra}`,
      physical
        ? "input powers and the reference are > 0 mW / A, codes ≥ 1 (a code 0 or an unlit input is left out), repeats ≥ 1"
        : e.keyword === "additionalProperties"
          ? "the file holds settings and readings only — no element values (offsets, efficiencies, couplings); see docs/calibration.md §10"
          : `see docs/calibration.md §10 and compiler/calibrate/lab/schema/${kind}.schema.json`,
    );
  }
  sink.throwIfAny();
  return { doc, sink };
}

/** Read an optinc.protocol/1 file (schema only: whether it is the round a session plans is `checkProtocol`). */
export function readProtocol(text: string, file: string): ProtocolDoc {
  return parse("protocol", text, file).doc as ProtocolDoc;
}

export interface ReadReadings {
  doc: ReadingsDoc;
  /** Paths of readings at the full scale (saturated): calibrate rejects them, protocol and measure warn. */
  saturated: { path: Path; readout: string; step: string }[];
  text: string;
  file: string;
}

/** Read an optinc.readings/1 file: schema, one value per readout read, no value beyond full scale. */
export function readReadings(text: string, file: string, inst: Pick<LabInstrument, "fullScaleA">): ReadReadings {
  const { doc, sink } = parse("readings", text, file);
  const d = doc as ReadingsDoc;
  const saturated: ReadReadings["saturated"] = [];
  d.rounds.forEach((r, i) =>
    r.steps.forEach((s, j) => {
      const at = ["rounds", i, "steps", j];
      if (s.values.length !== s.read.length)
        sink.at(
          [...at, "values"],
          LAB.value,
          `${s.values.length} value${s.values.length === 1 ? "" : "s"} for ${s.read.length} readout${s.read.length === 1 ? "" : "s"} read`,
          "give one value per readout of `read`, in its order",
        );
      s.values.forEach((v, k) => {
        if (Math.abs(v) > inst.fullScaleA)
          sink.at(
            [...at, "values", k],
            LAB.value,
            `${v} A is beyond the readout's full scale (±${inst.fullScaleA} A): not a reading`,
            "re-measure the step",
          );
        else if (Math.abs(v) === inst.fullScaleA) saturated.push({ path: [...at, "values", k], readout: s.read[k] ?? "?", step: s.id });
      });
    }),
  );
  sink.throwIfAny();
  return { doc: d, saturated, text, file };
}

/** Diagnostics for saturated readings (calibrate --readings refuses them). */
export function saturatedDiagnostics(r: ReadReadings): Diagnostic[] {
  const sink = new Sink(r.text, r.file);
  for (const s of r.saturated)
    sink.at(
      s.path,
      LAB.saturated,
      `readout ${s.readout} saturated in step ${s.step} (a reading at the full scale only bounds the current)`,
      "re-measure with less laser power on that readout",
    );
  return sink.diags;
}

// ----------------------------------------------------------- against a session

/** The first difference between recorded and planned settings of one step (null when equal). */
function stepDiff(rec: StepSettings & { repeats?: number }, want: StepSettings): { field: string; message: string } | null {
  if (rec.id !== want.id) return { field: "id", message: `step id ${JSON.stringify(rec.id)}, the plan's is "${want.id}"` };
  const map = (a: Record<string, number>, b: Record<string, number>, what: string, unit: string): string | null => {
    for (const k of Object.keys(b)) if (!(k in a)) return `${what} ${k} is ${b[k]}${unit} in the plan, absent (0) here`;
    for (const [k, v] of Object.entries(a)) {
      if (!(k in b)) return `${what} ${k} is ${v}${unit} here, ${unit ? "unlit" : "0"} in the plan`;
      if (v !== b[k]) return `${what} ${k} is ${v}${unit} here, ${b[k]}${unit} in the plan`;
    }
    return null;
  };
  const inputs = map(rec.inputs, want.inputs, "input", " mW");
  if (inputs) return { field: "inputs", message: inputs };
  const codes = map(rec.codes, want.codes, "heater", "");
  if (codes) return { field: "codes", message: codes };
  if (rec.read.length !== want.read.length || rec.read.some((r, i) => r !== want.read[i]))
    return { field: "read", message: `reads ${JSON.stringify(rec.read)}, the plan reads ${JSON.stringify(want.read)}` };
  if (rec.repeats !== undefined && rec.repeats !== 1)
    return { field: "repeats", message: `${rec.repeats} repeats, the plan reads once (repeats 1)` };
  return null;
}

/**
 * Compare recorded steps with a planned round. Reports the first differing step (at `at` + step
 * index) with `code`, or missing / extra steps. Returns whether they match.
 */
function checkSteps(
  sink: Sink,
  session: LabSession,
  round: Round,
  rec: (StepSettings & { repeats?: number })[],
  at: Path,
  code: string,
  hint: string,
): boolean {
  const n = round.index + 1;
  const want = round.steps.map((s, k) => stepSettings(session.struct, n, k, s));
  const common = Math.min(want.length, rec.length);
  for (let k = 0; k < common; k++) {
    const d = stepDiff(rec[k]!, want[k]!);
    if (d) {
      sink.at([...at, k, d.field], code, `step ${rec[k]!.id} differs from round ${n}'s plan: ${d.message}`, hint);
      return false;
    }
  }
  if (rec.length < want.length) {
    sink.at(
      at,
      LAB.missing,
      `round ${n} has ${rec.length} of its ${want.length} steps: ${want[rec.length]!.id} and later are missing`,
      "measure every step of the round (optinc measure writes complete rounds)",
    );
    return false;
  }
  if (rec.length > want.length) {
    sink.at([...at, want.length], code, `round ${n} has ${want.length} steps in the plan, the file has ${rec.length}`, hint);
    return false;
  }
  return true;
}

/** The circuit's names (inputs, heaters, readouts) in a protocol header against the session's. */
function checkNames(sink: Sink, session: LabSession, doc: ProtocolDoc): void {
  const st = session.struct;
  const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  const lists: [keyof ProtocolDoc & string, string[]][] = [
    ["inputs", st.lc.inputs.map((i) => i.name)],
    ["heaters", st.heaters.map((h) => h.name)],
    ["readouts", st.readouts],
  ];
  for (const [k, want] of lists)
    if (!same(doc[k] as string[], want))
      sink.at(
        [k],
        LAB.circuit,
        `the protocol's ${k} are not circuit ${st.lc.circuit.name}'s (${(doc[k] as string[]).length} listed, the circuit has ${want.length})`,
        "use the protocol optinc protocol wrote for this circuit",
      );
}

/**
 * Check a protocol file against the round `session` plans next (the session has absorbed the
 * readings before it). Problems are thrown as a LabFileError: another circuit (LAB.circuit), not the
 * next round (LAB.notNext), a step edited by hand (LAB.mismatch at the step, LAB.missing for dropped steps).
 */
export function checkProtocol(session: LabSession, doc: ProtocolDoc, text: string, file: string): Round {
  const sink = new Sink(text, file);
  const st = session.struct;
  if (doc.circuit !== st.lc.circuit.name)
    sink.at(
      ["circuit"],
      LAB.circuit,
      `a protocol of circuit "${doc.circuit}", not "${st.lc.circuit.name}"`,
      "pass this circuit's protocol",
    );
  else checkNames(sink, session, doc);
  sink.throwIfAny();
  if (session.done) {
    sink.at(["round"], LAB.complete, "the readings already hold every round: there is no next round", "run optinc calibrate --readings");
    sink.throwIfAny();
  }
  const round = session.nextRound();
  const next = round.index + 1;
  if (doc.round !== next || doc.rounds !== session.roundCount || doc.kind !== round.kind || doc.stage !== round.stage) {
    sink.at(
      ["round"],
      LAB.notNext,
      `protocol of round ${doc.round} of ${doc.rounds} (${doc.stage ?? "-"} ${doc.kind}), the next round is ${next} of ${session.roundCount} (${round.stage ?? "-"} ${round.kind})`,
      next === 1
        ? "measure round 1 first: optinc protocol without --readings"
        : "write the next protocol with optinc protocol --readings <these readings>",
    );
    sink.throwIfAny();
  }
  if (doc.drive.bits !== session.setup.driveBits)
    sink.at(
      ["drive", "bits"],
      LAB.mismatch,
      `${doc.drive.bits}-bit drive, the plan's is ${session.setup.driveBits}-bit`,
      "regenerate the protocol",
    );
  sink.throwIfAny();
  checkSteps(
    sink,
    session,
    round,
    doc.steps,
    ["steps"],
    LAB.mismatch,
    "regenerate the protocol with optinc protocol (it must not be edited)",
  );
  sink.throwIfAny();
  // Same settings: the purposes must still be the plan's (a lab script may group sweeps by them).
  const j = doc.steps.findIndex((x, k) => x.purpose !== round.steps[k]!.purpose);
  if (j >= 0)
    sink.at(
      ["steps", j, "purpose"],
      LAB.mismatch,
      `step ${doc.steps[j]!.id}: purpose "${doc.steps[j]!.purpose}", the plan's is "${round.steps[j]!.purpose}"`,
      "regenerate the protocol with optinc protocol",
    );
  sink.throwIfAny();
  return round;
}

export interface Replayed {
  /** Each recorded round as the session planned it, with its readings. */
  rounds: { round: Round; readings: StepReading[] }[];
}

/**
 * Replay a readings file through a fresh session: every recorded round must be the round the
 * session plans from the rounds before it. Absorbs each round; throws a LabFileError at the first
 * difference (another circuit, another protocol, a step edited, missing steps).
 */
export function replayReadings(session: LabSession, r: ReadReadings): Replayed {
  const { doc, text, file } = r;
  const sink = new Sink(text, file);
  const st = session.struct;
  if (doc.circuit !== st.lc.circuit.name) {
    sink.at(["circuit"], LAB.circuit, `readings of circuit "${doc.circuit}", not "${st.lc.circuit.name}"`, "pass this circuit's readings");
    sink.throwIfAny();
  }
  const nSites = st.lc.sites.length;
  const index = new Map(st.readouts.map((n, i) => [n, i]));
  const out: Replayed["rounds"] = [];
  for (const [i, rec] of doc.rounds.entries()) {
    if (session.done) {
      sink.at(
        ["rounds", i],
        LAB.mismatch,
        `round ${rec.round} beyond the ${session.roundCount} rounds of the plan`,
        "these readings are of another protocol",
      );
      break;
    }
    const round = session.nextRound();
    if (rec.round !== round.index + 1 || rec.kind !== round.kind || rec.stage !== round.stage) {
      sink.at(
        ["rounds", i],
        LAB.mismatch,
        `recorded round ${rec.round} (${rec.stage ?? "-"} ${rec.kind}) where the plan's round ${round.index + 1} (${round.stage ?? "-"} ${round.kind}) is next`,
        "rounds are recorded in order, each once (optinc measure appends them so)",
      );
      break;
    }
    if (
      !checkSteps(
        sink,
        session,
        round,
        rec.steps,
        ["rounds", i, "steps"],
        LAB.mismatch,
        "the readings are of another protocol or circuit, or a reading of an earlier round was changed (each round is planned from the readings before it)",
      )
    )
      break;
    rec.steps.forEach((s, j) =>
      s.values.forEach((v, k) => {
        const ro = index.get(s.read[k]!)!;
        if (ro < nSites && v < MIN_MONITOR_A)
          sink.at(
            ["rounds", i, "steps", j, "values", k],
            LAB.value,
            `monitor ${s.read[k]} reads ${v} A: a photodiode's current is not that negative (a negative power)`,
            "re-measure the step (check the readout's sign and range)",
          );
      }),
    );
    if (sink.diags.length) break;
    const readings = rec.steps.map((s) => ({ values: s.values, ref: s.ref }));
    session.absorb(round, readings);
    out.push({ round, readings });
  }
  sink.throwIfAny();
  return { rounds: out };
}

/** Every round present: a diagnostic (LAB.missing) when the readings stop early. */
export function checkComplete(session: LabSession, r: ReadReadings): true {
  if (session.done) return true;
  const sink = new Sink(r.text, r.file);
  sink.at(
    ["rounds"],
    LAB.missing,
    `the readings hold ${r.doc.rounds.length} of the ${session.roundCount} rounds`,
    `measure the rest: optinc protocol --readings ${r.file} writes round ${r.doc.rounds.length + 1}`,
  );
  sink.throwIfAny();
  return true;
}

/**
 * Per-readout problems of measured rounds (from `rounds[firstNew]` on; the earlier ones give the
 * dark levels): saturated readings, and readouts dark through a lit sweep, by readout name with the
 * purposes of the steps.
 */
export function readoutWarnings(
  session: LabSession,
  rounds: { round: Round; readings: StepReading[] }[],
  inst: LabInstrument,
  firstNew = 0,
): { saturated: Map<string, string[]>; dark: Map<string, string[]> } {
  const st = session.struct;
  const saturated = new Map<string, string[]>();
  const dark = new Map<string, string[]>();
  // Dark level per readout: the dark round's mean (0 before one).
  const level = new Float64Array(st.readouts.length);
  const d = rounds.find((x) => x.round.kind === "dark");
  if (d) {
    const n = new Float64Array(st.readouts.length);
    d.round.steps.forEach((s, k) =>
      s.read.forEach((ro, j) => {
        level[ro]! += d.readings[k]!.values[j]!;
        n[ro]!++;
      }),
    );
    level.forEach((_, i) => (level[i] = n[i] ? level[i]! / n[i]! : 0));
  }
  const add = (m: Map<string, string[]>, k: string, v: string): void => {
    const l = m.get(k) ?? [];
    if (!l.includes(v)) l.push(v);
    m.set(k, l);
  };
  for (const { round, readings } of rounds.slice(firstNew)) {
    round.steps.forEach((s, k) =>
      s.read.forEach((ro, j) => {
        if (Math.abs(readings[k]!.values[j]!) >= inst.fullScaleA) add(saturated, st.readouts[ro]!, s.purpose);
      }),
    );
    if (round.kind === "dark") continue;
    // A sweep: consecutive steps of one purpose. Light is expected where an input is lit.
    for (let a = 0; a < round.steps.length; ) {
      let b = a;
      while (b < round.steps.length && round.steps[b]!.purpose === round.steps[a]!.purpose) b++;
      const lit = round.steps.slice(a, b).some((s) => s.powers.some((p) => p > 0));
      if (lit)
        for (const ro of round.steps[a]!.read) {
          const allDark = round.steps.slice(a, b).every((s, i) => {
            const j = s.read.indexOf(ro);
            return j < 0 || Math.abs(readings[a + i]!.values[j]! - level[ro]!) <= 3 * inst.thermalNoiseA;
          });
          if (allDark) add(dark, st.readouts[ro]!, round.steps[a]!.purpose);
        }
      a = b;
    }
  }
  return { saturated, dark };
}
