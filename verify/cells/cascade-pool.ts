// A cascade's end-to-end check on several threads: the worker codes sit in shared memory, the
// calling thread and the pool threads claim slices of CASCADE_BATCH cases from one counter, and
// each writes its cases' errors into one shared array. A case's error depends on the case alone,
// so the errors are the same for every thread count (tests/verify/cells/cascade-pool.test.ts).
// Each thread builds its own runners and simulates the port vectors it meets; pool threads start
// only once the calling thread has spent CASCADE_POOL_AFTER_MS on slices, so small checks (most
// examples) never pay a thread's start-up. Synchronous, like chip-pool.ts.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import { defaultJobs, spawnWorker } from "../../runtime/worker-threads.ts";
import { CASCADE_BATCH, type CascadeJob, cascadeRunners, cascadeSlice } from "./cascade-batch.ts";
import "./cascade-worker.ts"; // keeps the worker side in the CLI bundle

/** Time on slices in the calling thread before pool threads are started. */
export const CASCADE_POOL_AFTER_MS = 500;

export interface CascadePoolOptions {
  /** Threads, the calling one included (default: the core count). */
  jobs?: number | undefined;
  /** Time on slices in the calling thread before pool threads start (default CASCADE_POOL_AFTER_MS). */
  afterMs?: number;
  /** false: once pool threads start, the calling thread only collects (tests use it to make them work). */
  callerWorks?: boolean;
}

/** Every case's output minus its golden average (job.cases of them), in case order. */
export function cascadeCaseErrors(job: CascadeJob, opts: CascadePoolOptions = {}): Int32Array {
  const jobs = opts.jobs ?? defaultJobs();
  const afterMs = opts.afterMs ?? CASCADE_POOL_AFTER_MS;
  const slices = Math.ceil(job.cases / CASCADE_BATCH);
  const errors = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, job.cases)));
  // [next slice to claim, slices done by pool threads]
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  const runners = cascadeRunners(job);
  let mine = 0;
  const drain = (): void => {
    // a pool thread posts only when it failed
    for (const p of ports) {
      const m = receiveMessageOnPort(p);
      if (m) throw new Error(`internal: a cascade-check thread failed: ${(m.message as { error: string }).error}`);
    }
  };
  try {
    const t0 = performance.now();
    for (let i = Atomics.add(counters, 0, 1); i < slices; i = Atomics.add(counters, 0, 1)) {
      cascadeSlice(job, runners, i * CASCADE_BATCH, errors);
      mine++;
      const left = slices - Atomics.load(counters, 0);
      if (workers.length === 0 && jobs > 1 && left > 1 && performance.now() - t0 >= afterMs)
        for (let w = 1; w < Math.min(jobs, left); w++) {
          const { port1, port2 } = new MessageChannel();
          ports.push(port1);
          workers.push(
            spawnWorker({ cascade: job, errors, counters, port: port2 }, port2, new URL("./cascade-worker.ts", import.meta.url)),
          );
        }
      drain();
      if (workers.length > 0 && opts.callerWorks === false) break;
    }
    while (mine + Atomics.load(counters, 1) < slices) {
      const seen = Atomics.load(counters, 1);
      drain();
      if (mine + seen < slices) Atomics.wait(counters, 1, seen, 1000);
    }
    drain();
  } finally {
    for (const w of workers) void w.terminate();
    for (const p of ports) p.close();
  }
  return errors;
}
