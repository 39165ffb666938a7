// A user's own workload: the spec's `workload` block, a preset, or parameters + compute time
// (+ an optional layer list), turned into the WorkloadSpec and layer list the iteration model
// uses. A workload without a layer list gets UNIFORM_LAYERS equal layers [assumption: parameters
// and FLOPs spread evenly over backward], so bucketed overlap applies to every workload.
import { FP32_BYTES, PRESETS, vgg19Layers, type LayerShape } from "../dsl/presets.ts";
import type { WorkloadSpec } from "../dsl/spec.ts";

/** Layers assumed when a workload gives none (about ResNet-50's 54 weight layers). */
export const UNIFORM_LAYERS = 50;

/** A workload from its parameter count and compute time per iteration (fp32 gradients). */
export function customWorkload(parameters: number, computeTime: number, name: string | null = null): WorkloadSpec {
  if (!(Number.isFinite(parameters) && parameters >= 1)) throw new Error(`parameters must be at least 1, got ${parameters}`);
  if (!(Number.isFinite(computeTime) && computeTime >= 0)) throw new Error(`compute time must be ≥ 0 s, got ${computeTime}`);
  return {
    preset: name,
    parameters,
    gradientBytes: FP32_BYTES * parameters,
    computeTime,
    flopsPerStep: null,
    peakFlops: 0,
    efficiency: 0,
  };
}

/** `count` equal layers holding `parameters` in all, equal FLOPs each. */
export function uniformLayers(parameters: number, count = UNIFORM_LAYERS): LayerShape[] {
  const n = Math.max(1, Math.min(count, Math.floor(parameters)));
  const each = Math.floor(parameters / n);
  return Array.from({ length: n }, (_, i) => ({
    name: `layer${i + 1}`,
    parameters: i === n - 1 ? parameters - each * (n - 1) : each,
    forwardFlops: 1,
  }));
}

/**
 * A layer list written `name:parameters[:forwardFlops],…` in forward order (FLOPs default to the
 * parameter count: FLOPs in proportion to weights), or a JSON array of { name, parameters, forwardFlops }.
 */
export function parseLayers(text: string): LayerShape[] {
  const t = text.trim();
  if (t.startsWith("[")) {
    const raw = JSON.parse(t) as unknown;
    if (!Array.isArray(raw)) throw new Error("the layer list must be a JSON array");
    return raw.map((l, i) =>
      layer(
        String((l as LayerShape).name ?? `layer${i + 1}`),
        (l as LayerShape).parameters,
        (l as LayerShape).forwardFlops ?? (l as LayerShape).parameters,
      ),
    );
  }
  const entries = t
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (!entries.length) throw new Error("the layer list is empty");
  return entries.map((e) => {
    const [name, params, flops] = e.split(":").map((s) => s.trim());
    return layer(name!, Number(params), flops === undefined ? Number(params) : Number(flops));
  });
}

function layer(name: string, parameters: number, forwardFlops: number): LayerShape {
  if (!name) throw new Error("a layer needs a name");
  if (!(Number.isInteger(parameters) && parameters >= 0))
    throw new Error(`layer ${name}: parameters must be a whole number ≥ 0, got ${parameters}`);
  if (!(Number.isFinite(forwardFlops) && forwardFlops >= 0)) throw new Error(`layer ${name}: FLOPs must be ≥ 0, got ${forwardFlops}`);
  return { name, parameters, forwardFlops };
}

/** The layers a workload is bucketed by: the given list, the preset's own, or UNIFORM_LAYERS equal layers. */
export function layersOf(
  w: WorkloadSpec,
  given: LayerShape[] | null = null,
): { layers: LayerShape[]; source: "given" | "preset" | "uniform" } {
  if (given) return { layers: given, source: "given" };
  if (w.preset === "vgg19") return { layers: vgg19Layers(), source: "preset" };
  return { layers: uniformLayers(w.parameters), source: "uniform" };
}

/** A preset by name (Error naming the known ones otherwise). */
export function presetWorkload(name: string): WorkloadSpec {
  const w = PRESETS[name];
  if (!w) throw new Error(`unknown workload preset "${name}"; known: ${Object.keys(PRESETS).sort().join(", ")}`);
  return { ...w };
}
