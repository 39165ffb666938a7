// Pool threads: the worker threads of every job pool (verify/circuit's Monte-Carlo trials and
// verification cases, pipeline/'s unit training). A pool thread loads the same code as its
// parent: the CLI bundle itself, or the TypeScript source through tsx under the test runner; the
// job's own worker module then serves the job it was given. Every pool thread's workerData carries
// the POOL_THREAD flag, so that a bundle loaded as a pool thread's main module serves its job and
// does not start the CLI (cli/worker-entry.ts).
import { availableParallelism } from "node:os";
import { isMainThread, MessageChannel, receiveMessageOnPort, Worker, workerData, type MessagePort } from "node:worker_threads";

/** The workerData key that marks a pool thread. */
export const POOL_THREAD = "optincPoolThread";

/**
 * Default thread count: OPTINC_JOBS when it is an integer in 1..256, else the machine's cores. The
 * test runner sets it to 1: its two processes already keep both cores busy, and a pool thread
 * started from source loads the TypeScript anew (the pool tests ask for threads explicitly).
 */
export function defaultJobs(): number {
  const env = Number(process.env.OPTINC_JOBS);
  if (Number.isInteger(env) && env >= 1 && env <= 256) return env;
  return Math.max(1, availableParallelism());
}

/**
 * Start a pool thread on `data` (plus the POOL_THREAD flag); `port` (in data) is transferred.
 * `entry` is the module that serves the job when running from source (the bundle contains every
 * server).
 */
export function spawnWorker(data: object, port: MessagePort, entry: URL): Worker {
  const workerData = { ...data, [POOL_THREAD]: true };
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL(here), { workerData, transferList: [port] });
  const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData, transferList: [port] });
}

/** This thread's job data when it is a pool thread (fields unchecked), else null. */
export function poolThreadData<T extends object>(): Partial<T> | null {
  if (isMainThread) return null;
  const d = workerData as Record<string, unknown> | null;
  return d?.[POOL_THREAD] === true ? (d as Partial<T>) : null;
}

/**
 * A pool thread's loop: claim indices from `counters[0]` until `total`, post `{ [key]: i, result }`
 * for each, and count it in `counters[1]` (the calling thread waits on that). An error is posted
 * as `{ error }` and counted too, so the caller never waits for a result that will not come.
 */
export function serveClaimed(counters: Int32Array, total: number, port: MessagePort, one: (i: number) => object, key = "i"): void {
  const posted = (): void => {
    Atomics.add(counters, 1, 1);
    Atomics.notify(counters, 1);
  };
  try {
    for (let i = Atomics.add(counters, 0, 1); i < total; i = Atomics.add(counters, 0, 1)) {
      port.postMessage({ [key]: i, ...one(i) });
      posted();
    }
  } catch (e) {
    port.postMessage({ error: (e as Error).stack ?? String(e) });
    posted();
  }
  port.close();
}

/** How a caller of a claimed-index pool runs it (each pool names its own default for afterMs). */
export interface ClaimedPoolOptions {
  /** Threads, the calling one included (default: the core count). */
  jobs?: number | undefined;
  /** Time on indices in the calling thread before pool threads start (default: the pool's own). */
  afterMs?: number;
  /** false: once pool threads start, the calling thread only collects (tests use it to make them work). */
  callerWorks?: boolean;
}

/** A pool whose threads serve claimed indices (serveClaimed with `key` "i", each result under `result`). */
export interface ClaimedPool<R> {
  /** Indices 0 … total − 1. */
  total: number;
  /** Threads, the calling one included. */
  jobs: number;
  /** Time on indices in the calling thread before pool threads start (0: before the first). */
  afterMs: number;
  /** false: once pool threads start, the calling thread only collects (tests use it to make them work). */
  callerWorks?: boolean | undefined;
  /** The calling thread's own work on index i. */
  one: (i: number) => R;
  /** Start a pool thread on the shared counters, posting to `port`. */
  spawn: (counters: Int32Array, port: MessagePort) => Worker;
  /** What the threads compute, for the error a failed thread raises. */
  what: string;
}

/**
 * Indices claimed from one shared counter by the calling thread and by up to jobs − 1 pool threads
 * started once the calling thread has spent `afterMs` (checked before each claim), the results put
 * back in index order: the same for every thread count when a result depends on its index alone.
 * Synchronous: the caller blocks on Atomics.wait and reads messages with receiveMessageOnPort.
 */
export function runClaimed<R>(p: ClaimedPool<R>): R[] {
  const out: (R | undefined)[] = new Array(p.total);
  // [next index to claim, results posted by pool threads]
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  let have = 0;
  const drain = (): void => {
    for (const port of ports)
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const msg = m.message as { i: number; result: R } | { error: string };
        if ("error" in msg) throw new Error(`internal: a ${p.what} thread failed: ${msg.error}`);
        out[msg.i] = msg.result;
        have++;
      }
  };
  try {
    const t0 = performance.now();
    for (let i = Atomics.add(counters, 0, 1); i < p.total; i = Atomics.add(counters, 0, 1)) {
      const left = p.total - i - 1;
      if (workers.length === 0 && p.jobs > 1 && left > 0 && performance.now() - t0 >= p.afterMs)
        for (let w = 1; w < Math.min(p.jobs, left + 1); w++) {
          const { port1, port2 } = new MessageChannel();
          ports.push(port1);
          workers.push(p.spawn(counters, port2));
        }
      out[i] = p.one(i);
      have++;
      drain();
      if (workers.length > 0 && p.callerWorks === false) break;
    }
    while (have < p.total) {
      const seen = Atomics.load(counters, 1);
      drain();
      if (have < p.total) Atomics.wait(counters, 1, seen, 1000);
    }
  } finally {
    for (const w of workers) void w.terminate();
    for (const port of ports) port.close();
  }
  return out as R[];
}
