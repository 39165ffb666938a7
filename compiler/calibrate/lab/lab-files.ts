// The lab's two files (docs/reference/lab-files.md §4): `optinc.protocol/1`, one round of the
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
import type { Diagnostic } from "../../../dsl/diagnostics.ts";
import type { LabSession, Round, Step, StepReading } from "./session.ts";
import type { CellStructure } from "./structure.ts";

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

/** One step's settings by name: lit inputs (mW), non-zero codes, the wait before reading (ms), readouts read. */
export interface StepSettings {
  id: string;
  inputs: Record<string, number>;
  codes: Record<string, number>;
  settleMs: number;
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
  // planNextRound gives every step its wait; a step without one is a planning bug, not bad input.
  if (step.settleMs === undefined) throw new Error(`stepSettings: step ${stepId(round, k)} has no wait`);
  return { id: stepId(round, k), inputs, codes, settleMs: step.settleMs, read: step.read.map((r) => struct.readouts[r]!) };
}

// Readings of a round's steps: defined with the protocol types (rounds.ts), which the planner reads too.
export { roundReadings } from "./rounds.ts";

/** Lab time of steps: each sets its codes, waits its settleMs (else the instrument's), and reads `repeats` times (ms). */
export const labTimeMs = (
  steps: { read?: readonly unknown[]; repeats?: number; settleMs?: number }[],
  inst: { settleMs: number; readMs: number },
): number => steps.reduce((a, s) => a + (s.settleMs ?? inst.settleMs) + (s.repeats ?? 1) * inst.readMs, 0);

// -------------------------------------------------------------------- writers

const kv = (o: Record<string, unknown>): string => JSON.stringify(o);

function settingsJson(s: StepSettings): string {
  return `"id": ${JSON.stringify(s.id)}, "inputs": ${kv(s.inputs)}, "codes": ${kv(s.codes)}, "settleMs": ${JSON.stringify(s.settleMs)}, "read": ${JSON.stringify(s.read)}`;
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
      `    {"id": ${JSON.stringify(s.id)}, "purpose": ${JSON.stringify(s.purpose)}, "inputs": ${kv(s.inputs)}, "codes": ${kv(s.codes)}, "settleMs": ${JSON.stringify(s.settleMs)}, "read": ${JSON.stringify(s.read)}, "repeats": ${s.repeats}}`,
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

/** The CSV view: one row per step and readout read (step, round, purpose, lit inputs, codes, wait, readout, repeats). */
export function protocolCsv(doc: ProtocolDoc): string {
  const rows = ["step,round,kind,purpose,inputs_mW,codes,settle_ms,readout,repeats"];
  for (const s of doc.steps) {
    const inputs = Object.entries(s.inputs)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    const codes = Object.entries(s.codes)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    for (const r of s.read)
      rows.push(
        [s.id, String(doc.round), doc.kind, s.purpose, inputs, codes, String(s.settleMs), r, String(s.repeats)].map(csvCell).join(","),
      );
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
