// Limits shared by the spec language and every command-line flag that means the same thing, so a
// value accepted in one place is accepted everywhere (docs/reference/cli.md §9).
/** A spec's `workers` and `cascade.radix`: four times ODDL's 1024 nodes. */
export const WORKERS = { min: 2, max: 4096 } as const;
/** The executed ring all-reduce (optinc allreduce) simulates every message, 2(N−1)·N per run: 512 keeps a run within seconds. */
export const EXECUTED_WORKERS = { min: 2, max: 512 } as const;
/** `optinc allreduce --models`: counts above EXECUTED_WORKERS.max are modelled, not executed (the fat-tree model hashes N flows). */
export const MODELLED_WORKERS = { min: 2, max: 16384 } as const;
/** Every seed (training, Monte-Carlo trials, synthetic gradients): an unsigned 32-bit integer. */
export const SEED = { min: 0, max: 2 ** 32 - 1 } as const;
/** Phase DAC resolution in bits; "none" (never 0) turns the DAC off. */
export const DAC_BITS = { min: 1, max: 24 } as const;
/**
 * Non-idealities, in the technology block and as the verify and allreduce --netlist flags: loss per
 * MZI and its spread (dB), coupler power-ratio deviation (below 0.5: at 0.5 a coupler sends all its
 * light one way), phase-noise σ (rad), detector noise σ (output steps).
 */
export const NON_IDEALITY = {
  mziLossDb: { min: 0, max: 10 },
  lossSpreadDb: { min: 0, max: 10 },
  splitterImbalance: { min: 0, max: 0.5, exclusiveMax: true },
  phaseNoise: { min: 0, max: Math.PI },
  detectorNoise: { min: 0, max: 10 },
} as const;
/** Longest aggregator name: it is the base name of every emitted file (<name>.L2.S3.netlist.json…). */
export const NAME_MAX = 64;
/** Deepest nesting of blocks and lists a spec may use (the grammar itself needs 3). */
export const NESTING_MAX = 32;
/** Largest spec file read. */
export const SPEC_BYTES_MAX = 1024 * 1024;
