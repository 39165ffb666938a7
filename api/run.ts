// Runs one command as the CLI does, in a worker thread, and hands back its --json result: the
// command's own code (cli/commands/) parses the options, reads the inputs, reports diagnostics and
// builds the result, so the API's result is the CLI's by construction. The thread is the
// cancellation: an AbortSignal terminates it, even inside a synchronous training or simulation
// loop. Every file the command writes is committed here, on the calling thread, all or nothing
// (cli/files/broker.ts), as the CLI's supervising thread does: an aborted call writes nothing.
import { Worker } from "node:worker_threads";
import { answerBrokerRequest } from "../cli/files/broker.ts";
import type { WorkerMessage, WorkerSetup } from "../cli/supervisor.ts";
import { workerHeapMb } from "../cli/worker-heap.ts";
import { IO } from "../codes/catalogue.ts";
import { argvOf, type ApiCommand } from "./argv.ts";
import { OptincError, type Diagnostic } from "./errors.ts";
import type { RunOptions } from "./types.ts";

/** The command bundle: beside this one when bundled (dist/index.mjs), the built one from source. */
function workerEntry(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith(".ts") ? "../dist/optinc-worker.mjs" : "./optinc-worker.mjs", here);
}

interface Envelope {
  ok: boolean;
  command: string;
  diagnostics: Diagnostic[];
  result: unknown;
}

const EXIT_INTERRUPTED = 130;
const EXIT_INTERNAL = 70;

function failure(command: string, exitCode: number, code: string, message: string, hint?: string): OptincError {
  return new OptincError(command, exitCode, [{ code, severity: "error", message, ...(hint ? { hint } : {}) }]);
}

/** Run `command` with `options`; resolves to its result, or rejects with an OptincError. */
export function runCommand<R>(command: ApiCommand, options: RunOptions): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let argv: string[];
    try {
      if (options === null || typeof options !== "object") throw failure(command, 2, IO.usage, "the options must be an object");
      argv = ["--json", ...argvOf(command, options as Readonly<Record<string, unknown>>)];
    } catch (e) {
      return reject(e);
    }
    const signal = options.signal;
    if (signal?.aborted)
      return reject(failure(command, EXIT_INTERRUPTED, IO.interrupted, "aborted before it started; nothing was written"));
    const env = { ...process.env, ...(options.env ?? {}) };
    const setup: WorkerSetup = {
      argv,
      env,
      cwd: options.cwd ?? process.cwd(),
      stdoutTTY: false,
      stderrTTY: false,
      columns: undefined,
    };
    const heap = workerHeapMb();
    const worker = new Worker(workerEntry(), {
      workerData: setup,
      env,
      ...(heap ? { resourceLimits: { maxOldGenerationSizeMb: heap } } : {}),
    });
    let stdout = "";
    let code: number | null = null;
    let committed = false;
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      f();
    };
    const onAbort = (): void =>
      settle(() => {
        void worker.terminate();
        const what = committed ? "aborted after its output was written" : "aborted; nothing was written";
        reject(failure(command, EXIT_INTERRUPTED, IO.interrupted, what));
      });
    signal?.addEventListener("abort", onAbort, { once: true });

    worker.on("message", (m: WorkerMessage) => {
      if (settled) return;
      if (m.t === "out") stdout += m.s!;
      else if (m.t === "err") options.onStderr?.(m.s!);
      else if (m.t === "done") code = m.code!;
      else if (m.t === "rpc") {
        if (answerBrokerRequest(m, (reply) => worker.postMessage(reply))) committed = true;
      }
    });
    worker.on("error", (e) =>
      settle(() =>
        reject(failure(command, EXIT_INTERNAL, IO.internal, `internal error (this is a bug in optinc, not in your input): ${e.message}`)),
      ),
    );
    worker.on("exit", () =>
      settle(() => {
        let env: Envelope;
        try {
          env = JSON.parse(stdout) as Envelope;
        } catch {
          return reject(
            failure(
              command,
              EXIT_INTERNAL,
              IO.internal,
              "internal error (this is a bug in optinc, not in your input): the command printed no result",
            ),
          );
        }
        if (env.ok && code === 0) resolve(env.result as R);
        else reject(new OptincError(env.command, code ?? EXIT_INTERNAL, env.diagnostics, env.result ?? null));
      }),
    );
  });
}
