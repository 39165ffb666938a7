// The worker side of trial-pool.ts and case-pool.ts. Loaded as a worker's main module (from source
// under tsx, or as the CLI bundle, which contains this module), it claims trial indices (or slices
// of cases) from a shared counter until none are left and posts each outcome (cases are written
// to shared memory). In the main thread it does nothing.
import type { MessagePort } from "node:worker_threads";
import { poolThreadData, serveClaimed } from "../../runtime/worker-threads.ts";
import { serveCases, type CaseJob } from "./case-pool.ts";
import { runTrial, type TrialJob } from "./trial.ts";

export interface CaseWorkerData {
  cases: CaseJob;
  port: MessagePort;
}

function serveSlices(d: CaseWorkerData): void {
  try {
    serveCases(d.cases);
  } catch (e) {
    d.port.postMessage({ error: (e as Error).stack ?? String(e) });
  }
  d.port.close();
}

export interface TrialWorkerData {
  job: TrialJob;
  trials: number;
  /** Int32Array over a SharedArrayBuffer: [next trial to claim, outcomes posted]. */
  counters: Int32Array;
  port: MessagePort;
}

function serve(d: TrialWorkerData): void {
  serveClaimed(d.counters, d.trials, d.port, (t) => ({ outcome: runTrial(d.job, t) }), "t");
}

const data = poolThreadData<TrialWorkerData & CaseWorkerData>();
// Other pool threads (pipeline/pools/unit-worker.ts) carry other jobs: not these.
if (data?.cases) serveSlices(data as CaseWorkerData);
else if (data?.job) serve(data as TrialWorkerData);
