// The worker side of cascade-pool.ts: loaded as a pool thread's main module (from source under
// tsx, or as the CLI bundle), it claims slices of the cascade's cases from the shared counter,
// writes their errors into the shared array and posts each slice's index. In the main thread, and
// in pool threads of other jobs, it does nothing.
import type { MessagePort } from "node:worker_threads";
import { poolThreadData, serveClaimed } from "../../runtime/worker-threads.ts";
import { CASCADE_BATCH, type CascadeJob, cascadeRunners, cascadeSlice } from "./cascade-batch.ts";
import type { ChipRunner } from "./chip-batch.ts";

export interface CascadeWorkerData {
  cascade: CascadeJob;
  /** Int32Array over a SharedArrayBuffer: one error per case. */
  errors: Int32Array;
  /** Int32Array over a SharedArrayBuffer: [next slice to claim, slices posted] (runClaimed). */
  counters: Int32Array;
  port: MessagePort;
}

function serve(d: CascadeWorkerData): void {
  const { cascade: job, errors } = d;
  let runners: ChipRunner[] | null = null;
  serveClaimed(d.counters, Math.ceil(job.cases / CASCADE_BATCH), d.port, (i) => {
    cascadeSlice(job, (runners ??= cascadeRunners(job)), i * CASCADE_BATCH, errors);
    return { result: i };
  });
}

const data = poolThreadData<CascadeWorkerData>();
if (data?.cascade) serve(data as CascadeWorkerData);
