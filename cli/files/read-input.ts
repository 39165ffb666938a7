// Input files are read only when they are regular files of bounded size: a symlink to /dev/zero,
// a FIFO or a 10 GB file must give a clear error, not a hang or an out-of-memory abort. The bytes
// are decoded as strict UTF-8 (invalid bytes are an error with their line:col, never silently
// replaced), and a leading UTF-8 byte order mark is accepted and dropped.
import { open, stat } from "node:fs/promises";

export type ReadInput = { text: string } | { error: string; utf8?: { line: number; column: number; byte: number } };

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

/** Strict UTF-8 text of `bytes` (a leading BOM dropped), or where it is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): ReadInput {
  const start = BOM.every((b, k) => bytes[k] === b) ? 3 : 0;
  const body = bytes.subarray(start);
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body) };
  } catch {
    const at = invalidUtf8At(body) ?? { line: 1, column: 1, byte: 0 };
    const hex = (body[at.byte] ?? 0).toString(16).padStart(2, "0");
    return { error: `not valid UTF-8 (byte 0x${hex} at ${at.line}:${at.column})`, utf8: { ...at, byte: at.byte + start } };
  }
}

/** The text, or why it cannot be read (an errno code or a short reason). */
export async function readInputText(path: string, maxBytes: number): Promise<ReadInput> {
  try {
    // Checked before it is opened: opening a FIFO for reading blocks until a writer appears.
    const st = await stat(path);
    if (st.isDirectory()) return { error: "it is a directory" };
    if (st.isFIFO()) return { error: "a named pipe (FIFO), not a regular file" };
    if (!st.isFile()) return { error: "not a regular file (a device or socket)" };
    if (st.size > maxBytes) return { error: `${st.size} bytes, more than the ${Math.round(maxBytes / 1024 ** 2)} MB limit` };
    const h = await open(path, "r");
    try {
      // Read at most the limit (+1 to see a file that grew since stat).
      const buf = Buffer.alloc(Math.min(maxBytes + 1, Math.max(st.size, 0) + 64 * 1024));
      let got = 0;
      for (;;) {
        if (got === buf.length) break;
        const { bytesRead } = await h.read(buf, got, buf.length - got, null);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      if (got > maxBytes) return { error: `more than the ${Math.round(maxBytes / 1024 ** 2)} MB limit` };
      if (got === buf.length) return { error: "the file grew while it was read" };
      return decodeUtf8(buf.subarray(0, got));
    } finally {
      await h.close();
    }
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}
