// The engine's sparse product (netlist/sim-engine.ts sparseProduct, used for stages whose operand
// is at most a quarter nonzero) must equal the WASM dense kernel it replaces bit for bit: same
// sums, t ascending from 0, with the zero terms left out. Fields and operands include ±0.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createGemm, EPILOGUE } from "../../math/gemm-wasm.ts";
import { createRng } from "../../math/rng.ts";
import { sparseProduct } from "../../netlist/sim-engine.ts";
import { sparseOperand } from "../../netlist/sim-plan.ts";

function bits(xs: Float64Array): string[] {
  return Array.from(xs, (v) => (Object.is(v, -0) ? "-0" : String(v)));
}

describe("sparse stage product", () => {
  it("equals the dense WASM kernel bit for bit, signed zeros included", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (m4, kr, n4, seed) => {
          const m = 4 * m4;
          const n = 4 * n4;
          const rng = createRng(seed);
          // About two nonzeros per row, as an MZI stage's block matrix has; some entries −0.
          const a = Float64Array.from({ length: m * kr }, () => {
            const u = rng.next();
            return u < 2 / kr ? rng.normal() : u < 0.5 ? -0 : 0;
          });
          const x = Float64Array.from({ length: kr * n }, () => (rng.next() < 0.1 ? (rng.next() < 0.5 ? -0 : 0) : rng.normal()));
          const A = sparseOperand(a, m, kr, 1);
          expect(A).not.toBeNull();
          const g = createGemm("f64", 8 * (a.length + x.length + 2 * m * n) + 64);
          const f = new Float64Array(g.memory.buffer);
          const xOff = a.length;
          const dOff = xOff + x.length;
          const sOff = dOff + m * n;
          f.set(a, 0);
          f.set(x, xOff);
          g.nn(0, kr, xOff * 8, n, kr, n, dOff * 8, n, m, EPILOGUE.store, 0, 0, 0);
          f.fill(Number.NaN, sOff, sOff + m * n); // every output must be written
          sparseProduct(f, A!, xOff, n, sOff, n);
          expect(bits(f.subarray(sOff, sOff + m * n))).toEqual(bits(f.subarray(dOff, dOff + m * n)));
        },
      ),
      { seed: 20261123, numRuns: 200 },
    );
  });

  it("is chosen only for operands at most a quarter nonzero", () => {
    const dense = Float64Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? 1 : 0)); // 6 of 16
    expect(sparseOperand(dense, 4, 4)).toBeNull();
    const sparse = Float64Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0)); // 4 of 16
    expect(sparseOperand(sparse, 4, 4)?.col).toEqual(Int32Array.from([0, 1, 2, 3]));
  });
});
