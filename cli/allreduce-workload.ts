// `optinc allreduce`'s workload flags: a preset (--workload), a user's own model (--parameters,
// --compute-time, --layers), a spec's workload block (--spec), and --iterations / --chart.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidArgumentError } from "commander";
import type { LayerShape } from "../dsl/presets.ts";
import type { WorkloadSpec } from "../dsl/spec.ts";
import { customWorkload, parseLayers, presetWorkload } from "../system/workload.ts";
import { integer, quantity } from "./option-parsers.ts";
import { notText } from "../math/not-text.ts";
import { readInputTextSync } from "../runtime/input-file.ts";
import { VerifyInputError } from "../verify/circuit/load.ts";

/** Largest --layers JSON file read (a model of 10,000 layers takes under 1 MB). */
export const LAYERS_BYTES_MAX = 4 * 1024 * 1024;

/** A --layers JSON file's text, through the one input reader (a FIFO or /dev/zero is refused unread). */
function readLayersFile(shown: string, path: string): string {
  const r = readInputTextSync(path, LAYERS_BYTES_MAX);
  if ("text" in r) return r.text;
  const bad = notText(shown, `--layers: ${shown}`, r);
  if (bad) throw new VerifyInputError(bad.code, bad.message, 2, bad.hint, bad.where);
  throw new InvalidArgumentError(`--layers: cannot read ${shown} (${r.error})`);
}

export interface WorkloadFlags {
  workload?: string;
  parameters?: string;
  computeTime?: string;
  layers?: string;
  spec?: string;
  iterations?: string;
}

export interface WorkloadChoice {
  workload?: string | WorkloadSpec;
  layers?: LayerShape[];
  spec?: string;
  iterations?: number;
}

/** The file --layers names (a .json path that exists), or undefined when it is the list itself. */
export function layersFile(layers: string, cwd: string): string | undefined {
  const path = resolve(cwd, layers);
  return layers.endsWith(".json") && existsSync(path) ? path : undefined;
}

/** The workload options, or InvalidArgumentError naming the flag that is wrong. */
export function workloadOptions(flags: WorkloadFlags, cwd: string): WorkloadChoice {
  const out: WorkloadChoice = {};
  if (flags.layers !== undefined) {
    const file = layersFile(flags.layers, cwd);
    const text = file !== undefined ? readLayersFile(flags.layers, file) : flags.layers;
    try {
      out.layers = parseLayers(text);
    } catch (e) {
      throw new InvalidArgumentError(`--layers: ${(e as Error).message} (write name:parameters[:flops],… or a JSON file)`);
    }
  }
  const layerParams = out.layers?.reduce((a, l) => a + l.parameters, 0);
  const params = flags.parameters === undefined ? layerParams : count("--parameters", flags.parameters);
  if (layerParams !== undefined && params !== layerParams)
    throw new InvalidArgumentError(`--parameters: ${params} differs from the ${layerParams} parameters of --layers; drop one`);
  const compute = flags.computeTime === undefined ? undefined : quantity("--compute-time", "time")(flags.computeTime);
  if (flags.workload !== undefined && params !== undefined)
    throw new InvalidArgumentError("--workload names a preset; --parameters/--layers describe your own model: use one or the other");
  if (flags.spec !== undefined && (flags.workload !== undefined || params !== undefined))
    throw new InvalidArgumentError("--spec brings its own workload block; drop --workload, --parameters and --layers");
  if (params !== undefined) {
    if (compute === undefined)
      throw new InvalidArgumentError("--parameters/--layers need --compute-time (compute per iteration, e.g. 120ms)");
    out.workload = customWorkload(params, compute);
  } else if (flags.workload !== undefined) {
    out.workload = compute === undefined ? flags.workload : withCompute(flags.workload, compute);
  } else if (compute !== undefined && flags.spec === undefined) {
    throw new InvalidArgumentError("--compute-time needs a model: --workload, --parameters or --layers");
  }
  if (flags.spec !== undefined) out.spec = flags.spec;
  if (flags.iterations !== undefined) out.iterations = integer("--iterations", 1, 1e12)(flags.iterations);
  return out;
}

function count(flag: string, v: string): number {
  const x = Number(v.replace(/_/g, ""));
  if (!(Number.isInteger(x) && x >= 1 && x <= 1e13))
    throw new InvalidArgumentError(`${flag}: "${v}" is not a whole number of parameters (1…1e13)`);
  return x;
}

function withCompute(preset: string, compute: number): WorkloadSpec {
  try {
    return { ...presetWorkload(preset), computeTime: compute, flopsPerStep: null };
  } catch (e) {
    throw new InvalidArgumentError(`--workload: ${(e as Error).message}`);
  }
}
