// The command's worker thread gets a heap sized to the machine. A worker inherits V8's default
// old-generation limit (about 4 GB, whatever the memory), and a large layout needs more: the
// trained example's `optinc layout` ran out of heap at 5.6 GB of resident memory on a 24 GB
// machine, an internal error (docs/studies/layout.md §7). A limit the user gives in NODE_OPTIONS
// (--max-old-space-size) stands.
import { totalmem } from "node:os";

/** V8's usual limit on a 64-bit machine with enough memory, MB: never go below it. */
const V8_DEFAULT_MB = 4096;
/** The share of the machine's memory the worker's old generation may take. */
const SHARE = 0.75;

/** The worker's old-generation limit in MB, or undefined to keep the default (the user set one). */
export function workerHeapMb(
  totalBytes: number = totalmem(),
  nodeOptions: string = process.env.NODE_OPTIONS ?? "",
  execArgv: string[] = process.execArgv,
): number | undefined {
  if ([nodeOptions, ...execArgv].some((a) => /--max-old-space-size\b/.test(a))) return undefined;
  return Math.max(V8_DEFAULT_MB, Math.floor((totalBytes / 2 ** 20) * SHARE));
}
