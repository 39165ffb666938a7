// One wording for an input whose bytes are not UTF-8 text, whatever room reads it (the one reader,
// runtime/input-file.ts, says where): OPT0012 at the first invalid byte, OPT0006 there when the
// bytes are full of control characters (a binary file, not text gone wrong).
import { IO } from "../codes/catalogue.ts";

export interface NotText {
  code: string;
  message: string;
  hint: string;
  where: { file: string; line: number; column: number };
}

/** The problem of a read that found no UTF-8 text, or null for any other failure. `what` names the file in the message. */
export function notText(
  file: string,
  what: string,
  r: { error: string; utf8?: { line: number; column: number }; binary?: true },
): NotText | null {
  if (!r.utf8) return null;
  const where = { file, line: r.utf8.line, column: r.utf8.column };
  if (r.binary)
    return { code: IO.notText, message: `${what} is not a text file (it is full of control bytes)`, hint: "pass the file itself", where };
  return { code: IO.notUtf8, message: `${what} is ${r.error}`, hint: "save the file as UTF-8", where };
}
