// A closed-form aggregator checked end to end from its emitted files: worker digits go through the
// chip's cells in wiring order, each cell simulated from its own emitted circuit on the port
// vectors that arise (each distinct vector once), and the result is compared with the golden
// average of the workers' codes (aggregate/golden.ts, the spec's own definition).
import type { CascadePlan } from "../../aggregate/cascade.ts";
import type { ChipFile } from "../../aggregate/chip-file.ts";
import { goldenAverage } from "../../aggregate/golden.ts";
import { roundedDivide } from "../../aggregate/wire-codec.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { createRng } from "../../math/rng.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { chipRunner } from "./chip-batch.ts";
import { egress, ingress } from "./cascade-batch.ts";
import { cascadeCaseErrors, type CascadePoolOptions } from "./cascade-pool.ts";

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

/**
 * Worker code vectors, cases × workers: every digit-sum vector when they fit, else samples and
 * edges. A digit-sum vector is dealt as evenly as it goes, position by position, from worker c mod N
 * on: each worker's digit is ⌊s/N⌋, one more for the first s mod N (never above L − 1, since s ≤ N·(L − 1)).
 */
export function composeCases(
  f: ChipFile,
  maxCases: number,
  seed: number,
): { codes: Int32Array; count: number; mode: "exhaustive" | "sampled"; edge: number } {
  const { workers: N, levels: L, inDigits: K } = f.chip;
  const radix = (L - 1) * N + 1;
  if (radix ** K <= maxCases) {
    const count = radix ** K;
    const codes = new Int32Array(count * N);
    for (let c = 0; c < count; c++) {
      let place = 1;
      for (let k = 0, rest = c; k < K; k++, rest = Math.floor(rest / radix), place *= L) {
        const s = rest % radix;
        const even = Math.floor(s / N);
        const extra = s % N;
        for (let j = 0; j < N; j++) codes[c * N + ((j + c) % N)]! += (even + (j < extra ? 1 : 0)) * place;
      }
    }
    return { codes, count, mode: "exhaustive", edge: 0 };
  }
  const rng = createRng(seed);
  const top = L ** K - 1;
  const corners = [0, 1, top >> 1, (top >> 1) + 1, top - 1, top];
  const codes = new Int32Array(Math.max(maxCases, corners.length ** 2) * N);
  let c = 0;
  for (const a of corners)
    for (const b of corners) {
      for (let w = 0; w < N; w++) codes[c * N + w] = w % 2 ? a : b;
      c++;
    }
  const edge = c;
  for (; c < maxCases; c++) for (let w = 0; w < N; w++) codes[c * N + w] = rng.int(top + 1);
  return { codes: codes.subarray(0, c * N), count: c, mode: "sampled", edge };
}

const BATCH = 8192;

function tally(errors: Iterable<number>, codes: number, edge: number, mode: "exhaustive" | "sampled", description: string): ComposeResult {
  const hist = new Map<number, number>();
  for (const e of errors) hist.set(e, (hist.get(e) ?? 0) + 1);
  const histogram: Record<string, number> = {};
  for (const [e, n] of [...hist].sort((a, b) => a[0] - b[0])) histogram[String(e)] = n;
  return { cases: codes, exact: hist.get(0) ?? 0, mode, edgeCases: edge, histogram, description };
}

/** Worker codes (cases × N) → worker-major digit rows (inDigits digits per worker, through the ingress). */
function digitsOf(codes: Int32Array, f: ChipFile): Int32Array {
  const { levels: L, inDigits: K } = f.chip;
  const d = new Int32Array(codes.length * K);
  for (let i = 0; i < codes.length; i++) ingress(codes[i]!, L, K, f.linkLevels, d, i * K);
  return d;
}

export function composeChip(f: ChipFile, circuits: Map<string, Circuit>, opts: { maxCases: number; seed: number }): ComposeResult {
  const { chip } = f;
  const runner = chipRunner(f, circuits);
  const { codes, count, mode, edge } = composeCases(f, opts.maxCases, opts.seed);
  const N = chip.workers;
  const errors: number[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const batch = codes.subarray(start * N, (start + n) * N);
    const out = runner.run(digitsOf(batch, f), n);
    for (let c = 0; c < n; c++) {
      const cs = Array.from(batch.subarray(c * N, (c + 1) * N));
      errors.push(egress(out, chip.levels, c * chip.outDigits, chip.outDigits, f.linkLevels) - unitGolden(f, cs));
    }
  }
  const through = f.linkLevels ? `, each worker's PAM-${f.linkLevels} symbols split at ingress and the result merged at egress` : "";
  const description =
    mode === "exhaustive"
      ? `every digit-sum vector of the reduced space (${count})${through}`
      : `${count - edge} random worker vectors + ${edge} edge cases${through}`;
  return tally(errors, count, edge, mode, description);
}

/**
 * A cascade end to end: every unit of every level runs its level's chip (cells simulated from their
 * netlists, each distinct port vector once) on sampled worker codes; lower levels pad with the zero
 * code as aggregate/cascade.ts defines, and the top's output is compared with the flat golden
 * average. The cases run on `jobs` threads (cascade-pool.ts); each case's error depends on the case
 * alone, so the result is the same for every thread count.
 */
export function composeCascade(
  chips: ChipFile[],
  circuits: Map<string, Circuit>,
  plan: CascadePlan,
  spec: { workers: number; precision: number; rounding: Rounding },
  opts: { maxCases: number; seed: number; jobs?: number | undefined },
  pool: Omit<CascadePoolOptions, "jobs"> = {},
): ComposeResult {
  // A narrower base inside: the workers' symbols enter level 1 through the ingress, the top's result leaves through the egress.
  const link = chips[0]!.linkLevels;
  const through = link ? `, each worker's PAM-${link} symbols split at ingress and the result merged at egress` : "";
  const flat: ChipFile = { ...chips[0]!, chip: { ...chips[0]!.chip, workers: spec.workers } };
  // Units of a cascade see partial sums, not digit sums of the whole: its reduced space is every
  // worker code vector, enumerated when it fits.
  const N = spec.workers;
  const space = 2 ** (spec.precision * N);
  const exhaustive = space <= opts.maxCases;
  const cases = exhaustive ? space : opts.maxCases;
  // Worker codes, cases × N, in shared memory: the pool's threads read them where they are.
  const codes = new Int32Array(new SharedArrayBuffer(4 * cases * N));
  let edge = 0;
  if (exhaustive) everyCodeVector(N, 2 ** spec.precision, codes);
  else {
    const sampled = composeCases(flat, opts.maxCases, opts.seed);
    codes.set(sampled.codes);
    edge = sampled.edge;
  }
  const errors = cascadeCaseErrors({ chips, circuits, plan, spec, codes, cases }, { ...pool, jobs: opts.jobs });
  return exhaustive
    ? tally(errors, cases, 0, "exhaustive", `every ${N}-worker code vector (${cases})${through}`)
    : tally(errors, cases, edge, "sampled", `${cases - edge} random ${N}-worker code vectors + ${edge} edge cases${through}`);
}

/** All n-tuples of codes 0 … size − 1, the first worker fastest, into out (cases × n). */
function everyCodeVector(n: number, size: number, out: Int32Array): void {
  for (let c = 0; c < size ** n; c++) for (let w = 0; w < n; w++) out[c * n + w] = Math.floor(c / size ** w) % size;
}
