// End-to-end check of a sliced or cascaded aggregator: every unit is simulated from the circuit
// read back from its EMITTED netlist, units are chained the way the hardware chains them (slice
// carries and cascade partial sums travel as decoded base-L digits), and the final digits are
// compared with the flat golden average of all N workers.
//
// Case sets: the flat reduced space exhaustively when it fits in `maxCases`; otherwise seeded
// samples (stratified per digit sum for one unit, uniform worker codes for a cascade) plus edge
// cases: every digit-sum vector over {0, 1, max−1, max} (carry chains, all-min, all-max),
// rounding ties, and for cascades all-min/all-max/all-zero/alternating/one-hot codes.
import type { Spec } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { createRng, type Rng } from "../../math/rng.ts";
import type { AggregationStage, ComposedResult } from "../types.ts";
import { reducedSpaceSize, type UnitFunction } from "../../aggregate/unit.ts";
import { goldenAverage } from "../../aggregate/golden.ts";
import { digitCount, fromDigits } from "../../aggregate/wire-codec.ts";
import { deal, fromSumIndex } from "../../verify/circuit/cases.ts";
import { runUnitParallel } from "../../verify/circuit/case-pool.ts";

/** Runs one emitted unit on optical digit sums (a carry position holds N·c) and decodes its value. */
function unitRunner(circuit: Circuit, fn: UnitFunction, jobs: number | undefined): (sums: Int32Array, n: number) => Int32Array {
  const shape = { workers: fn.workers, inDigits: fn.inDigits, levels: fn.levels, carryIn: fn.carryIn ?? 0 };
  return (sums, n) => runUnitParallel(circuit, shape, sums, n, jobs);
}

type Runner = (sums: Int32Array, n: number) => Int32Array;

/** One aggregation step on its digit sums: a single unit, or its slice chain. */
function stageRunner(stage: AggregationStage, runnerOf: (unit: number) => Runner): Runner {
  const plan = stage.slices;
  if (!plan) return runnerOf(stage.units[0]!);
  const L = stage.fn.levels;
  const N = stage.fn.workers;
  return (sums, n) => {
    const D = stage.fn.inDigits;
    const q = new Int32Array(n);
    let carry = new Int32Array(0);
    let carryDigits = 0;
    let shift = 1;
    plan.slices.forEach((sl, i) => {
      const width = sl.fn.inDigits;
      const ins = new Int32Array(n * width);
      for (let c = 0; c < n; c++) {
        for (let j = 0; j < carryDigits; j++) ins[c * width + j] = N * carry[c * carryDigits + j]!;
        for (let j = 0; j < sl.count; j++) ins[c * width + carryDigits + j] = sums[c * D + sl.from + j]!;
      }
      const v = runnerOf(stage.units[i]!)(ins, n);
      const next = sl.fn.outDigits - sl.emit;
      const nc = new Int32Array(n * next);
      for (let c = 0; c < n; c++) {
        let x = v[c]!;
        for (let k = 0; k < sl.emit; k++) {
          q[c]! += (x % L) * shift * L ** k;
          x = Math.floor(x / L);
        }
        for (let k = 0; k < next; k++) {
          nc[c * next + k] = x % L;
          x = Math.floor(x / L);
        }
      }
      shift *= L ** sl.emit;
      carry = nc;
      carryDigits = next;
    });
    return q;
  };
}

function histogramOf(got: Int32Array, want: Int32Array): { exact: number; histogram: Record<string, number> } {
  const h = new Map<number, number>();
  let exact = 0;
  for (let i = 0; i < got.length; i++) {
    const e = got[i]! - want[i]!;
    if (e === 0) exact++;
    h.set(e, (h.get(e) ?? 0) + 1);
  }
  const histogram: Record<string, number> = {};
  for (const k of [...h.keys()].sort((a, b) => a - b)) histogram[String(k)] = h.get(k)!;
  return { exact, histogram };
}

/**
 * The flat golden average of worker codes that have the given digit sums (each sum dealt to the
 * workers as the hardware test vectors are): the spec's own definition, never the unit function
 * the slices were trained from.
 */
function flatGolden(spec: Spec, fn: UnitFunction, sums: Int32Array, n: number): Int32Array {
  const N = spec.workers;
  const D = digitCount(spec);
  if (fn.workers !== N || fn.inDigits !== D)
    throw new Error(`internal: a flat stage of ${fn.workers} × ${fn.inDigits} digits for a spec of ${N} workers × ${D} digits`);
  const f = { workers: N, digits: D, levels: spec.levels };
  const row = new Int32Array(N * D);
  const codes = new Int32Array(N);
  const want = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    row.fill(0);
    for (let k = 0; k < D; k++) deal(sums[c * D + k]!, f, c % N, k, row, 0);
    for (let w = 0; w < N; w++) codes[w] = fromDigits(row, spec.levels, w * D, D);
    want[c] = goldenAverage(codes, spec);
  }
  return want;
}

