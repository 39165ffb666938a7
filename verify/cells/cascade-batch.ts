// One slice of a cascade's end-to-end check (chip-compose.ts composeCascade): worker codes through
// every level's chip, each unit's cells simulated from their emitted netlists (chip-batch.ts), the
// top's output against the flat golden average. What the calling thread and the pool threads of
// cascade-pool.ts both run; plain data in, one error per case out.
import type { CascadePlan } from "../../aggregate/cascade.ts";
import type { ChipFile } from "../../aggregate/chip-file.ts";
import { goldenAverage } from "../../aggregate/golden.ts";
import { mergeInnerDigits, splitLinkDigits, subDigits } from "../../aggregate/narrow-base.ts";
import { fromDigits, toDigits } from "../../aggregate/wire-codec.ts";
import type { Rounding } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { chipRunner, type ChipRunner } from "./chip-batch.ts";

/** A cascade's check: plain data, copied to a pool thread (the codes are shared, not copied). */
export interface CascadeJob {
  chips: ChipFile[];
  circuits: Map<string, Circuit>;
  plan: CascadePlan;
  spec: { workers: number; precision: number; rounding: Rounding };
  /** Worker codes, cases × workers. */
  codes: Int32Array;
  cases: number;
}

/** Cases per slice: a slice runs every unit of a level, and fewer cases keep its digit rows in cache. */
export const CASCADE_BATCH = 1024;

/**
 * One worker code as the K digits its chip reads, at out[at ..]: its base-L digits, or, with a
 * narrower base inside, its link symbols (base linkLevels) split at ingress (aggregate/narrow-base.ts).
 */
export function ingress(code: number, L: number, K: number, linkLevels: number | undefined, out: Int32Array, at: number): void {
  if (linkLevels === undefined) {
    toDigits(code, { precision: K * Math.log2(L), levels: L }, out, at);
    return;
  }
  const g = subDigits(linkLevels, L);
  if (K % g !== 0) throw new Error(`${K} inner digits do not fill whole PAM-${linkLevels} symbols`);
  const link = toDigits(code, { precision: K * Math.log2(L), levels: linkLevels });
  splitLinkDigits(link, linkLevels, L, out, at);
}

/** The code of `count` result digits at out[at ..]: base L, or merged into link symbols at egress. */
export function egress(out: ArrayLike<number>, L: number, at: number, count: number, linkLevels: number | undefined): number {
  if (linkLevels === undefined) return fromDigits(out, L, at, count);
  const link = mergeInnerDigits(
    Array.from({ length: count }, (_, j) => out[at + j]!),
    linkLevels,
    L,
  );
  return fromDigits(link, linkLevels);
}

/** Each level's chip runner (its cells' simulators and what they have decoded). */
export function cascadeRunners(job: CascadeJob): ChipRunner[] {
  return job.chips.map((c) => chipRunner(c, job.circuits));
}

/** Cases start … start + CASCADE_BATCH − 1 (within job.cases) through the cascade: each case's output minus its golden average, into errors. */
export function cascadeSlice(job: CascadeJob, runners: ChipRunner[], start: number, errors: Int32Array): void {
  const { chips, plan, spec, codes } = job;
  const link = chips[0]!.linkLevels;
  const N = spec.workers;
  const count = Math.min(CASCADE_BATCH, job.cases - start);
  // values: cases × width, the codes entering the level (the workers', then each unit's output)
  let width = N;
  let values: Int32Array = codes.slice(start * N, (start + count) * N);
  let pad = 2 ** (spec.precision - 1);
  plan.levels.forEach((lvl, l) => {
    const { chip } = chips[l]!;
    const n = lvl.fn.workers;
    const K = chip.inDigits;
    const L = chip.levels;
    const bits = Math.log2(L);
    if (!Number.isInteger(bits)) throw new Error(`chip ${chips[l]!.name}: ${L} levels is not a power of two`);
    // Every unit of the level, for every case of the slice, as one run of the level's chip.
    const runs = count * lvl.units;
    const digits = new Int32Array(runs * n * K);
    for (let c = 0; c < count; c++)
      for (let u = 0; u < lvl.units; u++)
        for (let j = 0; j < n; j++) {
          const i = u * plan.radix + j;
          let v = i < width ? values[c * width + i]! : pad;
          const at = ((c * lvl.units + u) * n + j) * K;
          // Workers' link symbols through the ingress; between levels, toDigits inline (least significant first).
          if (l === 0 && link !== undefined) ingress(v, L, K, link, digits, at);
          else for (let k = 0; k < K; k++, v >>>= bits) digits[at + k] = v & (L - 1);
        }
    const out = runners[l]!.run(digits, runs);
    const next = new Int32Array(runs);
    const top = l === plan.levels.length - 1;
    for (let r = 0; r < runs; r++) next[r] = egress(out, L, r * chip.outDigits, chip.outDigits, top ? link : undefined);
    values = next;
    width = lvl.units;
    pad *= plan.radix;
  });
  const golden = { precision: spec.precision, rounding: spec.rounding };
  for (let c = 0; c < count; c++)
    errors[start + c] = values[c * width]! - goldenAverage(codes.subarray((start + c) * N, (start + c + 1) * N), golden);
}
