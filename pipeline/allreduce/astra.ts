// OptINC and its ring baseline as ASTRA-sim 2.x analytical-backend inputs (allreduce-models.md
// §3.4): a network YAML per design and a system JSON. ASTRA-sim has no optical aggregator, so
// OptINC is written as the congestion-unaware equivalent: one Switch dimension running the
// "direct" all-reduce (each NPU moves 2(N−1)/N·M through the switch) at the bandwidth that makes
// that take optinc's transfer time, M·q/32 / B, with optinc's fixed latency as the link latency.
// The ring baseline is a Ring dimension at B and α. Text only; the caller writes the files.
import { optincModel } from "../../system/models/optinc.ts";
import { modelInputs, serverBandwidth, type ModelInputs } from "../../system/models/params.ts";

export interface AstraFiles {
  /** File name → content. */
  files: Record<string, string>;
  /** Effective switch bandwidth given to ASTRA-sim for OptINC, GB/s. */
  optincBandwidthGBps: number;
}

const yaml = (topology: string, npus: number, gbps: number, ns: number): string =>
  `topology: [ ${topology} ]\nnpus_count: [ ${npus} ]\nbandwidth: [ ${+gbps.toFixed(6)} ]  # GB/s\nlatency: [ ${+ns.toFixed(3)} ]  # ns\n`;

export function astraInputs(link: Partial<ModelInputs>, workers: number, messageBytes: number): AstraFiles {
  const p = modelInputs({ ...link, workers, messageBytes });
  const b = serverBandwidth(p) / 1e9;
  const o = optincModel(p);
  const direct = (2 * (workers - 1)) / workers;
  const optincBandwidthGBps = (direct * messageBytes) / o.terms.transfer_s / 1e9;
  const system = {
    "scheduling-policy": "LIFO",
    "endpoint-delay": 10,
    "active-chunks-per-dimension": 1,
    "preferred-dataset-splits": 1,
    "all-reduce-implementation": ["direct"],
    "all-gather-implementation": ["direct"],
    "reduce-scatter-implementation": ["direct"],
    "all-to-all-implementation": ["direct"],
    "collective-optimization": "baseline",
    "local-mem-bw": 3350,
    "boost-mode": 0,
  };
  return {
    optincBandwidthGBps,
    files: {
      "optinc-network.yml": yaml("Switch", workers, optincBandwidthGBps, o.terms.latency_s * 1e9),
      "ring-network.yml": yaml("Ring", workers, b, (p.stepLatency + p.hopLatency) * 1e9),
      "system-optinc.json": `${JSON.stringify(system, null, 2)}\n`,
      "system-ring.json": `${JSON.stringify({ ...system, "all-reduce-implementation": ["ring"], "all-gather-implementation": ["ring"], "reduce-scatter-implementation": ["ring"] }, null, 2)}\n`,
    },
  };
}
