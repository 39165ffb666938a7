// SiP-Ring (SiP-ML, SIGCOMM '21) as ffsim-opera's SIPML_RING implements it (seed-systems.md §1.3,
// §2.4) [derived from the simulator code]: a unidirectional ring whose segments carry `deg`
// wavelengths of B/deg each (a node injects B, as every model here); a flow from src to dst
// occupies every segment between them, so flows crossing one segment share its deg·B/deg = B
// (the LP relaxation: fractional shares, no rounding); after every live interval L the MRRs
// reconfigure and traffic stops for t_r (duty L/(L + t_r); ffsim's L = n_nondelay·t_r = 4 ms, duty 0.8). Ring all-reduce over the job's ranks:
//   T = [2(N−1)(α + (M/N)/B · s)] · (L + t_r)/L + (N−1)/N·M·γ,  s = the busiest segment's flow count.
import { placeRanks } from "./placement.ts";
import { serverBandwidth, type ModelInputs } from "./params.ts";
import { finish, type ModelResult } from "./result.ts";

/** Flows sharing the busiest segment (ring flows r → r+1 placed on ring positions). */
export function sipRingSharing(n: number, placement: "random" | "ordered", seed: number): number {
  const at = placeRanks(n, n, placement, seed);
  const segLoad = new Int32Array(n + 1); // difference array over segments 0..n−1 (segment i: i → i+1)
  for (let r = 0; r < n; r++) {
    const a = at[r]!;
    const b = at[(r + 1) % n]!;
    if (a < b) {
      segLoad[a]!++;
      segLoad[b]!--;
    } else {
      segLoad[a]!++;
      segLoad[n]!--;
      segLoad[0]!++;
      segLoad[b]!--;
    }
  }
  let run = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    run += segLoad[i]!;
    max = Math.max(max, run);
  }
  return max;
}

export function sipRingModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const share = sipRingSharing(n, p.sipRingPlacement, p.seed);
  const duty = p.sipRingLiveTime / (p.sipRingLiveTime + p.sipRingReconfigTime);
  const steps = 2 * (n - 1);
  return finish(
    "sip-ring",
    "optical-endpoint",
    true,
    p.messageBytes,
    n,
    {
      latency_s: (steps * p.stepLatency) / duty,
      transfer_s: (steps * (p.messageBytes / n / serverBandwidth(p)) * share) / duty,
      reduce_s: ((n - 1) / n) * p.messageBytes * p.reduceSecondsPerByte,
    },
    {
      wavelengths_per_segment: p.sipRingWavelengths,
      wavelength_rate_Bps: serverBandwidth(p) / p.sipRingWavelengths,
      duty_cycle: duty,
      segment_sharing: share,
      placement: p.sipRingPlacement,
      steps,
      bytes_per_worker: steps * (p.messageBytes / n),
    },
  );
}
