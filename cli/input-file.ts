// Reading one input file for a command: a regular file of bounded size, strict UTF-8 (runtime/
// input-file.ts). Problems become one diagnostic, exit 2: the caller's code for an unreadable file
// (missing, a FIFO, a device, too large), IO.notUtf8 at the line:col of the first invalid byte.
import { resolve } from "node:path";
import { IO } from "../codes/catalogue.ts";
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
 * The one diagnostic of a file that cannot be read: IO.notUtf8 at its first invalid byte (IO.notText
 * there for a binary file), else the format's code.
 */
export function unreadableDiagnostic(
  file: string,
  r: { error: string; utf8?: { line: number; column: number }; binary?: true },
  o: Omit<InputRead, "maxBytes">,
): Diagnostic {
  if (r.utf8)
    return {
      code: r.binary ? IO.notText : IO.notUtf8,
      severity: "error",
      message: r.binary ? "this is not a text file (it is full of control bytes)" : `the ${o.what} '${file}' is ${r.error}`,
      hint: r.binary ? `pass the ${o.what} itself` : "save the file as UTF-8",
      file,
      line: r.utf8.line,
      column: r.utf8.column,
    };
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