/** Digit-sum vectors of a flat unit: all of them, or stratified samples plus edge cases. */
export function flatCases(
  fn: UnitFunction,
  maxCases: number,
  rng: Rng,
): { sums: Int32Array; n: number; edge: number; exhaustive: boolean } {
  const D = fn.inDigits;
  const max = (fn.levels - 1) * fn.workers;
  const size = reducedSpaceSize(fn);
  if (size <= maxCases) {
    const sums = new Int32Array(size * D);
    for (let c = 0; c < size; c++) {
      let r = c;
      for (let k = 0; k < D; k++) {
        sums[c * D + k] = r % (max + 1);
        r = Math.floor(r / (max + 1));
      }
    }
    return { sums, n: size, edge: 0, exhaustive: true };
  }
  const rows: number[][] = [];
  // Edge cases: every vector over {0, 1, max−1, max} — carry chains, all-min, all-max.
  const corner = [0, 1, max - 1, max];
  for (let c = 0; c < 4 ** D; c++) rows.push(Array.from({ length: D }, (_, k) => corner[Math.floor(c / 4 ** k) % 4]!));
  // Rounding ties: random vectors whose lowest digit sum is moved to make the division a tie.
  for (let t = 0; t < 10_000 && fn.divisor % 2 === 0; t++) {
    const v = Array.from({ length: D }, () => rng.int(max + 1));
    for (let s0 = 0; s0 <= max; s0++) {
      v[0] = s0;
      let total = -fn.workers * fn.inputOffset;
      for (let k = 0; k < D; k++) total += v[k]! * fn.levels ** k;
      if (2 * (((total % fn.divisor) + fn.divisor) % fn.divisor) === fn.divisor) {
        rows.push(v.slice());
        break;
      }
    }
  }
  const edge = rows.length;
  // Stratified: each digit sum's values equally often, columns shuffled independently.
  const n = Math.max(0, maxCases);
  const cols = Array.from({ length: D }, () => {
    const col = Int32Array.from({ length: n }, (_, i) => i % (max + 1));
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = col[i]!;
      col[i] = col[j]!;
      col[j] = t;
    }
    return col;
  });
  const total = edge + n;
  const sums = new Int32Array(total * D);
  rows.forEach((r, c) => sums.set(r, c * D));
  for (let c = 0; c < n; c++) for (let k = 0; k < D; k++) sums[(edge + c) * D + k] = cols[k]![c]!;
  return { sums, n: total, edge, exhaustive: false };
}

/**
 * Worker code vectors for a cascade: edge cases, then — when the flat digit-sum space
 * (N(L−1)+1)^D fits in maxCases — one worker vector per flat digit-sum vector (the units of each
 * sum dealt to the workers from a rotating start), otherwise uniform random codes.
 */
export function cascadeCases(
  workers: number,
  precision: number,
  levels: number,
  maxCases: number,
  rng: Rng,
): { codes: Int32Array; n: number; edge: number; exhaustive: boolean } {
  const top = 2 ** precision - 1;
  const half = 2 ** (precision - 1);
  const rows: number[][] = [];
  const fill = (f: (w: number) => number): void => void rows.push(Array.from({ length: workers }, (_, w) => f(w)));
  fill(() => 0);
  fill(() => top);
  fill(() => half);
  fill((w) => (w % 2 ? top : 0));
  fill((w) => (w % 2 ? 0 : top));
  for (let i = 0; i < workers; i++) {
    fill((w) => (w === i ? top : 0));
    fill((w) => (w === i ? 0 : top));
  }
  for (let b = 1; b <= precision; b++) fill(() => 2 ** b - 1); // carry chains through every bit
  for (let t = 0; t < 10_000; t++) {
    // Ties: Σ (v − half) ≡ N/2 (mod N), by fixing worker 0's code.
    const v = Array.from({ length: workers }, () => rng.int(top + 1));
    let rest = 0;
    for (let w = 1; w < workers; w++) rest += v[w]! - half;
    const want = workers / 2;
    for (let c0 = 0; c0 <= top; c0++) {
      const t2 = rest + c0 - half;
      if (((t2 % workers) + workers) % workers === want) {
        v[0] = c0;
        break;
      }
    }
    rows.push(v);
  }
  const edge = rows.length;
  const D = Math.round(precision / Math.log2(levels));
  const base = workers * (levels - 1) + 1;
  const space = base ** D;
  const exhaustive = space <= maxCases;
  const total = edge + (exhaustive ? space : maxCases);
  const codes = new Int32Array(total * workers);
  rows.forEach((r, c) => codes.set(r, c * workers));
  if (!exhaustive) {
    for (let i = edge * workers; i < codes.length; i++) codes[i] = rng.int(top + 1);
    return { codes, n: total, edge, exhaustive };
  }
  const f = { workers, digits: D, levels };
  const row = new Int32Array(workers * D);
  for (let c = 0; c < space; c++) {
    row.fill(0);
    fromSumIndex(c, f, row, 0);
    for (let w = 0; w < workers; w++) codes[(edge + c) * workers + w] = fromDigits(row, levels, w * D, D);
  }
  return { codes, n: total, edge, exhaustive };
}

