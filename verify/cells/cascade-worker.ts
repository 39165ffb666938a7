// The worker side of cascade-pool.ts: loaded as a pool thread's main module (from source under
// tsx, or as the CLI bundle), it claims slices of the cascade's cases from the shared counter and
// writes their errors into the shared array, counting each slice done. In the main thread, and in
// pool threads of other jobs, it does nothing.
import type { MessagePort } from "node:worker_threads";
import { poolThreadData } from "../../runtime/worker-threads.ts";
import { CASCADE_BATCH, type CascadeJob, cascadeRunners, cascadeSlice } from "./cascade-batch.ts";

export interface CascadeWorkerData {
  cascade: CascadeJob;
  /** Int32Array over a SharedArrayBuffer: one error per case. */
  errors: Int32Array;
  /** Int32Array over a SharedArrayBuffer: [next slice to claim, slices done by pool threads]. */
  counters: Int32Array;
  port: MessagePort;
}

function serve(d: CascadeWorkerData): void {
  const { cascade: job, errors, counters } = d;
  const slices = Math.ceil(job.cases / CASCADE_BATCH);
  try {
    const runners = cascadeRunners(job);
    for (let i = Atomics.add(counters, 0, 1); i < slices; i = Atomics.add(counters, 0, 1)) {
      cascadeSlice(job, runners, i * CASCADE_BATCH, errors);
      Atomics.add(counters, 1, 1);
      Atomics.notify(counters, 1);
    }
  } catch (e) {
    d.port.postMessage({ error: (e as Error).stack ?? String(e) });
    // wake the calling thread, which then reads the error
    Atomics.add(counters, 1, 1);
    Atomics.notify(counters, 1);
  }
  d.port.close();
}

const data = poolThreadData<CascadeWorkerData>();
if (data?.cascade) serve(data as CascadeWorkerData);
