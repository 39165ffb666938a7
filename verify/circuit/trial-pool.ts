// Monte-Carlo trials on `jobs` threads: the calling thread and jobs − 1 worker threads claim trial
// indices from one shared counter, and the outcomes are put back in trial order. A trial's result
// depends only on (seed, trial) (trial.ts), so the merged result is byte-identical for every
// `jobs`. The API stays synchronous: the caller blocks on Atomics.wait and reads the workers'
// messages with receiveMessageOnPort.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import { runTrial, type TrialJob, type TrialOutcome } from "./trial.ts";
import { defaultJobs, spawnWorker } from "../../runtime/worker-threads.ts";
import "./trial-worker.ts"; // keeps the worker side in the CLI bundle

export function runTrials(job: TrialJob, trials: number, jobs = defaultJobs()): TrialOutcome[] {
  const threads = Math.max(1, Math.min(jobs, trials));
  const out: (TrialOutcome | undefined)[] = new Array(trials);
  if (threads === 1) {
    for (let t = 0; t < trials; t++) out[t] = runTrial(job, t);
    return out as TrialOutcome[];
  }
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  try {
    for (let i = 1; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1);
      workers.push(spawnWorker({ job, trials, counters, port: port2 }, port2, new URL("./trial-worker.ts", import.meta.url)));
    }
    // This thread works too, then collects the workers' outcomes.
    let mine = 0;
    for (let t = Atomics.add(counters, 0, 1); t < trials; t = Atomics.add(counters, 0, 1), mine++) out[t] = runTrial(job, t);
    let have = mine;
    while (have < trials) {
      const seen = Atomics.load(counters, 1);
      for (const p of ports)
        for (let m = receiveMessageOnPort(p); m; m = receiveMessageOnPort(p)) {
          const msg = m.message as { t: number; outcome: TrialOutcome } | { error: string };
          if ("error" in msg) throw new Error(`internal: a Monte-Carlo worker failed: ${msg.error}`);
          out[msg.t] = msg.outcome;
          have++;
        }
      if (have < trials) Atomics.wait(counters, 1, seen, 1000);
    }
  } finally {
    for (const w of workers) void w.terminate();
    for (const p of ports) p.close();
  }
  return out as TrialOutcome[];
}
