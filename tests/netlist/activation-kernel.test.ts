// The batch engine runs activations in WASM (math/gemm-wasm.ts `act`); the rule is models.ts
// activationFn. Both must give the same bits on every input: signed zeros, NaN, infinities,
// subnormals and ordinary values, for relu and leaky-relu of any slope.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createGemm } from "../../math/gemm-wasm.ts";
import { activationFn, activationRule } from "../../netlist/models.ts";

const k = createGemm("f64", 1 << 20);
const mem = new Float64Array(k.memory.buffer);

function viaKernel(settings: Record<string, string | number>, re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length; // a multiple of 2
  mem.set(re, 0);
  mem.set(im, n);
  const r = activationRule(settings);
  k.act(0, n * 8, n * 8, r.slope, r.leaky ? 1 : 0);
  return [mem.slice(0, n), mem.slice(n, 2 * n)];
}

const bits = (a: Float64Array): bigint[] => Array.from(new BigInt64Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));

const value = fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 1, -1));

describe("WASM activation kernel", () => {
  const rules: Record<string, string | number>[] = [
    { function: "relu" },
    { function: "leaky-relu", slope: 0.01 },
    { function: "leaky-relu", slope: -0.5 },
  ];
  for (const settings of rules) {
    it(`${settings.function}${settings.slope !== undefined ? ` (slope ${settings.slope})` : ""}: the same bits as activationFn on every input`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 64 }), (pairs) => {
          const n = pairs.length + (pairs.length & 1);
          const re = new Float64Array(n);
          const im = new Float64Array(n);
          pairs.forEach(([a, b], i) => ((re[i] = a), (im[i] = b)));
          const [kr, ki] = viaKernel(settings, re, im);
          const wr = Float64Array.from(re);
          const wi = Float64Array.from(im);
          activationFn(settings)(wr, wi, 0, n);
          expect(bits(kr)).toEqual(bits(wr));
          expect(bits(ki)).toEqual(bits(wi));
        }),
        { seed: 15, numRuns: 300 },
      );
    });
  }
});
