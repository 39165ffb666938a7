// A compiled circuit as the training emulation's digit aggregator. The circuit is simulated once
// over its whole digit-sum space (one worker vector per combination, as `optinc verify` does),
// optionally under one Monte-Carlo trial of non-idealities; training then looks outputs up by
// the workers' digit sums. This is exact for a digit-sum circuit without non-idealities, and a
// model of one fabricated device (fixed errors per input class) with them.
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import type { Technology } from "../../dsl/technology.ts";
import { buildCases, digitSumSpaceSize } from "./cases.ts";
import { circuitFormat } from "./shape.ts";
import type { AggregateMany } from "../../aggregate/aggregator.ts";

export interface CircuitAggregateOptions {
  nonIdealities?: Partial<Technology>;
  seed?: number;
  trial?: number;
  /** Largest digit-sum space tabulated. */
  maxCases?: number;
}

export function circuitAggregateMany(circuit: Circuit, opts: CircuitAggregateOptions = {}): AggregateMany {
  const { source: f, outputDigits } = circuitFormat(circuit);
  const space = digitSumSpaceSize(f);
  const max = opts.maxCases ?? 200_000;
  if (space > max) throw new RangeError(`digit-sum space ${space} exceeds ${max}: too large to tabulate`);
  const set = buildCases(f, { preprocess: true, maxCases: max, seed: opts.seed ?? 0 });
  const sim = compileCircuit(circuit, { ...(opts.nonIdealities ?? {}), seed: opts.seed ?? 0, trial: opts.trial ?? 0 });
  const table = sim.run(Float64Array.from(set.digits), set.cases).digits;
  const width = f.workers * f.digits;
  const base = f.workers * (f.levels - 1) + 1;
  return (digits, cases) => {
    const out = new Int32Array(cases * outputDigits);
    for (let c = 0; c < cases; c++) {
      // Case index of the digit-sum vector (digit 0 fastest), as buildCases enumerates it.
      let index = 0;
      for (let k = f.digits - 1; k >= 0; k--) {
        let s = 0;
        for (let w = 0; w < f.workers; w++) s += digits[c * width + w * f.digits + k]!;
        index = index * base + s;
      }
      out.set(table.subarray(index * outputDigits, (index + 1) * outputDigits), c * outputDigits);
    }
    return out;
  };
}
