// A cascade's end-to-end check on several threads: the worker codes sit in shared memory, the
// calling thread and the pool threads claim slices of CASCADE_BATCH cases from one counter, and
// each writes its cases' errors into one shared array. A case's error depends on the case alone,
// so the errors are the same for every thread count (tests/verify/cells/cascade-pool.test.ts).
// Each thread builds its own runners and simulates the port vectors it meets; pool threads start
// only once the calling thread has spent CASCADE_POOL_AFTER_MS on slices, so small checks (most
// examples) never pay a thread's start-up. Synchronous, like chip-pool.ts.
import { type ClaimedPoolOptions, defaultJobs, runClaimed, spawnWorker } from "../../runtime/worker-threads.ts";
import { CASCADE_BATCH, type CascadeJob, cascadeRunners, cascadeSlice } from "./cascade-batch.ts";
import type { ChipRunner } from "./chip-batch.ts";
import "./cascade-worker.ts"; // keeps the worker side in the CLI bundle

/** Time on slices in the calling thread before pool threads are started. */
export const CASCADE_POOL_AFTER_MS = 500;

/** Threads and start time of the cascade check (afterMs default CASCADE_POOL_AFTER_MS). */
export type CascadePoolOptions = ClaimedPoolOptions;

/** Every case's output minus its golden average (job.cases of them), in case order. */
export function cascadeCaseErrors(job: CascadeJob, opts: CascadePoolOptions = {}): Int32Array {
  const errors = new Int32Array(new SharedArrayBuffer(4 * job.cases));
  let runners: ChipRunner[] | null = null;
  // Each thread writes its slices' errors where they belong; the per-slice results are only counted.
  runClaimed<number>({
    total: Math.ceil(job.cases / CASCADE_BATCH),
    jobs: opts.jobs ?? defaultJobs(),
    afterMs: opts.afterMs ?? CASCADE_POOL_AFTER_MS,
    callerWorks: opts.callerWorks,
    what: "cascade-check",
    one: (i) => {
      cascadeSlice(job, (runners ??= cascadeRunners(job)), i * CASCADE_BATCH, errors);
      return i;
    },
    spawn: (counters, port) => spawnWorker({ cascade: job, errors, counters, port }, port, new URL("./cascade-worker.ts", import.meta.url)),
  });
  return errors;
}
