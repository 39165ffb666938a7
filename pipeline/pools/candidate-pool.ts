// The structure search's candidates priced on several threads: each candidate's cells are built and
// budgeted by a pure function of the spec (compile/candidate-price.ts), so the calling thread and
// the pool threads claim candidates from one shared counter and the prices are put back in
// candidate order, the same for every thread count (tests/compile/candidate-pool.test.ts). Like the
// chip pool, pool threads start once the calling thread has spent CANDIDATE_POOL_AFTER_MS on
// candidates (none by default). The calling thread keeps the cells it built itself (`keep`); a
// candidate priced on a pool thread is built again if tried.
import { type ClaimedPoolOptions, defaultJobs, runClaimed, spawnWorker } from "../../runtime/worker-threads.ts";
import type { Spec } from "../../dsl/spec.ts";
import type { Structure } from "../types.ts";
import type { BuiltStructure } from "../compile/closed-form.ts";
import { priceCandidate, type CandidatePrice } from "../compile/candidate-price.ts";
import "./candidate-worker.ts"; // keeps the worker side in the CLI bundle

/**
 * Time on candidates in the calling thread before pool threads are started: none. The search
 * prices its candidates on one thread otherwise, so a pool thread loads on an idle core and costs
 * the calling thread only its spawn (the quick start compiled in 7.0 s with it, 7.7 s before).
 */
export const CANDIDATE_POOL_AFTER_MS = 0;

/** The pool's threads and start time (afterMs default CANDIDATE_POOL_AFTER_MS), and what the caller keeps. */
export interface CandidatePoolOptions extends ClaimedPoolOptions {
  /** A candidate the calling thread built: the search may hold its cells. */
  keep?: (i: number, built: BuiltStructure, price: CandidatePrice) => void;
}

export function priceCandidates(spec: Spec, structures: Structure[], opts: CandidatePoolOptions = {}): CandidatePrice[] {
  return runClaimed<CandidatePrice>({
    total: structures.length,
    jobs: opts.jobs ?? defaultJobs(),
    afterMs: opts.afterMs ?? CANDIDATE_POOL_AFTER_MS,
    callerWorks: opts.callerWorks,
    what: "candidate-pricing",
    one: (i) => {
      const { built, cost, light } = priceCandidate(spec, structures[i]!);
      const price = { cost, light };
      opts.keep?.(i, built, price);
      return price;
    },
    // Checked before each candidate: one candidate can be most of the search (a 64-worker PAM-16
    // link's flat cells, 10 s of its 36), so the pool must not wait for the first to finish.
    spawn: (counters, port) =>
      spawnWorker({ candidates: { spec, structures }, counters, port }, port, new URL("./candidate-worker.ts", import.meta.url)),
  });
}
