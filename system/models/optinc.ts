// OptINC, the system under test (allreduce-models.md §5.4): every server sends its quantized
// gradient once through the optical aggregator and receives the broadcast result once.
//   T = α + t_r + (M·q/32)/B + t_prop + levels·(t_ONN + t_OEO)
// levels = ⌈log_radix N⌉ cascade levels (one unit for N ≤ radix); t_prop = 2·levels·L·5 ns/m.
// Serialization is counted once: the units stream symbols as they arrive (pipelined).
import { ceilLog, FIBER_SECONDS_PER_METRE, serverBandwidth, type ModelInputs } from "./params.ts";
import { finish, type ModelResult } from "./result.ts";

/** Bytes each server sends (and receives) per all-reduce: M·q/32. */
export function optincBytesPerWorker(messageBytes: number, bits: number): number {
  return (messageBytes * bits) / 32;
}

export function optincModel(p: ModelInputs): ModelResult {
  const levels = Math.max(1, ceilLog(p.workers, p.radix));
  const payload = optincBytesPerWorker(p.messageBytes, p.bits);
  return finish(
    "optinc",
    "optical-in-network",
    false,
    p.messageBytes,
    p.workers,
    {
      latency_s:
        p.stepLatency + p.reconfigTime + 2 * levels * p.fiberLength * FIBER_SECONDS_PER_METRE + levels * (p.onnLatency + p.oeoLatency),
      transfer_s: payload / serverBandwidth(p),
      reduce_s: 0,
    },
    { steps: 1, cascade_levels: levels, bytes_per_worker: payload, bits: p.bits },
  );
}
