// Optical endpoint baselines, RECONSTRUCTED here (allreduce-models.md §1.3, §5.3 [derived]):
// WRHT's own equations (Dai et al., arXiv 2207.10982) were not available. Both run on a WDM ring
// whose nodes have the same transceivers as an OptINC server (line rate b_λ per wavelength).
import { ceilLog, type ModelInputs } from "./params.ts";
import { finish, type ModelResult } from "./result.ts";

/**
 * Ring all-reduce over static neighbour lightpaths (no reconfiguration per step), striping each
 * chunk over all k = min(transceivers, W) wavelengths:
 * 2(N−1)(α_o + (M/N)/(k·b_λ)) + (N−1)/N·M·γ.
 */
export function opticalRingModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const k = Math.min(p.transceivers, p.wavelengths);
  const rate = (k * p.transceiverBps) / 8;
  const steps = 2 * (n - 1);
  return finish(
    "optical-ring",
    "optical-endpoint",
    true,
    p.messageBytes,
    n,
    {
      latency_s: steps * p.stepLatency,
      transfer_s: steps * (p.messageBytes / n / rate),
      reduce_s: ((n - 1) / n) * p.messageBytes * p.reduceSecondsPerByte,
    },
    { steps, wavelengths_per_transfer: k },
  );
}

/** One WRHT-like tree of arity m: time and the wavelengths per child transfer. */
function wrhtTime(p: ModelInputs, m: number): { time: number; levels: number; kUp: number; terms: ModelResult["terms"] } {
  const levels = ceilLog(p.workers, m);
  // The representative listens to its m−1 children at once, splitting its receivers among them;
  // the broadcast back is one drop-and-continue multicast on all transceivers.
  const kUp = Math.max(1, Math.floor(p.transceivers / (m - 1)));
  const lambda = p.transceiverBps / 8;
  const kDown = Math.min(p.transceivers, p.wavelengths);
  const terms = {
    latency_s: levels * 2 * (p.stepLatency + p.reconfigTime),
    transfer_s: levels * (p.messageBytes / (kUp * lambda) + p.messageBytes / (kDown * lambda)),
    reduce_s: levels * (m - 1) * p.messageBytes * p.reduceSecondsPerByte,
  };
  return { time: terms.latency_s + terms.transfer_s + terms.reduce_s, levels, kUp, terms };
}

/**
 * Wavelength-reused hierarchical tree: groups of m nodes on disjoint ring arcs reuse all W
 * wavelengths, so m ≤ 2W + 1; the representative needs m − 1 receivers, so m ≤ transceivers + 1.
 * 2⌈log_m N⌉ steps (reduce up, broadcast down). The best m in range is reported. The insertion-loss
 * cap on far hops (§1.3) is not modelled.
 */
export function wrhtModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const mMax = Math.max(2, Math.min(n, 2 * p.wavelengths + 1, p.transceivers + 1));
  let best = wrhtTime(p, 2);
  let bestM = 2;
  for (let m = 3; m <= mMax; m++) {
    const t = wrhtTime(p, m);
    if (t.time < best.time) {
      best = t;
      bestM = m;
    }
  }
  return finish("wrht", "optical-endpoint", true, p.messageBytes, n, best.terms, {
    steps: 2 * best.levels,
    arity: bestM,
    wavelengths_per_child: best.kUp,
  });
}
