// Independent units (digit slices, cascade levels) trained on `jobs` threads: the calling thread
// and jobs − 1 pool threads claim units from one shared counter. A unit's training depends only on
// its function and seed (the same f64 kernel on every thread), so every result, and every emitted
// byte, is the same for every `jobs` (tests/compile/jobs.test.ts). Progress of a pool thread's unit
// reaches `onEpoch` when the calling thread next looks (between its own units, or while it waits).
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import { CompileError } from "../../compiler/errors.ts";
import { compileUnit, type UnitResult } from "../../compiler/onn/unit.ts";
import type { EpochStats } from "../../compiler/onn/train.ts";
import { defaultJobs, spawnWorker } from "../../runtime/worker-threads.ts";
import type { UnitTrainJob } from "./unit-jobs.ts";
import type { errorData } from "./unit-worker.ts"; // also keeps the worker side in the CLI bundle

type Message = { progress: number; stats: EpochStats } | { i: number; result: UnitResult } | { error: ReturnType<typeof errorData> };

export function trainUnitsParallel(
  jobs: UnitTrainJob[],
  threads = defaultJobs(),
  onEpoch?: (job: UnitTrainJob, s: EpochStats) => void,
): UnitResult[] {
  const n = Math.max(1, Math.min(threads, jobs.length));
  if (n === 1) return jobs.map((j) => compileUnit(j.spec, j.fn, j.seed, onEpoch && ((s) => onEpoch(j, s))));
  const out: (UnitResult | undefined)[] = new Array(jobs.length);
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  let have = 0;
  const drain = (): void => {
    for (const p of ports)
      for (let m = receiveMessageOnPort(p); m; m = receiveMessageOnPort(p)) {
        const msg = m.message as Message;
        if ("error" in msg) {
          const e = msg.error;
          if (e.code !== undefined) throw new CompileError(e.code, e.message, e.path ?? "", e.hint);
          throw new Error(`internal: a training thread failed: ${e.stack ?? e.message}`);
        }
        if ("progress" in msg) onEpoch?.(jobs[msg.progress]!, msg.stats);
        else {
          out[msg.i] = msg.result;
          have++;
        }
      }
  };
  try {
    for (let i = 1; i < n; i++) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1);
      workers.push(spawnWorker({ units: { jobs, counters }, port: port2 }, port2, new URL("./unit-worker.ts", import.meta.url)));
    }
    for (let i = Atomics.add(counters, 0, 1); i < jobs.length; i = Atomics.add(counters, 0, 1)) {
      const j = jobs[i]!;
      out[i] = compileUnit(j.spec, j.fn, j.seed, onEpoch && ((s) => onEpoch(j, s)));
      have++;
      drain();
    }
    while (have < jobs.length) {
      const seen = Atomics.load(counters, 1);
      drain();
      if (have < jobs.length) Atomics.wait(counters, 1, seen, 100);
    }
  } finally {
    for (const w of workers) void w.terminate();
    for (const p of ports) p.close();
  }
  return out as UnitResult[];
}
