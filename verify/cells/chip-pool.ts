// Monte-Carlo chips on several threads. A chip's result depends only on (seed, trial index)
// (chip-yield.ts), so the calling thread and the pool threads claim trial indices from one shared
// counter and the results are put back in trial order: the same for every thread count. Pool
// threads start only once the calling thread has spent CHIP_POOL_AFTER_MS on chips, so small runs
// (most examples) never pay a thread's start-up. The API stays synchronous (Atomics.wait,
// receiveMessageOnPort), like verify/circuit/trial-pool.ts.
import { type ClaimedPoolOptions, defaultJobs, runClaimed, spawnWorker } from "../../runtime/worker-threads.ts";
import { chipServer, type ChipJob, type ChipResult, type ChipTrials } from "./chip-yield.ts";
import "./chip-worker.ts"; // keeps the worker side in the CLI bundle

/** Time on chips in the calling thread before pool threads are started. */
export const CHIP_POOL_AFTER_MS = 400;

/** Threads and start time of the chip pool (afterMs default CHIP_POOL_AFTER_MS). */
export type PoolOptions = ClaimedPoolOptions;

export function runChips(job: ChipJob, opts: PoolOptions = {}): ChipResult[] {
  const serve = chipServer(job);
  return runClaimed<ChipResult>({
    total: job.trials,
    jobs: opts.jobs ?? defaultJobs(),
    afterMs: opts.afterMs ?? CHIP_POOL_AFTER_MS,
    callerWorks: opts.callerWorks,
    what: "chip Monte-Carlo",
    one: serve,
    spawn: (counters, port) => spawnWorker({ chips: job, counters, port }, port, new URL("./chip-worker.ts", import.meta.url)),
  });
}

/** Chips `start` … `start + trials − 1` of designs at a technology (start defaults to 0). */
export type ChipRun = Omit<ChipJob, "mode" | "start"> & { start?: number };

/**
 * Chips that pass, and nothing else: a chip stops at its first inexact copy (chip-yield.ts
 * passTrial).
 */
export function chipPassCount(run: ChipRun, pool?: PoolOptions): number {
  return runChips({ ...run, start: run.start ?? 0, mode: "pass" }, pool).filter((r) => r.pass).length;
}

/** Every copy of every chip of the run (a later stage of a staged run continues where the first stopped). */
export function chipYield(run: ChipRun, pool?: PoolOptions): ChipTrials {
  const results = runChips({ ...run, start: run.start ?? 0, mode: "full" }, pool);
  const perDesign = run.designs.map((d) => ({ name: d.name, copies: d.copies, passing: 0 }));
  for (const r of results) r.designPass.forEach((ok, i) => ok && perDesign[i]!.passing++);
  const passing = results.filter((r) => r.pass).length;
  const { trials } = run;
  return { trials, passing, yield: trials ? passing / trials : 1, exactCopies: results.map((r) => r.exactFraction), perDesign };
}
