// A closed-form aggregator checked end to end from its emitted files: worker digits go through the
// chip's cells in wiring order, each cell simulated from its own emitted circuit on the port
// vectors that arise (each distinct vector once), and the result is compared with the golden
// average of the workers' codes (aggregate/golden.ts, the spec's own definition).
import type { CascadePlan } from "../../aggregate/cascade.ts";
import type { ChipFile } from "../../aggregate/chip-file.ts";
import { goldenAverage } from "../../aggregate/golden.ts";
import { fromDigits, roundedDivide } from "../../aggregate/wire-codec.ts";
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

function tally(errors: Iterable<number>, codes: number, edge: number, mode: "exhaustive" | "sampled", description: string): ComposeResult {
  const hist = new Map<number, number>();
  for (const e of errors) hist.set(e, (hist.get(e) ?? 0) + 1);
  const histogram: Record<string, number> = {};
  for (const [e, n] of [...hist].sort((a, b) => a[0] - b[0])) histogram[String(e)] = n;
  return { cases: codes, exact: hist.get(0) ?? 0, mode, edgeCases: edge, histogram, description };
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
    sampled.codes.forEach((cs, c) => codes.set(cs, c * N));
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
