// The one machine-readable document every `--json` run prints (docs/reference/cli.md §5, cli/schema.ts):
//   { schemaVersion, ok, command, diagnostics, result }
// Keys are camelCase everywhere, as in report.json. Version 2: command output moved under
// `result`, failures became diagnostics (version 1 had `error: {kind, message}`), camelCase keys.
export const ENVELOPE_VERSION = 2;

export type CliSeverity = "error" | "warning" | "note";

/** A diagnostic as the CLI reports it: located (file:line:col) when there is a file, else not. */
export interface CliDiagnostic {
  code: string;
  severity: CliSeverity;
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
  length?: number;
}

export interface Envelope {
  schemaVersion: typeof ENVELOPE_VERSION;
  ok: boolean;
  command: string;
  diagnostics: CliDiagnostic[];
  result: unknown;
}

/** Options of the command line before a `--` separator. */
function optionsOf(argv: string[]): string[] {
  const dash = argv.indexOf("--");
  return dash < 0 ? argv : argv.slice(0, dash);
}

export function jsonRequested(argv: string[]): boolean {
  return optionsOf(argv).includes("--json");
}

const GLOBAL_FLAGS = new Set(["--json", "-q", "--quiet", "--color", "--no-color"]);
/** Every sub-command (tests/cli/usage-names.test.ts checks it against the registered ones). */
export const COMMAND_NAMES = [
  "init",
  "check",
  "fmt",
  "grammar",
  "compile",
  "allreduce",
  "verify",
  "decompose",
  "export",
  "die",
  "protocol",
  "measure",
  "calibrate",
  "layout",
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];
const COMMANDS = new Set<string>(COMMAND_NAMES);

/** The sub-command named on the command line ("optinc" when there is none). */
export function commandOf(argv: string[]): string {
  const first = optionsOf(argv).find((a) => !GLOBAL_FLAGS.has(a));
  return first && COMMANDS.has(first) ? first : "optinc";
}

/** The path of the first number that is NaN or infinite in `x`, or null. */
export function nonFiniteAt(x: unknown, path = ""): string | null {
  if (typeof x === "number") return Number.isFinite(x) ? null : path || ".";
  if (Array.isArray(x)) {
    for (const [i, v] of x.entries()) {
      const p = nonFiniteAt(v, `${path}[${i}]`);
      if (p) return p;
    }
  } else if (x && typeof x === "object")
    for (const [k, v] of Object.entries(x)) {
      const p = nonFiniteAt(v, path ? `${path}.${k}` : k);
      if (p) return p;
    }
  return null;
}

export function renderEnvelope(env: Envelope): string {
  return `${JSON.stringify(env, null, 2)}\n`;
}

/** A failure document for a run that ended outside any command (usage, interrupt, internal error). */
export function envelopeForFailure(argv: string[], code: string, message: string, hint?: string): string {
  const d: CliDiagnostic = { code, severity: "error", message, ...(hint ? { hint } : {}) };
  return renderEnvelope({ schemaVersion: ENVELOPE_VERSION, ok: false, command: commandOf(argv), diagnostics: [d], result: null });
}
