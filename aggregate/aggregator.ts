// The aggregator contract that joins circuits (verify/) to the system models (system/): an
// aggregator maps the workers' PAM-L digits to the digits of their quantized average. The golden
// function (golden.ts) is the reference; a simulated netlist or chip is another implementation.

/**
 * One element: `digits` holds workers × D PAM-L digits, row-major (worker w's digit k at w·D + k,
 * digit 0 least significant) of the b-bit offset-binary wire codes; the result is the D digits of
 * the wire code of the quantized average.
 */
export type Aggregate = (digits: Int32Array) => Int32Array;

/** Batched form (for circuit simulators): cases × workers × D digits in, cases × D digits out. */
export type AggregateMany = (digits: Int32Array, cases: number) => Int32Array;

/** Adapt a per-element aggregator to the batched form. */
export function batched(aggregate: Aggregate, workers: number, d: number): AggregateMany {
  return (digits, cases) => {
    const out = new Int32Array(cases * d);
    for (let c = 0; c < cases; c++) {
      const r = aggregate(digits.subarray(c * workers * d, (c + 1) * workers * d));
      if (r.length !== d) throw new Error(`aggregator returned ${r.length} digits, expected ${d}`);
      out.set(r, c * d);
    }
    return out;
  };
}

/** A batched aggregator together with the digit format it reads and writes. */
export interface CircuitAggregator {
  aggregateMany: AggregateMany;
  workers: number;
  digits: number;
  levels: number;
  /** b = digits · log2(levels). */
  bits: number;
}

/** An aggregator of N workers × D base-L digits (b = D · log2 L bits). */
export function aggregatorOf(f: { workers: number; digits: number; levels: number }, aggregateMany: AggregateMany): CircuitAggregator {
  return { workers: f.workers, digits: f.digits, levels: f.levels, bits: Math.round(f.digits * Math.log2(f.levels)), aggregateMany };
}
