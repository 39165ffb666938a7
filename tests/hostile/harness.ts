// Runs the real CLI bundle as a child process, as a CI job would, and measures what the hostile
// suite asserts: exit code, stdout/stderr size, wall time, peak memory (VmHWM from /proc, polled),
// and the byte-for-byte state of output directories before and after.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

export const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/optinc.mjs");

/** The bounds every invocation must respect (the acceptance list). */
export const LIMITS = { ms: 10_000, outputBytes: 1024 * 1024, rssKb: 1024 * 1024 } as const;
export const EXIT_CODES = [0, 1, 2, 130, 143];

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** From the signal (when one was sent) to exit. */
  msAfterSignal: number | null;
  peakRssKb: number;
  /** Output beyond LIMITS.outputBytes was cut (the child was killed). */
  overflow: boolean;
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Send this signal … */
  signal?: NodeJS.Signals;
  /** … this long after spawn, or after `afterStderr` appears, or once the process has used
   * `afterCpuMs` of CPU time (then `ms` after that). A load-proof "in the middle of": on a loaded
   * machine a process may not have started its work a fixed time after spawn. */
  signalAfterMs?: number;
  afterStderr?: string;
  afterCpuMs?: number;
  /** Run as this user id (tests of unwritable directories when running as root). */
  uid?: number;
}

/** CPU time (user + system) the process has used so far, ms (Linux /proc; 0 when unreadable). */
function cpuMs(pid: number): number {
  try {
    // fields after the command name's closing parenthesis: utime and stime are the 12th and 13th
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // USER_HZ = 100 on Linux
  } catch {
    return 0;
  }
}

function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * The same command through `main` in this process: for cases about what the CLI accepts (option
 * ranges, spec values), where a child process adds only its start-up (about 0.3 s). What needs a
 * real process (exit on a signal, a closed pipe, peak memory) stays with `optinc` above.
 */
export async function optincInProcess(args: string[], o: { cwd: string }): Promise<Run> {
  const { main } = await import("../../cli/main.ts");
  const { memoryIo } = await import("../helpers/io.ts");
  const io = memoryIo({ NO_COLOR: "1" }, o.cwd);
  const started = performance.now();
  const code = await main(args, io);
  const ms = performance.now() - started;
  return {
    code,
    signal: null,
    stdout: io.out(),
    stderr: io.err(),
    ms,
    msAfterSignal: null,
    peakRssKb: 0,
    overflow: false,
    timedOut: false,
  };
}

export function optinc(args: string[], o: RunOptions): Promise<Run> {
  const { PATH, HOME } = process.env;
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: o.cwd,
    env: { PATH: PATH ?? "", HOME: HOME ?? "", NO_COLOR: "1", ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(o.uid !== undefined ? { uid: o.uid, gid: o.uid } : {}),
  });
  const run: Run = {
    code: null,
    signal: null,
    stdout: "",
    stderr: "",
    ms: 0,
    msAfterSignal: null,
    peakRssKb: 0,
    overflow: false,
    timedOut: false,
  };
  let signalledAt: number | null = null;
  const sendSignal = () => {
    if (signalledAt !== null || run.code !== null) return;
    signalledAt = performance.now();
    child.kill(o.signal);
  };
  const collect = (key: "stdout" | "stderr") => (chunk: Buffer) => {
    if (run[key].length + chunk.length > LIMITS.outputBytes) {
      run.overflow = true;
      child.kill("SIGKILL");
      return;
    }
    run[key] += chunk.toString("utf8");
    if (key === "stderr" && o.signal && o.afterStderr && run.stderr.includes(o.afterStderr)) setTimeout(sendSignal, o.signalAfterMs ?? 0);
  };
  child.stdout!.on("data", collect("stdout"));
  child.stderr!.on("data", collect("stderr"));
  if (o.signal && !o.afterStderr && o.afterCpuMs === undefined) setTimeout(sendSignal, o.signalAfterMs ?? 0);
  let cpuReached = false;
  const poll = setInterval(() => {
    if (!child.pid) return;
    run.peakRssKb = Math.max(run.peakRssKb, peakRss(child.pid));
    if (o.signal && o.afterCpuMs !== undefined && !cpuReached && cpuMs(child.pid) >= o.afterCpuMs) {
      cpuReached = true;
      setTimeout(sendSignal, o.signalAfterMs ?? 0);
    }
  }, 20);
  const killer = setTimeout(() => {
    run.timedOut = true;
    child.kill("SIGKILL");
  }, LIMITS.ms + 5_000);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearInterval(poll);
      clearTimeout(killer);
      // A signal that arrives before Node has run any of optinc (the first ~50 ms) takes the
      // default action: death by that signal, which a shell reports as 128 + signo, the same
      // 130/143 the handlers exit with. Only signals the harness sent are mapped.
      const bySignal = signal !== null && signal === o.signal ? { SIGINT: 130, SIGTERM: 143 }[signal as "SIGINT" | "SIGTERM"] : undefined;
      run.code = code ?? bySignal ?? null;
      run.signal = signal;
      run.ms = performance.now() - started;
      if (signalledAt !== null) run.msAfterSignal = performance.now() - signalledAt;
      resolve(run);
    });
  });
}

const STACK = /^\s+at .+:\d+:\d+\)?$/m;
const INTERNAL = /internal error|Maximum call stack|FATAL ERROR|Invalid string length|heap out of memory|ERR_WORKER/;

/** The acceptance invariants of every hostile invocation. */
export function expectSane(r: Run, what: string): void {
  const ctx = `${what}\n--- stderr ---\n${r.stderr.slice(0, 2000)}`;
  expect(r.timedOut, ctx).toBe(false);
  expect(r.overflow, ctx).toBe(false);
  expect(EXIT_CODES, ctx).toContain(r.code);
  expect(r.stderr, ctx).not.toMatch(STACK);
  expect(r.stdout, ctx).not.toMatch(STACK);
  expect(r.stderr, ctx).not.toMatch(INTERNAL);
  expect(r.stdout.length + r.stderr.length, ctx).toBeLessThanOrEqual(LIMITS.outputBytes);
  expect(r.ms, ctx).toBeLessThanOrEqual(LIMITS.ms);
  expect(r.peakRssKb, ctx).toBeLessThanOrEqual(LIMITS.rssKb);
}

/** Every entry under `dir` (hidden ones included): type, mode and content hash, sorted. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      out.push(`${rel || "."}: missing`);
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`${r}/ ${(st.mode & 0o777).toString(8)}`);
        walk(p, r);
      } else if (!st.isFile())
        out.push(`${r} ${st.isFIFO() ? "fifo" : "special"}`); // never read: a FIFO would block
      else out.push(`${r} ${(st.mode & 0o777).toString(8)} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`);
    }
  };
  walk(dir, "");
  return out;
}

/** The one JSON document of a --json run. */
export function envelope(r: Run): {
  schemaVersion: number;
  ok: boolean;
  command: string;
  diagnostics: { code: string; severity: string; message: string }[];
  result: unknown;
} {
  return JSON.parse(r.stdout);
}

/** Run `jobs` at most `width` at a time (independent invocations share the 2 cores). */
export async function inParallel<T>(jobs: (() => Promise<T>)[], width = 4): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}
