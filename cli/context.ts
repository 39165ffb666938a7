// What every command receives: streams, environment, and the resolved global options.
import type { ChalkInstance } from "chalk";

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  color: ChalkInstance;
}

/** Exit codes; documented in README.md. Keep stable. */
export const EXIT = {
  ok: 0,
  /** The spec has errors, or a verification threshold failed. */
  failure: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** A bug in optinc (the message says so). */
  internal: 70,
  interrupted: 130,
} as const;

export interface CommandContext {
  io: Io;
  /** Global options, resolved when the command's action runs. */
  globals(): GlobalOptions;
  /** Record the process exit code of the running command. */
  setExit(code: number): void;
}

/** A command module registers exactly one sub-command on the program. */
export type RegisterCommand = (program: import("commander").Command, ctx: CommandContext) => void;
