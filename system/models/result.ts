// What every cost model returns.
export type ModelKind = "electrical-endpoint" | "electrical-in-network" | "optical-endpoint" | "optical-in-network";

export interface ModelResult {
  name: string;
  kind: ModelKind;
  /** True when the formula is reconstructed here rather than taken from a cited paper. */
  derived: boolean;
  time_s: number;
  /** algbw = M / t (nccl-tests). */
  algbw_Bps: number;
  /** busbw = algbw · 2(N−1)/N, only for endpoint algorithms (nccl-tests; §3.2). */
  busbw_Bps?: number;
  /** The three additive terms: per-step latencies, serialization, endpoint reduction. */
  terms: { latency_s: number; transfer_s: number; reduce_s: number };
  /** Model-specific facts worth printing (steps, tree arity, bytes per worker…). */
  notes: Record<string, Note>;
}

/** A model's result with the energy of its all-reduce (runModel prices every result). */
export type PricedResult = ModelResult & { energy: ModelEnergy };

export type Note = number | string | boolean | number[];

export function finish(
  name: string,
  kind: ModelKind,
  derived: boolean,
  messageBytes: number,
  workers: number,
  terms: ModelResult["terms"],
  notes: Record<string, Note>,
): ModelResult {
  const time_s = terms.latency_s + terms.transfer_s + terms.reduce_s;
  const algbw_Bps = messageBytes / time_s;
  const r: ModelResult = { name, kind, derived, time_s, algbw_Bps, terms, notes };
  if (kind.endsWith("endpoint") && workers > 1) r.busbw_Bps = (algbw_Bps * 2 * (workers - 1)) / workers;
  return r;
}

/** Energy of one all-reduce (system/models/energy.ts). */
export interface ModelEnergy {
  /** Joules per all-reduce of the whole gradient, over every rank. */
  joules: number;
  terms: { links_J: number; switching_J: number; aggregator_J: number };
  /** Bits every rank sends together. */
  bitsSent: number;
  /** What each sent bit crosses: link traversals, switch passes, and chip energy (pJ) per bit. */
  perBit: { traversals: number; switchPasses: number; chipPj: number };
}
