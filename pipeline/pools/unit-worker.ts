// The worker side of unit-pool.ts: loaded as a pool thread's main module (the CLI bundle, or this
// file under tsx), it trains the units it claims from a shared counter and posts each result, and
// its progress, to the calling thread. In the main thread it does nothing.
import type { MessagePort } from "node:worker_threads";
import { poolThreadData } from "../../runtime/worker-threads.ts";
import { CompileError } from "../../compiler/errors.ts";
import { compileUnit } from "../../compiler/onn/unit.ts";
import type { UnitTrainJob } from "./unit-jobs.ts";

export interface UnitWorkerData {
  units: { jobs: UnitTrainJob[]; counters: Int32Array };
  port: MessagePort;
}

/** A thrown error as plain data (a CompileError keeps its code, spec path and hint). */
export function errorData(e: unknown): { message: string; stack?: string; code?: string; path?: string; hint?: string } {
  if (e instanceof CompileError)
    return { message: e.message, code: e.code, path: e.path, ...(e.hint !== undefined ? { hint: e.hint } : {}) };
  return { message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack ?? String(e) };
}

function serve(d: UnitWorkerData): void {
  const { jobs, counters } = d.units;
  try {
    for (let i = Atomics.add(counters, 0, 1); i < jobs.length; i = Atomics.add(counters, 0, 1)) {
      const j = jobs[i]!;
      const result = compileUnit(j.spec, j.fn, j.seed, (stats) => d.port.postMessage({ progress: i, stats }));
      d.port.postMessage({ i, result });
      Atomics.add(counters, 1, 1);
      Atomics.notify(counters, 1);
    }
  } catch (e) {
    d.port.postMessage({ error: errorData(e) });
    Atomics.add(counters, 1, 1);
    Atomics.notify(counters, 1);
  }
  d.port.close();
}

const data = poolThreadData<UnitWorkerData>();
if (data?.units) serve(data as UnitWorkerData);
