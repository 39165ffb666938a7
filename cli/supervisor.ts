// The process's main thread: it runs the command in a worker thread and stays responsive, so that
// SIGINT/SIGTERM stop any command within a second, even one deep in a synchronous training or
// simulation loop (a signal handler on the busy thread would only run when the loop ends).
// On a signal it terminates the worker (with any worker threads the command started), prints one
// line and exits 130 (SIGINT) or 143 (SIGTERM). It also performs every file write on the command's
// behalf (cli/files/broker.ts): a commit runs synchronously here, so a signal is handled before or
// after it, never during it, and an interrupted command leaves the output directory as it was.
import { Worker } from "node:worker_threads";
import { answerBrokerRequest, type BrokerOp } from "./files/broker.ts";
import { EXIT } from "./context.ts";
import { envelopeForFailure, jsonRequested } from "./envelope.ts";
import { IO } from "../codes/catalogue.ts";
import { workerHeapMb } from "./worker-heap.ts";

export interface WorkerMessage {
  t: "out" | "err" | "rpc" | "done";
  s?: string;
  id?: number;
  op?: BrokerOp;
  args?: unknown[];
  code?: number;
}

export interface WorkerSetup {
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdoutTTY: boolean;
  stderrTTY: boolean;
  columns: number | undefined;
}

/** Write unless the reader has closed the stream (cli/bin.ts destroys it on EPIPE). */
function write(stream: NodeJS.WriteStream, s: string): void {
  if (!stream.destroyed && stream.writable) stream.write(s);
}

const SIGNAL_EXIT = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated } as const;
/** After the output is committed the command only prints its summary: give it this long. */
const FINISH_GRACE_MS = 1000;
/** After a signal, the longest wait for the worker to end before the process exits regardless. */
const EXIT_GRACE_MS = 300;

export function supervise(entry: URL, argv: string[]): void {
  const setup: WorkerSetup = {
    argv,
    env: { ...process.env },
    cwd: process.cwd(),
    stdoutTTY: Boolean(process.stdout.isTTY),
    stderrTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns,
  };
  const heap = workerHeapMb();
  const worker = new Worker(entry, { workerData: setup, ...(heap ? { resourceLimits: { maxOldGenerationSizeMb: heap } } : {}) });
  let finished = false;
  let committed = false;
  let code: number | null = null;
  let wroteStdout = false;

  const stop = (exitCode: number, line: string, sig?: keyof typeof SIGNAL_EXIT): void => {
    if (finished) return;
    finished = true;
    void worker.terminate();
    write(process.stderr, `${line}\n`);
    if (jsonRequested(argv) && !wroteStdout) write(process.stdout, envelopeForFailure(argv, IO.interrupted, line.replace(/^optinc: /, "")));
    process.exitCode = exitCode;
    // A worker blocked in a read the kernel does not interrupt (a FIFO nobody writes) never finishes
    // terminating, and process.exit waits for it. After a signal the process re-raises it with the
    // default action instead: the kernel ends it, and the shell sees 130 (SIGINT) or 143 (SIGTERM).
    setTimeout(() => {
      if (!sig) process.exit(exitCode);
      process.removeAllListeners(sig);
      process.kill(process.pid, sig);
    }, EXIT_GRACE_MS).unref();
  };

  const onSignal = (sig: keyof typeof SIGNAL_EXIT): void => {
    if (finished) return;
    const line = `optinc: interrupted by ${sig}; nothing was written`;
    if (committed) {
      // The output is complete and in place; let the command print its summary and end.
      setTimeout(() => stop(SIGNAL_EXIT[sig], `optinc: interrupted by ${sig} after the output was written`, sig), FINISH_GRACE_MS).unref();
      return;
    }
    stop(SIGNAL_EXIT[sig], line, sig);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  worker.on("message", (m: WorkerMessage) => {
    if (finished) return;
    if (m.t === "out") {
      wroteStdout = true;
      write(process.stdout, m.s!);
    } else if (m.t === "err") write(process.stderr, m.s!);
    else if (m.t === "done") code = m.code!;
    else if (m.t === "rpc") {
      if (answerBrokerRequest(m, (reply) => worker.postMessage(reply))) committed = true;
    }
  });
  worker.on("error", (e) => {
    if (finished) return;
    stop(EXIT.internal, `optinc: internal error (this is a bug in optinc, not in your input): ${e.message}`);
    if (process.env.OPTINC_DEBUG) write(process.stderr, `${e.stack ?? ""}\n`);
  });
  worker.on("exit", (workerCode) => {
    if (finished) return;
    finished = true;
    process.exitCode = code ?? (workerCode === 0 ? EXIT.ok : EXIT.internal);
  });
}
