// The simulator rejects circuits it cannot run (a coupling outside [0, 1], a missing instance…)
// with plain Errors whose messages name the culprit. verify and allreduce turn exactly those into
// an input error about the file (OPT6005, exit 1) instead of an internal error.
import { CircuitShapeError } from "../../aggregate/circuit-info.ts";

/** A circuit the simulator cannot run as an ONN pipeline, with the file it came from. */
export class CircuitError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

export function isCircuitProblem(e: unknown): e is Error {
  return e instanceof CircuitShapeError || (e instanceof Error && /^(instance |circuit |non-ideality |dacBits |run: )/.test(e.message));
}

/** Run `run`, re-throwing the simulator's circuit problems as a CircuitError naming `file`. */
export function withFile<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isCircuitProblem(e)) throw new CircuitError(file, e.message);
    throw e;
  }
}
