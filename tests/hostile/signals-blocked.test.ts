// A command whose worker is stuck in a read the kernel does not interrupt (a FIFO nobody writes)
// still ends within a second of Ctrl-C or SIGTERM. No optinc input reaches such a read today
// (runtime/input-file.ts refuses FIFOs unread), so the worker here is planted: the supervisor of
// cli/supervisor.ts runs a worker that opens a FIFO and blocks. process.exit would wait for that
// worker forever; the supervisor re-raises the signal instead, so the process dies by it (the
// shell's 130 or 143) after printing its line.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "optinc-blocked-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function blockedRun(
  sig: "SIGINT" | "SIGTERM",
): Promise<{ signal: NodeJS.Signals | null; code: number | null; ms: number; stderr: string }> {
  const fifo = join(dir, `${sig}.fifo`);
  execFileSync("mkfifo", [fifo]);
  const worker = join(dir, `${sig}-worker.mjs`);
  writeFileSync(
    worker,
    `import { readFileSync } from "node:fs";\nimport { parentPort } from "node:worker_threads";\nparentPort.postMessage({ t: "err", s: "blocked\\n" });\nreadFileSync(${JSON.stringify(fifo)});\n`,
  );
  const driver = join(dir, `${sig}-driver.ts`);
  writeFileSync(
    driver,
    `import { supervise } from ${JSON.stringify(pathToFileURL(join(ROOT, "cli/supervisor.ts")).href)};\nsupervise(new URL(${JSON.stringify(pathToFileURL(worker).href)}), []);\n`,
  );
  const child = spawn(process.execPath, ["--import", "tsx", driver], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  let sentAt = 0;
  return new Promise((resolve) => {
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      if (!sentAt && stderr.includes("blocked")) {
        // Let the worker enter its read before the signal.
        setTimeout(() => {
          sentAt = performance.now();
          child.kill(sig);
        }, 200);
      }
    });
    const guard = setTimeout(() => child.kill("SIGKILL"), 8000);
    child.on("exit", (code, signal) => {
      clearTimeout(guard);
      resolve({ signal, code, ms: sentAt ? performance.now() - sentAt : Number.POSITIVE_INFINITY, stderr });
    });
  });
}

describe("a worker stuck in a blocking read", () => {
  for (const sig of ["SIGINT", "SIGTERM"] as const)
    it(`${sig}: the process ends by the signal within 1 s, with its line`, async () => {
      const r = await blockedRun(sig);
      expect(r.stderr).toContain(`optinc: interrupted by ${sig}; nothing was written`);
      expect(r.signal, r.stderr).toBe(sig);
      expect(r.ms).toBeLessThan(1000);
    }, 15_000);
});
