// The one way an input file is read, for every command and every room: a regular file of bounded
// size, decoded as strict UTF-8. A FIFO, a device (/dev/zero), a socket or a directory is refused
// unread: opening a FIFO for reading blocks until a writer appears, and a blocked read is deaf to
// the worker's termination (Ctrl-C). The file is opened non-blocking and checked again on the open
// descriptor, so a path swapped for a FIFO after the first check cannot block either. Invalid
// UTF-8 is an error at its line:col, never silently replaced; a leading byte order mark is dropped.
// The result is a value, not an exception: each caller words the problem with its format's code.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";

export type ReadInput =
  | { text: string }
  | {
      error: string;
      /** Set when the file is larger than the limit (some formats give that its own code). */
      tooLarge?: true;
      /** Where the first invalid UTF-8 byte is. */
      utf8?: { line: number; column: number; byte: number };
      /** Not UTF-8 and full of control bytes: not a text file at all (a binary file). */
      binary?: true;
    };

const BOM = [0xef, 0xbb, 0xbf];

/** Where the first byte of invalid UTF-8 sits: 1-based line and column (in characters before it). */
function invalidUtf8At(bytes: Uint8Array): { line: number; column: number; byte: number } | null {
  let i = 0;
  let line = 1;
  let column = 1;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let n = 0;
    let min = 0;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) (n = 1), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (n = 2), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (n = 3), (min = 0x10000);
    else return { line, column, byte: i };
    let cp = n === 0 ? b : b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return { line, column, byte: i };
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { line, column, byte: i };
    i += n + 1;
    if (b === 0x0a) (line += 1), (column = 1);
    else column += cp > 0xffff ? 2 : 1;
  }
  return null;
}

/** At least 1 % control bytes (not tab, newline or return) in the first 64 kB: a binary file, not text gone wrong. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 64 * 1024);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) controls++;
  }
  return controls >= 8 && controls * 100 >= n;
}

/** Strict UTF-8 text of `bytes` (a leading BOM dropped), or where it is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): ReadInput {
  const start = BOM.every((b, k) => bytes[k] === b) ? 3 : 0;
  const body = bytes.subarray(start);
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body) };
  } catch {
    const at = invalidUtf8At(body) ?? { line: 1, column: 1, byte: 0 };
    const hex = (body[at.byte] ?? 0).toString(16).padStart(2, "0");
    const error = `not valid UTF-8 (byte 0x${hex} at ${at.line}:${at.column})`;
    return { error, utf8: { ...at, byte: at.byte + start }, ...(looksBinary(body) ? { binary: true as const } : {}) };
  }
}

const megabytes = (n: number): number => Math.round(n / 1024 ** 2);

/** Why a file of these stats is not read, or null when it may be. */
function refusal(st: Stats, maxBytes: number): ReadInput | null {
  if (st.isDirectory()) return { error: "it is a directory" };
  if (st.isFIFO()) return { error: "a named pipe (FIFO), not a regular file" };
  if (!st.isFile()) return { error: "not a regular file (a device or socket)" };
  if (st.size > maxBytes) return { error: `${st.size} bytes, more than the ${megabytes(maxBytes)} MB limit`, tooLarge: true };
  return null;
}

/** The text, or why it cannot be read (an errno code or a short reason). */
export function readInputTextSync(path: string, maxBytes: number): ReadInput {
  let fd: number | undefined;
  try {
    // Checked before it is opened: opening some devices has effects of its own.
    const before = refusal(statSync(path), maxBytes);
    if (before) return before;
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    const now = refusal(st, maxBytes);
    if (now) return now;
    // Read at most the limit (+1 to see a file that grew since fstat).
    const buf = Buffer.alloc(Math.min(maxBytes + 1, st.size + 64 * 1024));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
    }
    if (got > maxBytes) return { error: `more than the ${megabytes(maxBytes)} MB limit`, tooLarge: true };
    if (got === buf.length) return { error: "the file grew while it was read" };
    return decodeUtf8(buf.subarray(0, got));
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** readInputTextSync for async callers (the same checks and the same read). */
export async function readInputText(path: string, maxBytes: number): Promise<ReadInput> {
  return readInputTextSync(path, maxBytes);
}
