// The command side of cli/supervisor.ts: runs main() in the worker thread with streams and an
// output broker that talk to the supervising thread.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { makeBroker, type BrokerOp } from "./files/broker.ts";
import type { Io } from "./context.ts";
import { main } from "./main.ts";
import { poolThreadData } from "../runtime/worker-threads.ts";
import type { WorkerMessage, WorkerSetup } from "./supervisor.ts";

interface Reply {
  t: "reply";
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { message: string; code: string | null };
}

export async function serveWorker(): Promise<void> {
  const port = parentPort!;
  const setup = workerData as WorkerSetup;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  port.on("message", (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(Object.assign(new Error(m.error!.message), m.error!.code ? { code: m.error!.code } : {}));
  });
  const post = (m: WorkerMessage) => port.postMessage(m);
  const send = (op: BrokerOp, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      post({ t: "rpc", id, op, args });
    });
  const io: Io = {
    stdout: { write: (s: string) => post({ t: "out", s }), isTTY: setup.stdoutTTY },
    stderr: { write: (s: string) => post({ t: "err", s }), isTTY: setup.stderrTTY, columns: setup.columns },
    env: setup.env,
    cwd: setup.cwd,
    output: makeBroker(send),
  };
  const code = await main(setup.argv, io);
  post({ t: "done", code });
  port.close();
}

// Started by the supervisor as a worker thread (bundled to dist/optinc-worker.mjs). The same bundle
// is also the main module of pool threads (runtime/worker-threads.ts): not those.
if (!isMainThread && parentPort && poolThreadData() === null) await serveWorker();
