// A photodetector and its transimpedance amplifier (TIA), and the laser that lights it: pure
// functions of the technology vocabulary's LaserSource and Receiver (dsl/technology.ts). Powers are
// in mW at the function boundary, currents in A. The noise of one read at the symbol rate
// (docs/design/power-budget.md §2):
//
//   I   = R·P + I_d
//   σ²  = i_n²·B  +  2q·(R·P + I_d)·B  +  RIN·(R·P̄)²·B,      B = fraction × baud
//
// thermal (the TIA's input-referred density i_n), shot, and the laser's relative intensity noise.
import type { LaserSource, Receiver } from "../../dsl/technology.ts";

/** Elementary charge, C (SI, exact). */
export const ELECTRON_CHARGE = 1.602176634e-19;

/** Noise bandwidth of a receiver at a symbol rate, Hz. */
export function noiseBandwidthHz(rx: Receiver, symbolRateGBd: number): number {
  return rx.bandwidthFraction * symbolRateGBd * 1e9;
}

/** Photocurrent of an optical power (mW) at the photodiode, dark current included, A. */
export function photocurrentA(rx: Receiver, powerMw: number): number {
  return rx.responsivityAW * powerMw * 1e-3 + rx.darkCurrentNa * 1e-9;
}

/** The three noise variances of one read, A²: thermal, shot and RIN. */
export interface NoiseTerms {
  thermal: number;
  shot: number;
  rin: number;
}

/**
 * Noise of one read at power `powerMw` on the photodiode, with RIN taken at `meanPowerMw` (the
 * power whose intensity noise the read carries; the read's own power by default).
 */
export function receiverNoise(rx: Receiver, rinDbHz: number, bandwidthHz: number, powerMw: number, meanPowerMw = powerMw): NoiseTerms {
  const i = photocurrentA(rx, powerMw);
  const iMean = rx.responsivityAW * meanPowerMw * 1e-3;
  const iN = rx.noiseDensityPaRtHz * 1e-12;
  return {
    thermal: iN * iN * bandwidthHz,
    shot: 2 * ELECTRON_CHARGE * i * bandwidthHz,
    rin: 10 ** (rinDbHz / 10) * iMean * iMean * bandwidthHz,
  };
}

/** σ of one read, A: the root of the summed variances. */
export function receiverSigmaA(rx: Receiver, rinDbHz: number, bandwidthHz: number, powerMw: number, meanPowerMw = powerMw): number {
  const n = receiverNoise(rx, rinDbHz, bandwidthHz, powerMw, meanPowerMw);
  return Math.sqrt(n.thermal + n.shot + n.rin);
}

/** Electrical power a laser draws for an optical output (mW): optical / wall-plug efficiency. */
export function laserElectricalMw(laser: LaserSource, opticalMw: number): number {
  return opticalMw / laser.wallPlugEfficiency;
}

/** Power through a loss (dB): P·10^(−dB/10). */
export function afterLossMw(powerMw: number, lossDb: number): number {
  return powerMw * 10 ** (-lossDb / 10);
}

/** mW to dBm. */
export function dbm(powerMw: number): number {
  return 10 * Math.log10(powerMw);
}
