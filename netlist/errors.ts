// Errors raised while reading netlist files: where (file:line:col), a stable code, what, and how to fix.

export class NetlistReadError extends Error {
  constructor(
    readonly code: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly what: string,
    readonly fix: string,
  ) {
    super(`${file}:${line}:${column}: error[${code}]: ${what}\n  fix: ${fix}`);
    this.name = "NetlistReadError";
  }
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}
