// Every file a command writes goes through an OutputBroker. In a plain in-process call (tests) the
// broker runs the checks and commits directly; in the CLI the command runs in a worker thread and
// its broker forwards each request to the supervising thread (cli/supervisor.ts), which owns the
// filesystem side so that an interrupt can never land in the middle of a commit.
import { checkOutputDir, checkOutputFile, type OutputProblem } from "./validate.ts";
import { commitFile, commitFiles, type FileBody } from "./commit.ts";

export interface OutputBroker {
  checkDir(dir: string, shown: string): Promise<OutputProblem | null>;
  checkFile(file: string, shown: string): Promise<OutputProblem | null>;
  /** All or nothing (cli/files/commit.ts); rejects with the reason on failure, nothing written. */
  commitFiles(dir: string, files: ReadonlyMap<string, FileBody>): Promise<string[]>;
  commitFile(path: string, text: string): Promise<string>;
}

export type BrokerOp = "checkDir" | "checkFile" | "commitFiles" | "commitFile";

/** Run one broker request synchronously (the supervisor's side, and the local broker). */
export function runBrokerOp(op: BrokerOp, args: unknown[]): unknown {
  switch (op) {
    case "checkDir":
      return checkOutputDir(args[0] as string, args[1] as string);
    case "checkFile":
      return checkOutputFile(args[0] as string, args[1] as string);
    case "commitFiles":
      return commitFiles(args[0] as string, new Map(args[1] as [string, FileBody][]));
    case "commitFile":
      return commitFile(args[0] as string, args[1] as string);
  }
}

/**
 * Answer one request a command's worker thread sent its supervising thread (cli/supervisor.ts, and
 * the API's api/run.ts): run it and post the reply. Returns true when the request committed files.
 */
export function answerBrokerRequest(
  m: { id?: number; op?: BrokerOp; args?: unknown[] },
  post: (reply: { t: "reply"; id?: number; ok: boolean; value?: unknown; error?: { message: string; code: string | null } }) => void,
): boolean {
  try {
    const value = runBrokerOp(m.op!, m.args!);
    post({ t: "reply", id: m.id, ok: true, value });
    return m.op === "commitFiles" || m.op === "commitFile";
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    post({ t: "reply", id: m.id, ok: false, error: { message: err.message, code: err.code ?? null } });
    return false;
  }
}

/** A broker that calls `send` for every request (in-process: runBrokerOp itself). */
export function makeBroker(send: (op: BrokerOp, args: unknown[]) => Promise<unknown>): OutputBroker {
  return {
    checkDir: (dir, shown) => send("checkDir", [dir, shown]) as Promise<OutputProblem | null>,
    checkFile: (file, shown) => send("checkFile", [file, shown]) as Promise<OutputProblem | null>,
    commitFiles: (dir, files) => send("commitFiles", [dir, [...files]]) as Promise<string[]>,
    commitFile: (path, text) => send("commitFile", [path, text]) as Promise<string>,
  };
}

export const localBroker: OutputBroker = makeBroker(async (op, args) => runBrokerOp(op, args));
