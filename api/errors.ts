// The one error the API throws: a command that did not succeed, with the diagnostic code the CLI
// prints for the same input (codes/catalogue.ts; docs/reference/diagnostics.md lists every code).
import { IO } from "../codes/catalogue.ts";

/** A diagnostic as the CLI reports it under --json: located (file:line:column) when there is a file. */
export interface Diagnostic {
  /** A stable code from the catalogue, e.g. "OPT2001". */
  code: string;
  severity: "error" | "warning" | "note";
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
  length?: number;
}

/**
 * What every API function throws when its command does not succeed: bad input (a spec error, an
 * unreadable file, a bad option), a verification threshold it missed, an aborted call or a bug.
 * `code` is the first error's code, the one the CLI prints first for the same input; `exitCode` is
 * the CLI's exit status (1 spec error or failed threshold, 2 usage or input, 70 internal, 130
 * aborted). Where the command finished its work but judged it failing (a compile that is not exact,
 * a verify under its thresholds), `result` holds what --json prints; otherwise it is null.
 */
export class OptincError extends Error {
  override readonly name = "OptincError";
  readonly code: string;
  readonly exitCode: number;
  readonly command: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly result: unknown;

  constructor(command: string, exitCode: number, diagnostics: readonly Diagnostic[], result: unknown = null) {
    const first = diagnostics.find((d) => d.severity === "error") ?? diagnostics[0];
    const code = first?.code ?? IO.internal;
    const where =
      first?.file !== undefined ? `${first.file}${first.line !== undefined ? `:${first.line}:${first.column ?? 1}` : ""}: ` : "";
    super(
      `optinc ${command}: ${where}error[${code}]: ${first?.message ?? "the command failed"}${first?.hint ? ` (hint: ${first.hint})` : ""}`,
    );
    this.code = code;
    this.exitCode = exitCode;
    this.command = command;
    this.diagnostics = diagnostics;
    this.result = result;
  }
}
