// The worker side of candidate-pool.ts: loaded as a pool thread's main module (from source under
// tsx, or as the CLI bundle), it claims candidates from the shared counter and posts each one's
// price. In the main thread, and in pool threads of other jobs, it does nothing.
import type { MessagePort } from "node:worker_threads";
import { poolThreadData, serveClaimed } from "../../runtime/worker-threads.ts";
import type { Spec } from "../../dsl/spec.ts";
import type { Structure } from "../types.ts";
import { priceCandidate } from "../compile/candidate-price.ts";

export interface CandidateWorkerData {
  candidates: { spec: Spec; structures: Structure[] };
  /** Int32Array over a SharedArrayBuffer: [next candidate to claim, prices posted]. */
  counters: Int32Array;
  port: MessagePort;
}

function serve(d: CandidateWorkerData): void {
  const { spec, structures } = d.candidates;
  serveClaimed(d.counters, structures.length, d.port, (i) => {
    const { cost, light } = priceCandidate(spec, structures[i]!);
    return { result: { cost, light } };
  });
}

const data = poolThreadData<CandidateWorkerData>();
if (data?.candidates) serve(data as CandidateWorkerData);
