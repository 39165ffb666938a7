// JSON Schema (draft 2020-12) of the --json envelope (cli/envelope.ts, docs/reference/cli.md §5), with each
// command's `result` shapes (cli/result-schemas.ts). The tests validate every command's output
// against it with ajv; tools can use it the same way.
import { COMMAND_NAMES, ENVELOPE_VERSION } from "./envelope.ts";
import { MAX_DIAGNOSTICS } from "./output.ts";
import { resultClauses } from "./result-schemas.ts";

export const ENVELOPE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: `optinc.envelope/${ENVELOPE_VERSION}`,
  title: "optinc --json document",
  type: "object",
  additionalProperties: false,
  required: ["schemaVersion", "ok", "command", "diagnostics", "result"],
  properties: {
    schemaVersion: { const: ENVELOPE_VERSION },
    ok: { type: "boolean" },
    // "optinc" names a document written before the sub-command was known (a usage error).
    command: { enum: ["optinc", ...COMMAND_NAMES] },
    // At most MAX_DIAGNOSTICS, plus one OPT0008 note counting the rest.
    diagnostics: { type: "array", maxItems: MAX_DIAGNOSTICS + 1, items: { $ref: "#/$defs/diagnostic" } },
    result: { description: "the command's output (see docs/reference/cli.md §5); null when it produced none", type: ["object", "null"] },
  },
  // The result's shape is the command's (cli/result-schemas.ts).
  allOf: resultClauses(),
  $defs: {
    diagnostic: {
      type: "object",
      additionalProperties: false,
      required: ["code", "severity", "message"],
      properties: {
        code: { type: "string", pattern: "^OPT[0-9]{4}$" },
        severity: { enum: ["error", "warning", "note"] },
        message: { type: "string", minLength: 1, maxLength: 401 },
        hint: { type: "string", maxLength: 401 },
        file: { type: "string" },
        line: { type: "integer", minimum: 1 },
        column: { type: "integer", minimum: 1 },
        length: { type: "integer", minimum: 1 },
      },
      // A location is a whole: file, line and column together or not at all.
      dependentRequired: { line: ["file", "column"], column: ["file", "line"] },
    },
  },
} as const;
