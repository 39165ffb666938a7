// `optinc allreduce`'s files. It reads --netlist (and the compile directory around it), --spec and a
// --layers file, and writes --chart and --astra: like every command, the outputs are checked before
// any work (never over an input, cli/files/guard.ts) and committed all or nothing through the broker.
import { basename, dirname, resolve } from "node:path";
import type { CommandContext } from "./context.ts";
import type { CommandOutput } from "./output.ts";
import type { FileBody } from "./files/commit.ts";
import { readsTarget } from "./circuit-input.ts";
import { layersFile } from "./allreduce-workload.ts";

export interface AllreduceFileFlags {
  netlist?: string;
  spec?: string;
  layers?: string;
  chart?: string;
  astra?: string;
}

/** An output as resolved (`path`) and as typed (`shown`). */
export interface OutputPath {
  path: string;
  shown: string;
}

/** Declare the inputs and check --chart and --astra; null when an output was refused (reported, exit 2). */
export async function checkAllreduceFiles(
  ctx: CommandContext,
  out: CommandOutput,
  flags: AllreduceFileFlags,
): Promise<{ chart?: OutputPath; astra?: OutputPath } | null> {
  const cwd = ctx.io.cwd;
  if (flags.netlist !== undefined) readsTarget(ctx, out, flags.netlist);
  if (flags.spec !== undefined) out.reads(flags.spec, "--spec");
  if (flags.layers !== undefined && layersFile(flags.layers, cwd) !== undefined) out.reads(flags.layers, "--layers");
  const chart = flags.chart === undefined ? undefined : { path: resolve(cwd, flags.chart), shown: flags.chart };
  const astra = flags.astra === undefined ? undefined : { path: resolve(cwd, flags.astra), shown: flags.astra };
  if (chart && !(await out.checkOutput("file", chart.path, chart.shown, "--chart"))) return null;
  if (astra && !(await out.checkOutput("dir", astra.path, astra.shown, "--astra"))) return null;
  return { ...(chart ? { chart } : {}), ...(astra ? { astra } : {}) };
}

/**
 * Write the ASTRA-sim files into their directory and the chart beside its name: one commit per
 * directory (a chart inside the --astra directory joins its commit). False when a commit failed.
 */
export async function commitAllreduceFiles(
  out: CommandOutput,
  astra: (OutputPath & { files: Record<string, string> }) | undefined,
  chart: (OutputPath & { svg: string }) | undefined,
): Promise<boolean> {
  const sets = new Map<string, { shown: string; flag: string; files: Map<string, FileBody> }>();
  if (astra) sets.set(astra.path, { shown: astra.shown, flag: "--astra", files: new Map(Object.entries(astra.files)) });
  if (chart) {
    const dir = dirname(chart.path);
    const set = sets.get(dir) ?? { shown: dirname(chart.shown) || ".", flag: "--chart", files: new Map<string, FileBody>() };
    set.files.set(basename(chart.path), chart.svg);
    sets.set(dir, set);
  }
  for (const [dir, { shown, flag, files }] of sets) if (!(await out.commit(dir, files, shown, flag))) return false;
  return true;
}
