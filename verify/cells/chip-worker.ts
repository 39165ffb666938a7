// The worker side of chip-pool.ts: loaded as a pool thread's main module (from source under tsx,
// or as the CLI bundle), it claims chip trial indices from the shared counter and posts each
// result. In the main thread, and in pool threads of other jobs, it does nothing.
import type { MessagePort } from "node:worker_threads";
import { poolThreadData, serveClaimed } from "../../runtime/worker-threads.ts";
import { chipServer, type ChipJob, type ChipResult } from "./chip-yield.ts";

export interface ChipWorkerData {
  chips: ChipJob;
  /** Int32Array over a SharedArrayBuffer: [next trial to claim, results posted]. */
  counters: Int32Array;
  port: MessagePort;
}

function serve(d: ChipWorkerData): void {
  let one: ((i: number) => ChipResult) | null = null;
  serveClaimed(d.counters, d.chips.trials, d.port, (i) => ({ result: (one ??= chipServer(d.chips))(i) }));
}

const data = poolThreadData<ChipWorkerData>();
if (data?.chips) serve(data as ChipWorkerData);
