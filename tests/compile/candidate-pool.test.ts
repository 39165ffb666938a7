// The search's candidates priced on two threads (pipeline/pools/candidate-pool.ts) must be the
// one-thread prices: the same cost and light for every candidate, in candidate order, with the pool
// thread pricing all but the first (afterMs 0 starts it after the first). Planted fault: a pool thread
// that prices the next candidate instead of its own fails the comparison.
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../dsl/load.ts";
import { candidateStructures } from "../../pipeline/compile/structure-search.ts";
import { priceCandidate } from "../../pipeline/compile/candidate-price.ts";
import { priceCandidates } from "../../pipeline/pools/candidate-pool.ts";

const text = `aggregator pool {
  workers = 4
  precision = 4 bits
  levels = 4
  technology { preset = calibrated }
}
`;

describe("candidates priced on two threads", () => {
  const spec = loadSpec("pool.optinc", text).checked!.spec;
  const structures = candidateStructures(spec.workers, spec.levels);

  it("equal the one-thread prices, candidate for candidate; the calling thread keeps only what it built", () => {
    const one = structures.map((s) => {
      const { cost, light } = priceCandidate(spec, s);
      return { cost, light };
    });
    const kept: number[] = [];
    const two = priceCandidates(spec, structures, { jobs: 2, afterMs: 0, callerWorks: false, keep: (i) => kept.push(i) });
    expect(structures.length).toBeGreaterThanOrEqual(4);
    expect(two).toEqual(one);
    expect(one.some((p) => p.light?.closes)).toBe(true);
    // the calling thread priced the first, then only collected: the pool thread priced the rest
    expect(kept).toEqual([0]);
  }, 120_000);
});
