// The worker side of tolerance-pool.ts: loaded as a pool thread's main module (from source under
// tsx, or as the CLI bundle), it runs the tolerance axes it was given and posts the result. In the
// main thread, and in pool threads of other jobs, it does nothing.
import type { MessagePort } from "node:worker_threads";
import { poolThreadData } from "../../runtime/worker-threads.ts";
import type { Spec } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { toleranceOfCellChip, type CellChipToleranceOptions } from "../compile/evaluate.ts";

/** The section a pool thread computes: plain data, copied to the thread. */
export interface ToleranceJob {
  designs: { name: string; circuit: Circuit; copies: number }[];
  spec: Spec;
  seed: number;
  o: CellChipToleranceOptions;
}

export interface ToleranceWorkerData {
  tolerance: ToleranceJob;
  /** Int32Array over a SharedArrayBuffer: [set to 1 when the result is posted]. */
  counters: Int32Array;
  port: MessagePort;
}

function serve(d: ToleranceWorkerData): void {
  const { designs, spec, seed, o } = d.tolerance;
  try {
    d.port.postMessage({ result: toleranceOfCellChip(designs, spec, seed, o) });
  } catch (e) {
    d.port.postMessage({ error: (e as Error).stack ?? String(e) });
  }
  Atomics.store(d.counters, 0, 1);
  Atomics.notify(d.counters, 0);
  d.port.close();
}

const data = poolThreadData<ToleranceWorkerData>();
if (data?.tolerance) serve(data as ToleranceWorkerData);
