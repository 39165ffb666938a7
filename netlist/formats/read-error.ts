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
