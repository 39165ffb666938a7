// The structure search's candidates priced on several threads: each candidate's cells are built and
// budgeted by a pure function of the spec (compile/candidate-price.ts), so the calling thread and
// the pool threads claim candidates from one shared counter and the prices are put back in
// candidate order, the same for every thread count (tests/compile/candidate-pool.test.ts). Like the
// chip pool, pool threads start once the calling thread has spent CANDIDATE_POOL_AFTER_MS on
// candidates (none by default). The calling thread keeps the cells it built itself (`keep`); a
// candidate priced on a pool thread is built again if tried.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import { defaultJobs, spawnWorker } from "../../runtime/worker-threads.ts";
import type { Spec } from "../../dsl/spec.ts";
import type { Structure } from "../types.ts";
import type { BuiltStructure } from "../compile/closed-form.ts";
import { priceCandidate, type CandidatePrice } from "../compile/candidate-price.ts";
import "./candidate-worker.ts"; // keeps the worker side in the CLI bundle

/**
 * Time on candidates in the calling thread before pool threads are started: none. The search
 * prices its candidates on one thread otherwise, so a pool thread loads on an idle core and costs
 * the calling thread only its spawn (the quick start compiles in the same time either way).
 */
export const CANDIDATE_POOL_AFTER_MS = 0;

export interface CandidatePoolOptions {
  /** Threads, the calling one included (default: the core count). */
  jobs?: number | undefined;
  /** Time on candidates in the calling thread before pool threads start (default CANDIDATE_POOL_AFTER_MS). */
  afterMs?: number;
  /** A candidate the calling thread built: the search may hold its cells. */
  keep?: (i: number, built: BuiltStructure, price: CandidatePrice) => void;
  /** false: once pool threads start, the calling thread only collects (tests use it to make them work). */
  callerWorks?: boolean;
}

export function priceCandidates(spec: Spec, structures: Structure[], opts: CandidatePoolOptions = {}): CandidatePrice[] {
  const jobs = opts.jobs ?? defaultJobs();
  const afterMs = opts.afterMs ?? CANDIDATE_POOL_AFTER_MS;
  const n = structures.length;
  const out: (CandidatePrice | undefined)[] = new Array(n);
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  let have = 0;
  const drain = (): void => {
    for (const p of ports)
      for (let m = receiveMessageOnPort(p); m; m = receiveMessageOnPort(p)) {
        const msg = m.message as { i: number; price: CandidatePrice } | { error: string };
        if ("error" in msg) throw new Error(`internal: a candidate-pricing thread failed: ${msg.error}`);
        out[msg.i] = msg.price;
        have++;
      }
  };
  try {
    const t0 = performance.now();
    for (let i = Atomics.add(counters, 0, 1); i < n; i = Atomics.add(counters, 0, 1)) {
      // Checked before each candidate: one candidate can be most of the search (a 64-worker PAM-16
      // link's flat cells, 10 s of its 27), so the pool must not wait for the first to finish.
      const left = n - i - 1;
      if (workers.length === 0 && jobs > 1 && left > 0 && performance.now() - t0 >= afterMs)
        for (let w = 1; w < Math.min(jobs, left + 1); w++) {
          const { port1, port2 } = new MessageChannel();
          ports.push(port1);
          const data = { candidates: { spec, structures }, counters, port: port2 };
          workers.push(spawnWorker(data, port2, new URL("./candidate-worker.ts", import.meta.url)));
        }
      const { built, cost, light } = priceCandidate(spec, structures[i]!);
      out[i] = { cost, light };
      have++;
      opts.keep?.(i, built, out[i]!);
      drain();
      if (workers.length > 0 && opts.callerWorks === false) break;
    }
    while (have < n) {
      const seen = Atomics.load(counters, 1);
      drain();
      if (have < n) Atomics.wait(counters, 1, seen, 1000);
    }
  } finally {
    for (const w of workers) void w.terminate();
    for (const p of ports) p.close();
  }
  return out as CandidatePrice[];
}
