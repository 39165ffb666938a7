// The report's "Cost models compared" section: every cost model's all-reduce time against message
// size (at the spec's N) and against N (at the workload's gradient), with the spec's link, and the
// crossovers between them (system/comparison.ts).
import type { Spec } from "../../dsl/spec.ts";
import { crossovers, modelSweep, type Overrides } from "../../system/comparison.ts";
import { MODEL_NAMES } from "../../system/models/index.ts";
import type { SystemsSection } from "../../verify/report/types.ts";

const SIZES = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];
const WORKERS = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export function systemsSection(spec: Spec): SystemsSection {
  const link: Overrides = {
    transceiverBps: spec.link.bandwidth,
    transceivers: spec.link.transceivers,
    stepLatency: spec.link.stepLatency,
    fiberLength: spec.link.fiberLength,
    bits: spec.precision,
    ...(spec.cascade ? { radix: spec.cascade.radix } : {}),
  };
  const bytes = spec.workload.gradientBytes;
  const bySize = modelSweep(MODEL_NAMES, SIZES, (m) => ({ workers: spec.workers, messageBytes: m }), link);
  const byN = modelSweep(MODEL_NAMES, WORKERS, (w) => ({ workers: w, messageBytes: bytes }), link);
  const gb = `${spec.link.transceivers} × ${spec.link.bandwidth / 1e9} Gb/s`;
  return {
    panels: [
      { xTitle: "message size, bytes", fixed: `N = ${spec.workers}, ${gb}`, series: bySize, crossovers: crossovers(bySize) },
      { xTitle: "workers N", fixed: `M = ${(bytes / 1e6).toFixed(1)} MB, ${gb}`, series: byN, crossovers: crossovers(byN) },
    ],
  };
}
