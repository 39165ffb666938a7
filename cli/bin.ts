// Process entry point (bundled to dist/optinc.mjs): the main thread supervises (signals, file
// commits) and runs the command in a worker thread (dist/optinc-worker.mjs; cli/supervisor.ts).
import { supervise } from "./supervisor.ts";

{
  // A closed pipe (`optinc … | head`) is the reader's choice, not an error: stop writing to that
  // stream and let the command finish, so the process still exits with the status it reached
  // (`set -o pipefail` in a CI script sees a failure even when the reader has gone).
  for (const s of [process.stdout, process.stderr]) {
    s.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") {
        s.destroy();
        return;
      }
      throw e;
    });
  }
  // Bundled: dist/optinc-worker.mjs beside this file; from source (tsx): cli/worker-entry.ts.
  const worker = new URL(import.meta.url.endsWith(".ts") ? "./worker-entry.ts" : "./optinc-worker.mjs", import.meta.url);
  supervise(worker, process.argv.slice(2));
}
