// A unit's cases on `jobs` threads (compose's 10⁶-case checks): the digit sums and the values live
// in shared memory, every thread compiles the circuit once and claims slices of cases from one
// counter. A case's value depends on the case alone (ideal components, no noise), so the result
// is the same for every `jobs` and every claim order. Small runs stay on the calling thread: a
// thread costs more to start than it would save.
import { MessageChannel, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { defaultJobs, spawnWorker } from "../../runtime/worker-threads.ts";
import { runUnitCases, type UnitShape } from "./unit-runner.ts";

/** Cases per claimed slice, and the fewest cases worth a second thread. */
export const SLICE = 16_384;
export const MIN_PARALLEL = 4 * SLICE;

export interface CaseJob {
  circuit: Circuit;
  unit: UnitShape;
  /** cases × inDigits, over a SharedArrayBuffer. */
  sums: Int32Array;
  /** One value per case, over a SharedArrayBuffer. */
  out: Int32Array;
  cases: number;
  /** [next slice to claim, slices finished]. */
  counters: Int32Array;
}

/** Claims slices until none are left (the calling thread and every worker run this). */
export function serveCases(job: CaseJob, sim = compileCircuit(job.circuit)): void {
  const slices = Math.ceil(job.cases / SLICE);
  for (let i = Atomics.add(job.counters, 0, 1); i < slices; i = Atomics.add(job.counters, 0, 1)) {
    runUnitCases(sim, job.unit, job.sums, i * SLICE, Math.min(job.cases, (i + 1) * SLICE), job.out);
    Atomics.add(job.counters, 1, 1);
    Atomics.notify(job.counters, 1);
  }
}

/**
 * Values of `cases` digit-sum vectors. `callerWorks: false` leaves every slice to the worker
 * threads (tests use it to be sure the threads' path ran).
 */
export function runUnitParallel(
  circuit: Circuit,
  unit: UnitShape,
  sums: Int32Array,
  cases: number,
  jobs = defaultJobs(),
  opts: { callerWorks?: boolean } = {},
): Int32Array {
  const threads = cases < MIN_PARALLEL ? 1 : Math.max(1, Math.min(jobs, Math.ceil(cases / SLICE)));
  if (threads === 1) {
    const out = new Int32Array(cases);
    runUnitCases(compileCircuit(circuit), unit, sums, 0, cases, out);
    return out;
  }
  const shared = new Int32Array(new SharedArrayBuffer(cases * unit.inDigits * 4));
  shared.set(sums.subarray(0, cases * unit.inDigits));
  const job: CaseJob = {
    circuit,
    unit,
    sums: shared,
    out: new Int32Array(new SharedArrayBuffer(cases * 4)),
    cases,
    counters: new Int32Array(new SharedArrayBuffer(8)),
  };
  const ports: MessagePort[] = [];
  const workers = [];
  try {
    for (let i = 1; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1);
      workers.push(spawnWorker({ cases: job, port: port2 }, port2, new URL("./trial-worker.ts", import.meta.url)));
    }
    if (opts.callerWorks !== false) serveCases(job);
    const slices = Math.ceil(cases / SLICE);
    for (let done = Atomics.load(job.counters, 1); done < slices; done = Atomics.load(job.counters, 1)) {
      for (const p of ports) {
        const m = receiveMessageOnPort(p);
        if (m && "error" in (m.message as object))
          throw new Error(`internal: a compose worker failed: ${(m.message as { error: string }).error}`);
      }
      Atomics.wait(job.counters, 1, done, 1000);
    }
  } finally {
    for (const w of workers) void w.terminate();
    for (const p of ports) p.close();
  }
  return job.out;
}
