// A heater's fringe fitted from noisy, ADC-quantized readings (compiler/calibrate/lab/fringe-fit.ts):
// the estimates land within their stated uncertainties, and the stated uncertainties match the
// spread over repeated noisy sweeps (so they are neither optimistic nor padded).
import { describe, expect, it } from "vitest";
import { createRng } from "../../math/rng.ts";
import { fitFringe } from "../../compiler/calibrate/lab/fringe-fit.ts";

const wrapSigned = (x: number): number => Math.atan2(Math.sin(x), Math.cos(x));

/** Readings of r = a + b cos(ψ + ηP) at n powers uniform in [0, pMax], noise σ, an ADC of `bits` over [0, fs]. */
function sweep(seed: number, n: number, psi: number, eta: number, noise: number, bits = 16, fs = 1): { p: Float64Array; r: Float64Array } {
  const rng = createRng(seed);
  const pMax = 62.5;
  const p = Float64Array.from({ length: n }, (_, i) => (pMax * i) / (n - 1));
  const lsb = fs / 2 ** bits;
  const r = Float64Array.from(p, (x) =>
    Math.min(fs, Math.max(0, Math.round((0.3 + 0.2 * Math.cos(psi + eta * x) + noise * rng.normal()) / lsb) * lsb)),
  );
  return { p, r };
}

describe("fitFringe", () => {
  it("recovers offset and efficiency exactly from noiseless readings (continuous ADC)", () => {
    const { p, r } = sweep(1, 40, 4.2, 0.131, 0, 52);
    const f = fitFringe(p, r, 0.1, 0.16);
    expect(Math.abs(wrapSigned(f.psiRad - 4.2))).toBeLessThan(1e-9);
    expect(f.eta).toBeCloseTo(0.131, 10);
    expect(f.b).toBeCloseTo(0.2, 9);
  });

  it("states uncertainties that match the spread of repeated noisy sweeps (64 readings, noise 0.1 % of full scale)", () => {
    const errs: number[] = [];
    const sig: number[] = [];
    for (let k = 0; k < 40; k++) {
      const { p, r } = sweep(100 + k, 64, 1.3, 0.125, 1e-3);
      const f = fitFringe(p, r, 0.1, 0.16);
      errs.push(wrapSigned(f.psiRad - 1.3));
      sig.push(f.sigmaPsi);
      expect(Math.abs(errs[k]!)).toBeLessThan(5 * f.sigmaPsi);
    }
    const rms = Math.sqrt(errs.reduce((a, e) => a + e * e, 0) / errs.length);
    const stated = sig.reduce((a, s) => a + s, 0) / sig.length;
    expect(rms / stated).toBeGreaterThan(0.6);
    expect(rms / stated).toBeLessThan(1.6);
  });

  it("finds the wrong phase when the efficiency's prior excludes the true one (the prior matters; the check can fail)", () => {
    const { p, r } = sweep(3, 64, 2.0, 0.125, 1e-3);
    const f = fitFringe(p, r, 0.05, 0.08, 100);
    expect(f.rms).toBeGreaterThan(0.01);
  });

  it("fits a heater law that bends (φ = ψ + ηP + γP²) to its curvature, where the straight fit misses by a few hundredths of a radian", () => {
    const pMax = 62.5;
    const p = Float64Array.from({ length: 40 }, (_, i) => (pMax * i) / 39);
    const gamma = 0.126 * 5e-4; // η·β, β = 5·10⁻⁴ /mW (lab-departures H2)
    const r = Float64Array.from(p, (x) => 0.3 + 0.2 * Math.cos(1.1 + 0.126 * x + gamma * x * x));
    const bent = fitFringe(p, r, 0.08, 0.2, 100, true);
    expect(Math.abs(wrapSigned(bent.psiRad - 1.1))).toBeLessThan(1e-6);
    expect(bent.gamma / gamma).toBeCloseTo(1, 5);
    const straight = fitFringe(p, r, 0.08, 0.2, 100);
    expect(straight.gamma).toBe(0);
    expect(Math.abs(wrapSigned(straight.psiRad - 1.1))).toBeGreaterThan(0.02);
    // On a straight law the freed curvature stays at zero.
    const flat = Float64Array.from(p, (x) => 0.3 + 0.2 * Math.cos(1.1 + 0.126 * x));
    expect(Math.abs(fitFringe(p, flat, 0.08, 0.2, 100, true).gamma)).toBeLessThan(1e-12);
  });
});
