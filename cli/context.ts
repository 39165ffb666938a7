// What every command receives: streams, environment, and the resolved global options.
import type { ChalkInstance } from "chalk";
import type { OutputBroker } from "./files/broker.ts";

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Where file output goes (cli/files/broker.ts); in-process calls default to direct writes. */
  output?: OutputBroker;
}

export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  /** Every detail line; without it a command prints a short summary (the detail is in its files). */
  verbose: boolean;
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
  /** SIGINT (Ctrl-C). */
  interrupted: 130,
  /** SIGTERM. */
  terminated: 143,
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
