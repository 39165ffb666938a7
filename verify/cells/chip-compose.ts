// A closed-form aggregator checked end to end from its emitted files: worker digits go through the
// chip's cells in wiring order, each cell simulated from its own emitted circuit on the port
// vectors that arise (each distinct vector once), and the result is compared with the golden
// average of the workers' codes (aggregate/golden.ts, the spec's own definition).
import type { CascadePlan } from "../../aggregate/cascade.ts";
import type { ChipFile } from "../../aggregate/chip-file.ts";
import { goldenAverage } from "../../aggregate/golden.ts";
import { mergeInnerDigits, splitLinkDigits, subDigits } from "../../aggregate/narrow-base.ts";
import { fromDigits, roundedDivide, toDigits } from "../../aggregate/wire-codec.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { createRng } from "../../math/rng.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { chipRunner } from "./chip-batch.ts";

export interface ComposeResult {
  cases: number;
  exact: number;
  /** "exhaustive": one worker vector per digit-sum vector of the reduced space; "sampled" otherwise. */
  mode: "exhaustive" | "sampled";
  edgeCases: number;
  /** Output error in quantization steps → count. */
  histogram: Record<string, number>;
  description: string;
}

/** The golden output code of a chip's unit for worker codes (offset-binary, inDigits digits each). */
export function unitGolden(f: ChipFile, codes: number[]): number {
  const { chip, unit } = f;
  if (unit.divisor === chip.workers && unit.inputOffset === unit.outputOffset) {
    return goldenAverage(codes, { precision: Math.round(chip.inDigits * Math.log2(chip.levels)), rounding: chip.rounding });
  }
  // A cascade level: R((Σ v − N·inputOffset)/divisor) + outputOffset on its input values.
  const t = codes.reduce((a, b) => a + b, 0) - chip.workers * unit.inputOffset;
  return roundedDivide(t, unit.divisor, chip.rounding) + unit.outputOffset;
}

/** Worker code vectors: every digit-sum vector (dealt over the workers) when they fit, else samples and edges. */
export function composeCases(
  f: ChipFile,
  maxCases: number,
  seed: number,
): { codes: number[][]; mode: "exhaustive" | "sampled"; edge: number } {
  const { workers: N, levels: L, inDigits: K } = f.chip;
  const radix = (L - 1) * N + 1;
  const codes: number[][] = [];
  if (radix ** K <= maxCases) {
    for (let c = 0; c < radix ** K; c++) {
      const digits = Array.from({ length: N }, () => new Array<number>(K).fill(0));
      for (let k = 0; k < K; k++) {
        let s = Math.floor(c / radix ** k) % radix;
        for (let w = 0; s > 0; w = (w + 1) % N) {
          const take = Math.min(L - 1 - digits[(w + c) % N]![k]!, 1);
          digits[(w + c) % N]![k]! += take;
          s -= take;
        }
      }
      codes.push(digits.map((d) => fromDigits(d, L)));
    }
    return { codes, mode: "exhaustive", edge: 0 };
  }
  const rng = createRng(seed);
  const top = L ** K - 1;
  const corners = [0, 1, top >> 1, (top >> 1) + 1, top - 1, top];
  let edge = 0;
  for (const a of corners)
    for (const b of corners) {
      codes.push(Array.from({ length: N }, (_, w) => (w % 2 ? a : b)));
      edge++;
    }
  while (codes.length < maxCases) codes.push(Array.from({ length: N }, () => rng.int(top + 1)));
  return { codes, mode: "sampled", edge };
}

const BATCH = 8192;
/** A cascade batch runs every unit of a level: fewer cases keep its digit rows in cache. */
const CASCADE_BATCH = 1024;

function tally(errors: Iterable<number>, codes: number, edge: number, mode: "exhaustive" | "sampled", description: string): ComposeResult {
  const hist = new Map<number, number>();
  for (const e of errors) hist.set(e, (hist.get(e) ?? 0) + 1);
  const histogram: Record<string, number> = {};
  for (const [e, n] of [...hist].sort((a, b) => a[0] - b[0])) histogram[String(e)] = n;
  return { cases: codes, exact: hist.get(0) ?? 0, mode, edgeCases: edge, histogram, description };
}

/**
 * One worker code as the K digits its chip reads, at out[at ..]: its base-L digits, or, with a
 * narrower base inside, its link symbols (base linkLevels) split at ingress (aggregate/narrow-base.ts).
 */
