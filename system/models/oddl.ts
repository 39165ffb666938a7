// ODDL (Li, Yuan, Wang, Tan, Zhang & Rouskas, JOCN 16(3):342–357, 2024): an all-optical
// circuit-switched fabric. Only the abstract is known; this model is [derived] (seed-systems.md §2.2).
// - An LCoS-WSS gives the job an isolated slice once, at job start (t_WSS): reported, not charged
//   per iteration.
// - Every circuit change costs the control plane's scheduling delay plus a transceiver retune
//   (t_ctrl + t_tune). A circuit is dedicated to one flow: no contention, the server's full B.
// - Schedules: "ring" keeps N neighbour circuits for the whole all-reduce (set up once per
//   all-reduce): 2(N−1)(α + M/(N·B)) + t_ctrl + t_tune + (N−1)/N·M·γ.
//   "halving-doubling" (Rabenseifner) re-points every circuit at each of its 2⌈lg N⌉ steps:
//   2⌈lg N⌉(α + t_ctrl + t_tune) + 2(N−1)/N·M/B + (N−1)/N·M·γ.
//   "best" (default) reports the faster of the two.
import { ceilLog, serverBandwidth, type ModelInputs } from "./params.ts";
import { finish, type ModelResult } from "./result.ts";

export function oddlTerms(p: ModelInputs, schedule: "ring" | "halving-doubling"): ModelResult["terms"] {
  const n = p.workers;
  const b = serverBandwidth(p);
  const change = p.oddlControlDelay + p.oddlTuneTime;
  const reduce_s = ((n - 1) / n) * p.messageBytes * p.reduceSecondsPerByte;
  if (schedule === "ring")
    return { latency_s: 2 * (n - 1) * p.stepLatency + change, transfer_s: ((2 * (n - 1)) / n) * (p.messageBytes / b), reduce_s };
  const lg = ceilLog(n, 2);
  return { latency_s: 2 * lg * (p.stepLatency + change), transfer_s: ((2 * (n - 1)) / n) * (p.messageBytes / b), reduce_s };
}

const total = (t: ModelResult["terms"]): number => t.latency_s + t.transfer_s + t.reduce_s;

export function oddlModel(p: ModelInputs): ModelResult {
  const ring = oddlTerms(p, "ring");
  const hd = oddlTerms(p, "halving-doubling");
  const schedule = p.oddlSchedule === "best" ? (total(hd) < total(ring) ? "halving-doubling" : "ring") : p.oddlSchedule;
  const terms = schedule === "ring" ? ring : hd;
  return finish("oddl", "optical-endpoint", true, p.messageBytes, p.workers, terms, {
    schedule,
    circuit_changes: schedule === "ring" ? 1 : 2 * ceilLog(p.workers, 2),
    wss_setup_s: p.oddlWssTime,
    ring_s: total(ring),
    halving_doubling_s: total(hd),
    // Both schedules move 2(N−1)/N·M per rank.
    bytes_per_worker: ((2 * (p.workers - 1)) / p.workers) * p.messageBytes,
  });
}
