// Reading one input file for a command: a regular file of bounded size, strict UTF-8 (runtime/
// input-file.ts). Problems become one diagnostic, exit 2: the caller's code for an unreadable file
// (missing, a FIFO, a device, too large), math/not-text.ts at the line:col of the first invalid byte.
import { resolve } from "node:path";
import { notText } from "../math/not-text.ts";
import { topLevelString } from "../math/json-scan.ts";
import { EXIT, type CommandContext } from "./context.ts";
import { readInputText } from "../runtime/input-file.ts";
import type { CommandOutput } from "./output.ts";
import type { Diagnostic } from "../dsl/diagnostics.ts";

export interface InputRead {
  /** Bytes above this are refused unread. */
  maxBytes: number;
  /** The code of an unreadable file (the format's). */
  code: string;
  /** What the file is, for the message ("die file", "readings"). */
  what: string;
  hint: string;
}

/**
 * The one diagnostic of a file that cannot be read: not text (math/not-text.ts) at its first
 * invalid byte, else the format's code.
 */
export function unreadableDiagnostic(
  file: string,
  r: { error: string; utf8?: { line: number; column: number }; binary?: true },
  o: Omit<InputRead, "maxBytes">,
): Diagnostic {
  const bad = notText(file, `the ${o.what} '${file}'`, r);
  if (bad) return { code: bad.code, severity: "error", message: bad.message, hint: bad.hint, ...bad.where };
  return {
    code: o.code,
    severity: "error",
    message: `cannot read the ${o.what} '${file}': ${r.error}`,
    hint: o.hint,
    file,
    line: 1,
    column: 1,
  };
}

/** The file's text, or undefined after reporting why it cannot be read (exit 2). */
export async function readInputOrReport(ctx: CommandContext, out: CommandOutput, file: string, o: InputRead): Promise<string | undefined> {
  const r = await readInputText(resolve(ctx.io.cwd, file), o.maxBytes);
  if ("text" in r) return r.text;
  out.report([unreadableDiagnostic(file, r, o)]);
  out.fail(EXIT.usage);
  return undefined;
}

/** The `circuit` a JSON input names, to pick the circuit of a directory; undefined when it cannot tell (the real read reports why). */
export async function circuitNamed(ctx: CommandContext, file: string, maxBytes: number): Promise<string | undefined> {
  const r = await readInputText(resolve(ctx.io.cwd, file), maxBytes);
  if (!("text" in r)) return undefined;
  // Only the top-level key, without building the document: a hostile file may hold a huge array.
  return topLevelString(r.text, "circuit");
}
