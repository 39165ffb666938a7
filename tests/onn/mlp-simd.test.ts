// The WASM SIMD engine against the Float64 reference (mlp.ts) on random networks of awkward shapes
// (widths and batches not multiples of 4, both activations): in f64 outputs and weight gradients
// are bit-identical to the reference (the trainer's trajectory does not depend on the engine), in
// f32 they agree to f32 rounding; chunked evaluation is bit-reproducible.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../../math/rng.ts";
import { allocTrace, backward, forward } from "../../compiler/onn/mlp.ts";
import { MlpEngine, type Precision } from "../../compiler/onn/mlp-simd.ts";
import { initMlp } from "../../compiler/onn/train.ts";

function relErr(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / Math.max(den, 1e-30);
}

const same = (a: Float64Array, b: Float64Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("MlpEngine (WASM SIMD) against the Float64 reference", () => {
  const cases: [Precision, "relu" | "leaky-relu"][] = [
    ["f64", "relu"],
    ["f64", "leaky-relu"],
    ["f32", "relu"],
    ["f32", "leaky-relu"],
  ];
  it.each(cases)("%s %s: forward and dL/dW against mlp.ts", (precision, act) => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 19 }), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 0, max: 1e6 }),
        (dims, batch, seed) => {
          const rng = createRng(seed);
          const net = initMlp(dims, act, act === "leaky-relu" ? 0.01 : 0, rng);
          const nin = dims[0]!;
          const nout = dims[dims.length - 1]!;
          const x = Float64Array.from({ length: batch * nin }, () => rng.next() - 0.5);
          const tr = allocTrace(net, batch);
          tr.acts[0]!.set(x);
          const yRef = Float64Array.from(forward(net, tr, batch));
          const g = Float64Array.from({ length: batch * nout }, () => rng.normal());
          const gRef = net.layers.map((l) => new Float64Array(l.w.length));
          backward(net, tr, g, gRef, batch);

          const eng = new MlpEngine(net, batch + 5, precision);
          eng.pack(net);
          eng.setInputs(x, null, 0, batch);
          const y = new Float64Array(batch * nout);
          eng.forward(batch, y);
          const gF = net.layers.map((l) => new Float64Array(l.w.length).fill(NaN));
          eng.backward(batch, g, gF);
          if (precision === "f64") {
            expect(same(y, yRef)).toBe(true);
            gF.forEach((gl, i) => expect(same(gl, gRef[i]!)).toBe(true));
          } else {
            expect(relErr(y, yRef)).toBeLessThan(1e-5);
            gF.forEach((gl, i) => expect(relErr(gl, gRef[i]!)).toBeLessThan(1e-4));
          }
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });

  it.each(["f64", "f32"] as const)("%s: forwardAll in chunks of 16 and of 128 give the same bits", (precision) => {
    const rng = createRng(3);
    const net = initMlp([4, 12, 8, 4], "relu", 0, rng);
    const cases = 103;
    const x = Float64Array.from({ length: cases * 4 }, () => rng.next());
    const a = new Float64Array(cases * 4);
    const b = new Float64Array(cases * 4);
    const e1 = new MlpEngine(net, 16, precision);
    e1.pack(net);
    e1.forwardAll(x, cases, a);
    const e2 = new MlpEngine(net, 128, precision);
    e2.pack(net);
    e2.forwardAll(x, cases, b);
    // Chunking changes no sum: each output is one row's dot products in a fixed order.
    expect(same(a, b)).toBe(true);
    const tr = allocTrace(net, cases);
    tr.acts[0]!.set(x);
    expect(relErr(a, Float64Array.from(forward(net, tr, cases)))).toBeLessThan(1e-5);
  });
});
