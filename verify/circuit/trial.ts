// One Monte-Carlo trial of verifyCircuit: draw the die of trial t, simulate every case, decode (with
// the fitted receiver when asked) and count the errors against the golden outputs. A trial
// depends on (seed, t) alone, never on which thread runs it, so trials can run in any order on any
// number of threads (trial-pool.ts) and merge to the same bytes.
import { fromDigits } from "../../aggregate/wire-codec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit, type CompiledCircuit } from "../../netlist/sim/simulate.ts";
import type { Technology } from "../../dsl/technology.ts";
import { createRng } from "../../math/rng.ts";
import type { CaseSet, SourceFormat } from "./cases.ts";
import { decodeFitted, fitReceiver, simulateFields, type DetectorSettings } from "./receiver.ts";

/** Everything a trial needs; structured-cloneable, so a worker thread gets its own copy. */
export interface TrialJob {
  circuit: Circuit;
  set: CaseSet;
  golden: Int32Array;
  f: SourceFormat;
  detector: DetectorSettings;
  nonIdealities: Partial<Technology>;
  seed: number;
  /** Ideal fields of every case (a fitted receiver fits against them), or null: raw decisions. */
  idealRe: Float64Array | null;
}

export interface TrialOutcome {
  /** Cases decoded exactly. */
  exact: number;
  /** (decoded − golden, count) pairs, in first-seen order. */
  errors: [number, number][];
}

const CHUNK = 4096;

/** Errors (decoded − golden) of every case, accumulated into a step histogram. */
export function simulateCases(sim: CompiledCircuit, set: CaseSet, golden: Int32Array, f: SourceFormat, into: Map<number, number>): void {
  const width = f.workers * f.digits;
  for (let start = 0; start < set.cases; start += CHUNK) {
    const n = Math.min(CHUNK, set.cases - start);
    const inputs = Float64Array.from(set.digits.subarray(start * width, (start + n) * width));
    const r = sim.run(inputs, n);
    for (let c = 0; c < n; c++) {
      const e = fromDigits(r.digits, f.levels, c * r.width, r.width) - golden[start + c]!;
      into.set(e, (into.get(e) ?? 0) + 1);
    }
  }
}

export function runTrial(job: TrialJob, t: number): TrialOutcome {
  const { circuit, set, golden, f, detector, seed } = job;
  const errs = new Map<number, number>();
  if (job.idealRe) {
    const sim = compileCircuit(circuit, { ...job.nonIdealities, detectorNoise: 0, seed, trial: t });
    const measured = simulateFields(sim, set, f);
    const rx = fitReceiver(measured.re, job.idealRe, set.cases, measured.width);
    const rng = createRng(seed * 1000003 + t * 2 + 2);
    const digits = decodeFitted(measured.re, rx, detector, job.nonIdealities.detectorNoise ?? 0, rng, set.cases, measured.width);
    for (let c = 0; c < set.cases; c++) {
      const e = fromDigits(digits, f.levels, c * measured.width, measured.width) - golden[c]!;
      errs.set(e, (errs.get(e) ?? 0) + 1);
    }
  } else {
    const sim = compileCircuit(circuit, { ...job.nonIdealities, seed, trial: t });
    simulateCases(sim, set, golden, f, errs);
  }
  return { exact: errs.get(0) ?? 0, errors: [...errs] };
}
