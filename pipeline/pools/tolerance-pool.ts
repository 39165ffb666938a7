// The compile's tolerance section on two threads: its axes are independent searches over the same
// design (the DAC search follows the phase axis, so they stay together), so a pool thread takes
// the coupler and loss axes while the calling thread takes the rest, each preparing the design
// from the same circuits and seed. The merged result is the one-thread result
// (tests/compile/tolerance-pool.test.ts). Small sections stay on one thread: below
// TOLERANCE_POOL_MIN_WORK a thread's start-up and its own preparation of the design cost about what
// it saves (the quick start, 2,280, compiles no faster on two). cluster-16 (22,740) and a 64-worker
// PAM-16 cascade (43,420, 28 s on one thread) pool.
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import { defaultJobs, spawnWorker } from "../../runtime/worker-threads.ts";
import type { AxisName } from "../../verify/tolerance/axes.ts";
import type { ToleranceResult } from "../../verify/tolerance/analyze.ts";
import { cellOf } from "../../verify/cells/cell-verify.ts";
import { cellCaseCount } from "../../aggregate/cell-cases.ts";
import { toleranceOfCellChip } from "../compile/evaluate.ts";
import type { ToleranceJob } from "./tolerance-worker.ts";
import "./tolerance-worker.ts"; // keeps the worker side in the CLI bundle

export type { ToleranceJob };

/** The axes in the order a one-thread section reports them. */
const AXIS_ORDER: AxisName[] = ["couplerImbalance", "phaseError", "mziLoss", "dacBits", "detectorNoise", "technology"];
/** What the pool thread takes; the calling thread takes the others. */
export const POOL_AXES: AxisName[] = ["couplerImbalance", "mziLoss"];
/** Σ copies × cases × netlists of the designs below which the section stays on one thread. */
export const TOLERANCE_POOL_MIN_WORK = 1e4;

export function toleranceWork(designs: ToleranceJob["designs"]): number {
  return designs.reduce((a, d) => a + d.copies * cellCaseCount(cellOf(d.circuit)) * Object.keys(d.circuit.netlists).length, 0);
}

export function toleranceOfCellChipPooled(job: ToleranceJob, opts: { jobs?: number | undefined; minWork?: number } = {}): ToleranceResult {
  const { designs, spec, seed, o } = job;
  const jobs = opts.jobs ?? defaultJobs();
  if (jobs < 2 || o.axes || toleranceWork(designs) < (opts.minWork ?? TOLERANCE_POOL_MIN_WORK))
    return toleranceOfCellChip(designs, spec, seed, o);
  const counters = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = spawnWorker(
    { tolerance: { ...job, o: { ...o, axes: POOL_AXES } }, counters, port: port2 },
    port2,
    new URL("./tolerance-worker.ts", import.meta.url),
  );
  try {
    const mine = toleranceOfCellChip(designs, spec, seed, { ...o, axes: AXIS_ORDER.filter((a) => !POOL_AXES.includes(a)) });
    for (;;) {
      const m = receiveMessageOnPort(port1);
      if (m) {
        const msg = m.message as { result: ToleranceResult } | { error: string };
        if ("error" in msg) throw new Error(`internal: the tolerance thread failed: ${msg.error}`);
        const axes = [...mine.axes, ...msg.result.axes].sort((a, b) => AXIS_ORDER.indexOf(a.axis) - AXIS_ORDER.indexOf(b.axis));
        return { ...mine, axes };
      }
      Atomics.wait(counters, 0, 0, 1000);
    }
  } finally {
    void worker.terminate();
    port1.close();
  }
}
