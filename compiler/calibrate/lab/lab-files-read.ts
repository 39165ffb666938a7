// Reading protocol and readings files (docs/reference/lab-files.md §6): JSON parsed with positions, checked
// against the schemas (ajv), every problem a diagnostic at file:line:col with its code; values a
// readings file may not hold (NaN is not JSON; negative or beyond full scale) are refused here.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { Diagnostic } from "../../../dsl/diagnostics.ts";
import { LAB } from "../../../codes/catalogue.ts";
import { jsonPathOffset } from "../../../math/json-locate.ts";
import { arrayOverLimit, INPUT_ARRAY_LIMITS, overLimitMessage } from "../../../math/json-scan.ts";
import { jsonErrorAt, lineCol } from "../../../math/source-position.ts";
import protocolSchema from "./schema/protocol.schema.json" with { type: "json" };
import readingsSchema from "./schema/readings.schema.json" with { type: "json" };
import { LabFileError, type LabInstrument, PROTOCOL_FORMAT, type ProtocolDoc, READINGS_FORMAT, type ReadingsDoc } from "./lab-files.ts";

export type Path = (string | number)[];

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
  const big = arrayOverLimit(text, INPUT_ARRAY_LIMITS);
  if (big) {
    const { line, col } = lineCol(text, big.offset);
    const hint = `pass the file optinc ${kind === "protocol" ? "protocol" : "measure (or a lab script)"} wrote`;
    throw new LabFileError([{ code: LAB.schema, severity: "error", file, line, column: col, message: overLimitMessage(big), hint }]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // At the offending token (a NaN, a truncated end), which V8 does not always name.
    const at = jsonErrorAt(text, e);
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
          ? "the file holds settings and readings only — no element values (offsets, efficiencies, couplings); see docs/reference/lab-files.md §6"
          : `see docs/reference/lab-files.md §6 and compiler/calibrate/lab/schema/${kind}.schema.json`,
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
