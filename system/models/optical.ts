// Optical endpoint baselines, RECONSTRUCTED here (allreduce-models.md §1.3, §5.3 [derived]):
// WRHT's own equations (Dai et al., arXiv 2207.10982) were not available. Both run on a WDM ring
// whose nodes have the same transceivers as an OptINC server (line rate b_λ per wavelength).
import { ceilLog, opticalStripe, type ModelInputs } from "./params.ts";
import { finish, type ModelResult } from "./result.ts";

/**
 * Ring all-reduce over static neighbour lightpaths (no reconfiguration per step), striping each
 * chunk over k wavelengths (default min(transceivers, W)):
 * 2(N−1)(α_o + (M/N)/(k·b_λ)) + (N−1)/N·M·γ. Neighbour arcs never overlap, so W does not matter.
 */
export function opticalRingModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const k = opticalStripe(p);
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

/**
 * Recursive doubling on a WDM ring (§1.3): at step s the partner is 2^(s−1) hops away, so each
 * link carries d_s = 2^(s−1) lightpaths per direction, each of k wavelengths; with W wavelengths
 * the step takes ⌈d_s·k/W⌉ rounds of (α_o + t_r + M/(k·b_λ)). Plus ⌈lg N⌉·M·γ of reduction.
 * Reproduces Dai et al.'s finding that RD improves with W while ring does not.
 */
export function opticalRecursiveDoublingModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const k = opticalStripe(p);
  const lg = ceilLog(n, 2);
  let rounds = 0;
  for (let s = 1; s <= lg; s++) rounds += Math.ceil((2 ** (s - 1) * k) / p.wavelengths);
  return finish(
    "optical-rd",
    "optical-endpoint",
    true,
    p.messageBytes,
    n,
    {
      latency_s: rounds * (p.stepLatency + p.reconfigTime),
      transfer_s: (rounds * p.messageBytes) / ((k * p.transceiverBps) / 8),
      reduce_s: lg * p.messageBytes * p.reduceSecondsPerByte,
    },
    { steps: lg, rounds, wavelengths_per_transfer: k },
  );
}

/** One WRHT-like tree of arity m: time and the wavelengths per child transfer. */
function wrhtTime(p: ModelInputs, m: number): { time: number; levels: number; kUp: number; terms: ModelResult["terms"] } {
  const levels = ceilLog(p.workers, m);
  // The representative listens to its m−1 children at once, splitting its receivers among them;
  // the broadcast back is one drop-and-continue multicast on all transceivers.
  const kUp = Math.max(1, Math.floor(p.transceivers / (m - 1)));
  const lambda = p.transceiverBps / 8;
  const kDown = opticalStripe(p);
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
