// Process entry point (bundled to dist/optinc.mjs). A worker thread loads the same bundle to run
// Monte-Carlo trials (verify/circuit/trial-worker.ts): it must not start the CLI.
import { isMainThread } from "node:worker_threads";
import { main } from "./main.ts";

async function runCli(): Promise<void> {
  process.on("SIGINT", () => process.exit(130));
  // A closed pipe (`optinc … | head`) is the reader's choice, not an error: stop quietly.
  for (const s of [process.stdout, process.stderr]) {
    s.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = code;
}

if (isMainThread) await runCli();
