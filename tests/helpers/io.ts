// In-memory streams for in-process CLI tests.
import type { Io } from "../../cli/context.ts";

export interface MemoryIo extends Io {
  out(): string;
  err(): string;
}

export function memoryIo(env: Record<string, string> = { NO_COLOR: "1" }, cwd = process.cwd()): MemoryIo {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
