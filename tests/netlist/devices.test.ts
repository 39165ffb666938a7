// The device physics of netlist/devices/: erfc and Q against values computed elsewhere (CPython's
// math.erfc) and against the asymptotic series in the far tail, the PAM thresholds of the sourced
// power-budget reference, and the receiver's noise terms at its worked figures.
import { describe, expect, it } from "vitest";
import { decisionErrorRate, pamSymbolErrorRate } from "../../netlist/devices/error-rate.ts";
import { erfc, normalTail as qFunction, normalTailInverse as qInverse } from "../../math/normal.ts";
import { noiseBandwidthHz, receiverNoise, receiverSigmaA } from "../../netlist/devices/receiver.ts";
import type { Receiver } from "../../dsl/technology.ts";

// CPython 3 math.erfc (a correctly rounded libm erfc).
const ERFC: [number, number][] = [
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028513],
  [1.9, 0.0072095707647425325],
  [2, 0.004677734981047265],
  [2.1, 0.002979466656332984],
  [2.5, 0.0004069520174449589],
  [3, 2.2090496998585438e-5],
  [4, 1.541725790028002e-8],
  [5, 1.5374597944280351e-12],
  [6, 2.1519736712498916e-17],
  [7, 4.183825607779414e-23],
  [8, 1.1224297172982928e-29],
  [9, 4.13703174651381e-37],
];

/** erfc(x) ≈ e^{−x²}/(x√π)·Σ (−1)^n (2n−1)!!/(2x²)^n, summed while the terms shrink. */
function asymptotic(x: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 60; n++) {
    const next = (-term * (2 * n - 1)) / (2 * x * x);
    if (Math.abs(next) >= Math.abs(term)) break;
    term = next;
    sum += term;
  }
  return (Math.exp(-x * x) / (x * Math.sqrt(Math.PI))) * sum;
}

describe("erfc and Q", () => {
  it("match CPython's erfc to a relative 1e-12 from 0.5 to 9 (1e-37)", () => {
    for (const [x, v] of ERFC) expect(Math.abs(erfc(x) - v) / v, `erfc(${x})`).toBeLessThan(1e-12);
    expect(erfc(0)).toBe(1);
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 15);
  });

  it("agree with the asymptotic series in the far tail (x ≥ 5: rates down to 1e-15 and below)", () => {
    for (let x = 5; x <= 12; x += 0.25) expect(Math.abs(erfc(x) / asymptotic(x) - 1), `x = ${x}`).toBeLessThan(1e-6);
  });

  it("are continuous where the series hands over to the continued fraction", () => {
    const below = erfc(2 - 1e-12);
    const above = erfc(2);
    expect(Math.abs(below - above) / above).toBeLessThan(1e-10);
  });

  it("Q(7.034) ≈ 1e-12, and qInverse inverts Q over 1e-15 … 0.5", () => {
    expect(qFunction(7.034484) / 1e-12).toBeCloseTo(1, 5);
    for (const p of [0.5, 0.1, 2.4e-4, 1e-6, 1e-12, 1e-15]) expect(qFunction(qInverse(p)) / p).toBeCloseTo(1, 9);
    expect(qInverse(0.5)).toBeCloseTo(0, 12);
  });

  it("give the PAM-4 thresholds of the sourced table: Q = 3.41 at BER 2.4e-4 and 6.99 at 1e-12 (BER = SER / 2)", () => {
    // SER = 2(1 − 1/4)·Q(q), BER = SER / log2(4).
    expect(qInverse((2.4e-4 * 2) / 1.5)).toBeCloseTo(3.41, 2);
    expect(qInverse((1e-12 * 2) / 1.5)).toBeCloseTo(6.99, 2);
    expect(pamSymbolErrorRate(4, 2 * 6.99, 1)).toBeCloseTo(1.5 * qFunction(6.99), 25);
  });

  it("a decision's rate is the two tails beside it; an outer level has one", () => {
    expect(decisionErrorRate(3, 3, 1)).toBeCloseTo(2 * qFunction(3), 15);
    expect(decisionErrorRate(null, 3, 1)).toBeCloseTo(qFunction(3), 15);
    expect(decisionErrorRate(-1, null, 1)).toBeGreaterThan(0.5);
  });
});

describe("the receiver", () => {
  const rx: Receiver = { responsivityAW: 0.8, darkCurrentNa: 0, noiseDensityPaRtHz: 15, bandwidthFraction: 0.5 };
  const B = noiseBandwidthHz(rx, 53.125);

  it("has the noise terms of the sourced worked example at 53 GBd (thermal 2.45 µA; at 100 µW shot 0.83 µA, RIN −136 2.1 µA)", () => {
    const n = receiverNoise(rx, -136, B, 0.1);
    expect(Math.sqrt(n.thermal) * 1e6).toBeCloseTo(2.445, 2);
    expect(Math.sqrt(n.shot) * 1e6).toBeCloseTo(0.83, 2);
    expect(Math.sqrt(n.rin) * 1e6).toBeCloseTo(2.1, 1);
    expect(receiverSigmaA(rx, -136, B, 0.1)).toBeCloseTo(Math.sqrt(n.thermal + n.shot + n.rin), 15);
  });

  it("is thermal-limited at −8.9 dBm OMA for PAM-4 at 1e-12 (the sourced sensitivity)", () => {
    // OMA/σ = 42 at 1e-12 (3 steps of 2·6.99σ): OMA = 42 × 2.45 µA / 0.8 A/W.
    const sigma = Math.sqrt(receiverNoise(rx, -200, B, 0).thermal);
    const omaMw = ((3 * 2 * 6.99 * sigma) / 0.8) * 1e3;
    expect(10 * Math.log10(omaMw)).toBeCloseTo(-8.9, 1);
  });
});
