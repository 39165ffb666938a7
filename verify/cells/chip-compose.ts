// A closed-form aggregator checked end to end from its emitted files: worker digits go through the
// chip's cells in wiring order, each cell simulated from its own emitted circuit on the port
// vectors that arise (each distinct vector once), and the result is compared with the golden
// average of the workers' codes (aggregate/golden.ts, the spec's own definition).
import type { CascadePlan } from "../../aggregate/cascade.ts";
import type { ChipFile } from "../../aggregate/chip-file.ts";
import { runDigitChip } from "../../aggregate/digit-chip.ts";
import { fromDigits, goldenAverage, roundedDivide, toDigits } from "../../aggregate/golden.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { createRng } from "../../math/rng.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit, type CompiledCircuit } from "../../netlist/simulate.ts";

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
export function composeCases(f: ChipFile, maxCases: number, seed: number): { codes: number[][]; mode: "exhaustive" | "sampled"; edge: number } {
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
  for (const a of corners) for (const b of corners) {
    codes.push(Array.from({ length: N }, (_, w) => (w % 2 ? a : b)));
    edge++;
  }
  while (codes.length < maxCases) codes.push(Array.from({ length: N }, () => rng.int(top + 1)));
  return { codes, mode: "sampled", edge };
}

/** Simulates one design on port vectors, each distinct vector once. */
function cachedRunner(sim: CompiledCircuit): (ports: number[][]) => number[][] {
  const memo = new Map<string, number[]>();
  return (batch) => {
    const missing: number[][] = [];
    for (const p of batch) if (!memo.has(p.join(","))) missing.push(p), memo.set(p.join(","), []);
    if (missing.length) {
      const r = sim.run(Float64Array.from(missing.flat()), missing.length);
      missing.forEach((p, i) => memo.set(p.join(","), Array.from(r.digits.subarray(i * r.width, (i + 1) * r.width))));
    }
    return batch.map((p) => memo.get(p.join(","))!);
  };
}

export function composeChip(f: ChipFile, circuits: Map<string, Circuit>, opts: { maxCases: number; seed: number }): ComposeResult {
  const { chip } = f;
  const runners = new Map<string, (ports: number[][]) => number[][]>();
  for (const design of new Set(f.designs)) {
    const c = circuits.get(design);
    if (!c) throw new Error(`chip ${f.name}: no circuit for design "${design}"`);
    runners.set(design, cachedRunner(compileCircuit(c)));
  }
  const { codes, mode, edge } = composeCases(f, opts.maxCases, opts.seed);
  const K = chip.inDigits;
  const hist = new Map<number, number>();
  let exact = 0;
  for (const cs of codes) {
    const digits: number[] = [];
    for (const code of cs) for (let k = 0; k < K; k++) digits.push(Math.floor(code / chip.levels ** k) % chip.levels);
    const out = fromDigits(runDigitChip(chip, digits, (i, ports) => runners.get(f.designs[i]!)!([ports])[0]!), chip.levels);
    const err = out - unitGolden(f, cs);
    hist.set(err, (hist.get(err) ?? 0) + 1);
    if (err === 0) exact++;
  }
  const histogram: Record<string, number> = {};
  for (const [e, n] of [...hist].sort((a, b) => a[0] - b[0])) histogram[String(e)] = n;
  const description = mode === "exhaustive" ? `every digit-sum vector of the reduced space (${codes.length})` : `${codes.length - edge} random worker vectors + ${edge} edge cases`;
  return { cases: codes.length, exact, mode, edgeCases: edge, histogram, description };
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
  const runners = new Map([...circuits].map(([k, c]) => [k, cachedRunner(compileCircuit(c))]));
  const flat: ChipFile = { ...chips[0]!, chip: { ...chips[0]!.chip, workers: spec.workers } };
  const { codes, edge } = composeCases(flat, opts.maxCases, opts.seed);
  const half = 2 ** (spec.precision - 1);
  const hist = new Map<number, number>();
  let exact = 0;
  for (const cs of codes) {
    let values = cs;
    let pad = half;
    plan.levels.forEach((lvl, l) => {
      const { chip, designs } = chips[l]!;
      const next: number[] = [];
      for (let u = 0; u < lvl.units; u++) {
        const digits: number[] = [];
        for (let j = 0; j < lvl.fn.workers; j++) digits.push(...toDigits(values[u * plan.radix + j] ?? pad, { precision: chip.inDigits * Math.log2(chip.levels), levels: chip.levels }));
        next.push(fromDigits(runDigitChip(chip, digits, (i, ports) => runners.get(designs[i]!)!([ports])[0]!), chip.levels));
      }
      values = next;
      pad *= plan.radix;
    });
    const err = values[0]! - goldenAverage(cs, { precision: spec.precision, rounding: spec.rounding });
    hist.set(err, (hist.get(err) ?? 0) + 1);
    if (err === 0) exact++;
  }
  const histogram: Record<string, number> = {};
  for (const [e, n] of [...hist].sort((a, b) => a[0] - b[0])) histogram[String(e)] = n;
  return { cases: codes.length, exact, mode: "sampled", edgeCases: edge, histogram, description: `${codes.length - edge} random ${spec.workers}-worker code vectors + ${edge} edge cases` };
}
