// Compile-stage failures the user can fix in the spec: carried to the CLI as located diagnostics.
// Codes OPT3xxx belong to the compiler (OPT1xxx syntax, OPT2xxx semantics are the DSL's).
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

export const COMPILE_CODES = {
  /** The compiled aggregator does not decode every checked case correctly. */
  notExact: "OPT3001",
  /** The reduced input space is too large to train exhaustively. */
  spaceTooLarge: "OPT3002",
  /** The ONN is trained on digit sums; without the digit-sum stage it would see every worker's digits. */
  noPreprocess: "OPT3003",
  /** A training option the trainer does not use yet (warning). */
  unusedOption: "OPT3004",
  /** An option of the trained route written in a closed-form spec (warning). */
  notForRoute: "OPT3005",
  /** The chips' Monte-Carlo yield is below the spec's yield target, with the target's confidence (warning under an explicit route). */
  yieldTargetMissed: "OPT3040",
} as const;
