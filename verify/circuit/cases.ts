// The verification input set, built from worker-level inputs (what the circuit's source stage
// receives), never from digit sums directly, so the preprocess stage is exercised too.
//
// - "full": every digit vector of every worker, L^(N·D) cases, when that is small enough.
// - "digit-sum": one worker vector per combination of digit sums S_k ∈ 0..N(L−1), which covers
//   the reduced input space (N(L−1)+1)^D exactly: the golden average depends on the worker
//   values only through the S_k (aggregate/golden.ts). The units of each S_k are dealt to
//   the workers starting at a rotating worker, so every input port carries light in some case.
// - "stratified": when even the digit-sum space is too large, a seeded sample of it stratified
//   per digit: every value of every S_k appears equally often (±1), like a Latin hypercube,
//   and the two corners (all sums 0, all sums maximal) are always included.
import { createRng, shuffleInPlace } from "../../math/rng.ts";
import { toDigits } from "../../aggregate/wire-codec.ts";

export interface SourceFormat {
  workers: number;
  digits: number;
  levels: number;
  /**
   * A digit slice's first `carryIn` positions carry one regenerated carry digit on ALL worker
   * ports (aggregate/slices.ts); their optical sum is N·c, c ∈ 0..L−1.
   */
  carryIn?: number;
}

/** Values per position of the reduced space: N(L−1)+1 for a digit sum, L for a carry digit. */
function radixOf(f: SourceFormat, k: number): number {
  return k < (f.carryIn ?? 0) ? f.levels : f.workers * (f.levels - 1) + 1;
}

export type CaseMode = "full" | "digit-sum" | "stratified";

export interface CaseSet {
  mode: CaseMode;
  /** cases × (workers·digits) digits, worker-major per case (x[w·D + k]). */
  digits: Int32Array;
  cases: number;
  /** Size of the reduced input space the set stands for. */
  spaceSize: number;
  /** Human-readable description of the set, e.g. "digit-sum space 13^4". */
  description: string;
}

export function fullSpaceSize(f: SourceFormat): number {
  return f.levels ** (f.workers * f.digits);
}

export function digitSumSpaceSize(f: SourceFormat): number {
  let n = 1;
  for (let k = 0; k < f.digits; k++) n *= radixOf(f, k);
  return n;
}

/** Deal S units among the workers (each at most L−1), starting at worker `start`. */
export function deal(sum: number, f: SourceFormat, start: number, k: number, row: Int32Array, at: number): void {
  let left = sum;
  for (let j = 0; j < f.workers; j++) {
    const w = (start + j) % f.workers;
    const d = Math.min(f.levels - 1, left);
    row[at + w * f.digits + k] = d;
    left -= d;
  }
}

/** `values[k]` is a digit sum, or for a carry position the carry digit (put on every port). */
function fromSums(values: ArrayLike<number>, rotate: number, f: SourceFormat, out: Int32Array, at: number): void {
  for (let k = 0; k < f.digits; k++) {
    if (k < (f.carryIn ?? 0)) for (let w = 0; w < f.workers; w++) out[at + w * f.digits + k] = values[k]!;
    else deal(values[k]!, f, (rotate + k) % f.workers, k, out, at);
  }
}

/** The worker digits of digit-sum vector `index` (mixed radix, position 0 fastest), dealt from a rotating start. */
export function fromSumIndex(index: number, f: SourceFormat, out: Int32Array, at: number): void {
  const sums = new Int32Array(f.digits);
  let rest = index;
  for (let k = 0; k < f.digits; k++) {
    const base = radixOf(f, k);
    sums[k] = rest % base;
    rest = Math.floor(rest / base);
  }
  fromSums(sums, index, f, out, at);
}

export function buildCases(f: SourceFormat, opts: { preprocess: boolean; maxCases: number; seed: number }): CaseSet {
  const width = f.workers * f.digits;
  const full = fullSpaceSize(f);
  const sums = digitSumSpaceSize(f);
  if (!opts.preprocess && full <= opts.maxCases) {
    const digits = new Int32Array(full * width);
    const all = { precision: width * Math.log2(f.levels), levels: f.levels };
    for (let c = 0; c < full; c++) toDigits(c, all, digits, c * width);
    return { mode: "full", digits, cases: full, spaceSize: full, description: `all ${f.levels}^${width} worker digit vectors` };
  }
  const space = f.carryIn
    ? `digit-sum space ${f.levels}^${f.carryIn}·${f.workers * (f.levels - 1) + 1}^${f.digits - f.carryIn}`
    : `digit-sum space ${f.workers * (f.levels - 1) + 1}^${f.digits}`;
  if (sums <= opts.maxCases) {
    const digits = new Int32Array(sums * width);
    for (let c = 0; c < sums; c++) fromSumIndex(c, f, digits, c * width);
    const of = opts.preprocess ? "" : ` (of ${f.levels}^${width} worker vectors)`;
    return {
      mode: "digit-sum",
      digits,
      cases: sums,
      spaceSize: opts.preprocess ? sums : full,
      description: `${space}, one worker vector per combination${of}`,
    };
  }
  const n = Math.max(2, opts.maxCases);
  const rng = createRng(opts.seed);
  const columns = Array.from({ length: f.digits }, (_, k) => {
    const base = radixOf(f, k);
    const col = Int32Array.from({ length: n - 2 }, (_, i) => i % base);
    shuffleInPlace(col, rng);
    return col;
  });
  const digits = new Int32Array(n * width);
  const row = new Int32Array(f.digits);
  fromSums(row, 0, f, digits, 0);
  for (let k = 0; k < f.digits; k++) row[k] = radixOf(f, k) - 1;
  fromSums(row, 0, f, digits, width);
  for (let c = 2; c < n; c++) {
    for (let k = 0; k < f.digits; k++) row[k] = columns[k]![c - 2]!;
    fromSums(row, c, f, digits, c * width);
  }
  return {
    mode: "stratified",
    digits,
    cases: n,
    spaceSize: opts.preprocess ? sums : full,
    description: `${n} cases stratified per digit over the ${space} (seed ${opts.seed})`,
  };
}