function ingress(code: number, L: number, K: number, linkLevels: number | undefined, out: Int32Array, at: number): void {
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
function egress(out: ArrayLike<number>, L: number, at: number, count: number, linkLevels: number | undefined): number {
  if (linkLevels === undefined) return fromDigits(out, L, at, count);
  const link = mergeInnerDigits(
    Array.from({ length: count }, (_, j) => out[at + j]!),
    linkLevels,
    L,
  );
  return fromDigits(link, linkLevels);
}

/** Worker codes → worker-major digit rows (inDigits digits per worker, through the ingress). */
function digitsOf(batch: number[][], f: ChipFile): Int32Array {
  const { levels: L, inDigits: K } = f.chip;
  const N = batch[0]?.length ?? 0;
  const d = new Int32Array(batch.length * N * K);
  batch.forEach((cs, c) => cs.forEach((code, w) => ingress(code, L, K, f.linkLevels, d, (c * N + w) * K)));
  return d;
}

export function composeChip(f: ChipFile, circuits: Map<string, Circuit>, opts: { maxCases: number; seed: number }): ComposeResult {
  const { chip } = f;
  const runner = chipRunner(f, circuits);
  const { codes, mode, edge } = composeCases(f, opts.maxCases, opts.seed);
  const errors: number[] = [];
  for (let start = 0; start < codes.length; start += BATCH) {
    const batch = codes.slice(start, start + BATCH);
    const out = runner.run(digitsOf(batch, f), batch.length);
    batch.forEach((cs, c) => errors.push(egress(out, chip.levels, c * chip.outDigits, chip.outDigits, f.linkLevels) - unitGolden(f, cs)));
  }
  const through = f.linkLevels ? `, each worker's PAM-${f.linkLevels} symbols split at ingress and the result merged at egress` : "";
  const description =
    mode === "exhaustive"
      ? `every digit-sum vector of the reduced space (${codes.length})${through}`
      : `${codes.length - edge} random worker vectors + ${edge} edge cases${through}`;
  return tally(errors, codes.length, edge, mode, description);
}

/**
 * A cascade end to end: every unit of every level runs its level's chip (cells simulated from their
 * netlists, each distinct port vector once) on sampled worker codes; lower levels pad with the zero
 * code as aggregate/cascade.ts defines, and the top's output is compared with the flat golden average.
 */
export function composeCascade(
  chips: ChipFile[],
  circuits: Map<string, Circuit>,
  plan: CascadePlan,
  spec: { workers: number; precision: number; rounding: Rounding },
  opts: { maxCases: number; seed: number },
): ComposeResult {
  const runners = chips.map((c) => chipRunner(c, circuits));
  // A narrower base inside: the workers' symbols enter level 1 through the ingress, the top's result leaves through the egress.
  const link = chips[0]!.linkLevels;
  const through = link ? `, each worker's PAM-${link} symbols split at ingress and the result merged at egress` : "";
  const flat: ChipFile = { ...chips[0]!, chip: { ...chips[0]!.chip, workers: spec.workers } };
  // Units of a cascade see partial sums, not digit sums of the whole: its reduced space is every
  // worker code vector, enumerated when it fits.
  const space = 2 ** (spec.precision * spec.workers);
  const exhaustive = space <= opts.maxCases;
  const { codes, edge } = exhaustive
    ? { codes: everyCodeVector(spec.workers, 2 ** spec.precision), edge: 0 }
    : composeCases(flat, opts.maxCases, opts.seed);
  const half = 2 ** (spec.precision - 1);
  const errors: number[] = [];
  for (let start = 0; start < codes.length; start += CASCADE_BATCH) {
    const batch = codes.slice(start, start + CASCADE_BATCH);
    // values: cases × width, the codes entering the level (the workers', then each unit's output)
    let width = spec.workers;
    let values = new Int32Array(batch.length * width);
    batch.forEach((cs, c) => values.set(cs, c * width));
    let pad = half;
    plan.levels.forEach((lvl, l) => {
      const { chip } = chips[l]!;
      const n = lvl.fn.workers;
      const K = chip.inDigits;
      const L = chip.levels;
      const bits = Math.log2(L);
      if (!Number.isInteger(bits)) throw new Error(`chip ${chips[l]!.name}: ${L} levels is not a power of two`);
      // Every unit of the level, for every case of the batch, as one run of the level's chip.
      const runs = batch.length * lvl.units;
      const digits = new Int32Array(runs * n * K);
      for (let c = 0; c < batch.length; c++)
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
    batch.forEach((cs, c) => errors.push(values[c * width]! - goldenAverage(cs, { precision: spec.precision, rounding: spec.rounding })));
  }
  return exhaustive
    ? tally(errors, codes.length, 0, "exhaustive", `every ${spec.workers}-worker code vector (${codes.length})${through}`)
    : tally(
        errors,
        codes.length,
        edge,
        "sampled",
        `${codes.length - edge} random ${spec.workers}-worker code vectors + ${edge} edge cases${through}`,
      );
}

/** All n-tuples of codes 0 … size − 1, the first worker fastest. */
function everyCodeVector(n: number, size: number): number[][] {
  const out: number[][] = [];
  for (let c = 0; c < size ** n; c++) out.push(Array.from({ length: n }, (_, w) => Math.floor(c / size ** w) % size));
  return out;
}
