// Threads of the trial and case pools. A worker loads the same code as its parent: the CLI bundle
// itself (whose entry sees `optincTrialWorker` and does not start the CLI), or the TypeScript
// source through tsx under the test runner; trial-worker.ts then serves the job it was given.
import { availableParallelism } from "node:os";
import { Worker, type MessagePort } from "node:worker_threads";

/** Default thread count: the machine's cores. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/**
 * `data` carries `optincTrialWorker: true` and the job; `port` (in data) is transferred. `entry` is
 * the module that serves the job when running from source (the bundle contains every server).
 */
export function spawnWorker(data: object, port: MessagePort, entry: URL = new URL("./trial-worker.ts", import.meta.url)): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL(here), { workerData: data, transferList: [port] });
  const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData: data, transferList: [port] });
}
