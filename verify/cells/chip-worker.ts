// The worker side of chip-pool.ts: loaded as a pool thread's main module (from source under tsx,
// or as the CLI bundle), it claims chip trial indices from the shared counter and posts each
// result. In the main thread, and in pool threads of other jobs, it does nothing.
import type { MessagePort } from "node:worker_threads";
import { poolThreadData } from "../../runtime/worker-threads.ts";
import { chipServer, type ChipJob } from "./chip-yield.ts";

export interface ChipWorkerData {
  chips: ChipJob;
  /** Int32Array over a SharedArrayBuffer: [next trial to claim, results posted]. */
  counters: Int32Array;
  port: MessagePort;
}

function serve(d: ChipWorkerData): void {
  try {
    const one = chipServer(d.chips);
    for (let i = Atomics.add(d.counters, 0, 1); i < d.chips.trials; i = Atomics.add(d.counters, 0, 1)) {
      d.port.postMessage({ i, result: one(i) });
      Atomics.add(d.counters, 1, 1);
      Atomics.notify(d.counters, 1);
    }
  } catch (e) {
    d.port.postMessage({ error: (e as Error).stack ?? String(e) });
    Atomics.add(d.counters, 1, 1);
    Atomics.notify(d.counters, 1);
  }
  d.port.close();
}

const data = poolThreadData<ChipWorkerData>();
if (data?.chips) serve(data as ChipWorkerData);