/** `units[i]`: the circuit read back from unit i's emitted netlist and the function it computes. */
export function verifyComposed(
  spec: Spec,
  stages: AggregationStage[],
  units: { circuit: Circuit; fn: UnitFunction }[],
  opts: { seed: number; maxCases: number; jobs?: number },
): ComposedResult {
  const runners: Runner[] = [];
  const runnerOf = (i: number): Runner => (runners[i] ??= unitRunner(units[i]!.circuit, units[i]!.fn, opts.jobs));
  const stageRuns = stages.map((st) => stageRunner(st, runnerOf));
  const rng = createRng(opts.seed * 7919 + 17);
  if (stages.length === 1 && stages[0]!.level === null) {
    const fn = stages[0]!.fn;
    const set = flatCases(fn, opts.maxCases, rng);
    const got = stageRuns[0]!(set.sums, set.n);
    const want = flatGolden(spec, fn, set.sums, set.n);
    const { exact, histogram } = histogramOf(got, want);
    const description = set.exhaustive
      ? `every one of the ${set.n.toLocaleString("en-US")} digit-sum vectors`
      : `${(set.n - set.edge).toLocaleString("en-US")} stratified digit-sum vectors (seed ${opts.seed}) plus ${set.edge.toLocaleString("en-US")} edge cases`;
    return {
      mode: set.exhaustive ? "exhaustive" : "sampled",
      cases: set.n,
      edgeCases: set.edge,
      exact,
      exactFraction: exact / set.n,
      histogram,
      description,
    };
  }
  // Cascade: level by level, each unit's decoded value feeds the next level as base-L digits.
  const N = spec.workers;
  const set = cascadeCases(N, spec.precision, spec.levels, opts.maxCases, rng);
  let values = set.codes;
  let perCase = N;
  let pad = 2 ** (spec.precision - 1);
  for (const [si, st] of stages.entries()) {
    const radix = st.fn.workers;
    const units = Math.ceil(perCase / radix);
    const D = st.fn.inDigits;
    const sums = new Int32Array(set.n * units * D);
    for (let c = 0; c < set.n; c++)
      for (let u = 0; u < units; u++)
        for (let j = 0; j < radix; j++) {
          const idx = u * radix + j;
          let v = idx < perCase ? values[c * perCase + idx]! : pad;
          for (let k = 0; k < D; k++) {
            sums[(c * units + u) * D + k] += v % st.fn.levels;
            v = Math.floor(v / st.fn.levels);
          }
        }
    values = stageRuns[si]!(sums, set.n * units);
    perCase = units;
    pad *= radix;
  }
  const want = new Int32Array(set.n);
  for (let c = 0; c < set.n; c++) want[c] = goldenAverage(set.codes.subarray(c * N, (c + 1) * N), spec);
  const { exact, histogram } = histogramOf(values, want);
  return {
    mode: set.exhaustive ? "exhaustive" : "sampled",
    cases: set.n,
    edgeCases: set.edge,
    exact,
    exactFraction: exact / set.n,
    histogram,
    description: set.exhaustive
      ? `one ${N}-worker code vector for each of the ${(set.n - set.edge).toLocaleString("en-US")} flat digit-sum vectors plus ${set.edge.toLocaleString("en-US")} edge cases`
      : `${(set.n - set.edge).toLocaleString("en-US")} uniform random ${N}-worker code vectors (seed ${opts.seed}) plus ${set.edge.toLocaleString("en-US")} edge cases`,
  };
}
