// Compile-stage failures the user can fix in the spec: carried to the CLI as located diagnostics.
// Its codes are the catalogue's COMPILE group (codes/catalogue.ts).
export class CompileError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Dotted spec path the problem is about, e.g. "precision" (for the source location). */
    readonly path: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CompileError";
  }
}
