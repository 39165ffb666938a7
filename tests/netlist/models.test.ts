// Primitive models against the MZ-in convention module and closed forms.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attenuatorSetting, couplerMatrix, mziMatrix, TWO_PI } from "../../netlist/mzi.ts";
import type { Netlist } from "../../netlist/ir.ts";
import { activationFn, detectDigit, MODELS } from "../../netlist/models.ts";
import { PORTS_2X2 } from "../../netlist/ports.ts";
import { transferMatrix } from "../../netlist/sim/propagate.ts";

function modelMatrix(component: string, settings: Record<string, number | string>) {
  const m = MODELS[component];
  const spec = m.ports(settings);
  const nl: Netlist = {
    instances: { x: { component, settings } },
    connections: {},
    ports: Object.fromEntries([...spec.inputs, ...spec.outputs].map((p) => [p, `x,${p}`])),
  };
  return transferMatrix(nl, spec.inputs, spec.outputs);
}

describe("primitive models", () => {
  it("the port map puts mode m on o2 → o3 and mode m+1 on o1 → o4", () => {
    expect(PORTS_2X2).toEqual({ inputs: ["o2", "o1"], outputs: ["o3", "o4"], both: [] });
    // A bar coupler (coupling 0) passes o2 → o3 only: the top mode stays on top.
    const t = modelMatrix("coupler", { coupling: 0 });
    expect([t.re[0], t.re[1], t.re[2], t.re[3]]).toEqual([1, 0, 0, 1]);
  });

  it("the mzi sub-circuit of couplers and phase shifters reproduces mziMatrix", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: TWO_PI, noNaN: true }), fc.double({ min: 0, max: TWO_PI, noNaN: true }), (theta, phi) => {
        const t = modelMatrix("mzi", { theta, phi });
        const ref = mziMatrix(theta, phi);
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 2; j++) {
            expect(Math.abs(t.re[i * 2 + j] - ref[i][j][0])).toBeLessThan(1e-15);
            expect(Math.abs(t.im[i * 2 + j] - ref[i][j][1])).toBeLessThan(1e-15);
          }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("bar and cross identities: T(π, π) = I, T(0, 0) = i·swap", () => {
    const bar = modelMatrix("mzi", { theta: Math.PI, phi: Math.PI });
    const cross = modelMatrix("mzi", { theta: 0, phi: 0 });
    expect(Math.hypot(bar.re[0] - 1, bar.im[0], bar.re[1], bar.im[1], bar.re[3] - 1, bar.im[3])).toBeLessThan(1e-15);
    expect(Math.hypot(cross.re[0], cross.im[0], cross.re[1], cross.im[1] - 1, cross.im[2] - 1, cross.re[3])).toBeLessThan(1e-15);
  });

  it("coupler with imbalance equals couplerMatrix(coupling + imbalance)", () => {
    const t = modelMatrix("coupler", { coupling: 0.5, imbalance: 0.03 });
    const ref = couplerMatrix(0.53);
    expect(t.re[0]).toBeCloseTo(ref[0][0][0], 15);
    expect(t.im[1]).toBeCloseTo(ref[0][1][1], 15);
    expect(() => modelMatrix("coupler", { coupling: 0.9, imbalance: 0.2 })).toThrow(/outside \[0, 1\]/);
  });

  it("attenuator (MZI with dark/dumped auxiliary mode) transmits σ", () => {
    for (const sigma of [
      [0.3, 0.4],
      [0, 0],
      [1, 0],
      [-0.2, -0.7],
    ] as [number, number][]) {
      const { theta, phi } = attenuatorSetting(sigma);
      const t = modelMatrix("attenuator", { theta, phi });
      expect(Math.hypot(t.re[0] - sigma[0], t.im[0] - sigma[1])).toBeLessThan(1e-15);
    }
  });

  it("phase shifter and waveguide apply loss as amplitude 10^(−dB/20)", () => {
    const p = modelMatrix("phase", { phi: 1, loss_db: 3 });
    expect(Math.hypot(p.re[0], p.im[0])).toBeCloseTo(10 ** (-3 / 20), 15);
    expect(Math.atan2(p.im[0], p.re[0])).toBeCloseTo(1, 15);
    expect(modelMatrix("waveguide", { loss_db: 6 }).re[0]).toBeCloseTo(10 ** (-6 / 20), 15);
  });

  it("splitter tree sends 1/n of the power to each output; combiner sums in-phase inputs / √n", () => {
    for (const n of [1, 2, 4, 8, 16]) {
      const s = modelMatrix("splitter_tree", { n });
      for (let k = 0; k < n; k++) expect(s.re[k] ** 2 + s.im[k] ** 2).toBeCloseTo(1 / n, 14);
      const c = modelMatrix("combiner", { n });
      for (let k = 0; k < n; k++) {
        expect(c.re[k]).toBeCloseTo(1 / Math.sqrt(n), 14);
        expect(c.im[k]).toBeCloseTo(0, 14);
      }
    }
    expect(() => modelMatrix("splitter_tree", { n: 3 })).toThrow(/power of two/);
  });

  it("activation and detector follow their documented transfer functions", () => {
    const re = Float64Array.from([1, -1, 0, 2]);
    const im = Float64Array.from([0.5, 0.5, 1, -1]);
    activationFn({ function: "relu" })(re, im, 0, 4);
    expect([...re, ...im]).toEqual([1, 0, 0, 2, 0.5, 0, 0, -1]);
    const r2 = Float64Array.from([-2]);
    const i2 = Float64Array.from([1]);
    activationFn({ function: "leaky-relu", slope: 0.1 })(r2, i2, 0, 1);
    expect([r2[0], i2[0]]).toEqual([-0.2, 0.1]);
    expect(() => activationFn({ function: "tanh" })).toThrow(/unknown function/);
    expect([-5, 0.4, 0.6, 2.49, 99].map((v) => detectDigit(v, 1, 0, 4))).toEqual([0, 0, 1, 2, 3]);
    expect(detectDigit(1.25, 0.5, 0.25, 8)).toBe(2);
  });
});
