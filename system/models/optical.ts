// Optical endpoint baselines on a WDM ring (WRHT is in wrht.ts), RECONSTRUCTED here (allreduce-models.md §1.3, §5.3 [derived]):
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
    { steps, wavelengths_per_transfer: k, bytes_per_worker: steps * (p.messageBytes / n) },
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
    { steps: lg, rounds, wavelengths_per_transfer: k, bytes_per_worker: rounds * p.messageBytes },
  );
}

/**
 * Neighbour exchange (Chen et al. 2005; the baseline of the WRHT group's OpTree papers) on the WDM
 * ring: reduce-scatter and all-gather of ⌈N/2⌉ steps each, every rank swapping with alternating
 * neighbours (1 chunk in the first step, 2 in the others): N steps, 2(N−1)/N·M moved, over static
 * neighbour lightpaths striped over k wavelengths:
 * 2⌈N/2⌉(α_o) + 2(N−1)/N·M/(k·b_λ) + (N−1)/N·M·γ.
 */
export function opticalNeighbourExchangeModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const k = opticalStripe(p);
  const steps = 2 * Math.ceil(n / 2);
  return finish(
    "optical-ne",
    "optical-endpoint",
    true,
    p.messageBytes,
    n,
    {
      latency_s: steps * p.stepLatency,
      transfer_s: ((2 * (n - 1)) / n) * (p.messageBytes / ((k * p.transceiverBps) / 8)),
      reduce_s: ((n - 1) / n) * p.messageBytes * p.reduceSecondsPerByte,
    },
    { steps, wavelengths_per_transfer: k, bytes_per_worker: ((2 * (n - 1)) / n) * p.messageBytes },
  );
}
