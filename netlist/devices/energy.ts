// Energy per aggregated bit: sourced device energies and pure functions that price a chip's parts
// in W and pJ per bit (docs/design/energy.md). Sources are the cited sections of
// ../shared/reference/power-budget.md ([S]: the number is in the cited text; [I]: inferred there or
// here from sourced inputs; ASSUMPTION: no source found, the value is a labelled guess).
import type { Circuit } from "../ir.ts";
import { SWITCH_ASIC_PJ, type Sourced } from "../../dsl/technology.ts";

/** A phase-shifter technology and what holding a phase costs. */
export interface ShifterTechnology {
  name: ShifterName;
  /**
   * Holding power: `per-phase` draws pPiMw × φ/π for a held phase φ ∈ [0, 2π) (thermo-optic);
   * `per-shifter` draws holdMw whatever the phase.
   */
  rule: "per-phase" | "per-shifter";
  pPiMw: number;
  holdMw: number;
  /** Insertion loss of one shifter, dB (per-phase: at φ = π, scaled by φ/π; null: not in the source). */
  lossDb: number | null;
  lossRule: "fixed" | "per-phase";
  /** Settling time, s. */
  settleS: number;
  /** Drive electronics held per shifter, mW (a static DAC channel). */
  driveMw: number;
  source: string;
}

export type ShifterName = "thermo-optic" | "mems" | "piezo" | "pcm";

/** Static DAC channel per shifter that needs a held drive, mW. */
export const DRIVE_MW_PER_SHIFTER = 0.1;
export const DRIVE_SOURCE = "ASSUMPTION: 0.1 mW per static DAC channel, no source found";

export const SHIFTERS: Record<ShifterName, ShifterTechnology> = {
  "thermo-optic": {
    name: "thermo-optic",
    rule: "per-phase",
    pPiMw: 24.77,
    holdMw: 0,
    lossDb: 0.23,
    lossRule: "fixed",
    // 130 kHz −3 dB bandwidth: time constant 1/(2π·130 kHz) = 1.22 µs [I].
    settleS: 1 / (2 * Math.PI * 130e3),
    driveMw: DRIVE_MW_PER_SHIFTER,
    source: "doped-Si heater, 24.77 mW/π, 0.23 dB, 130 kHz: Harris et al., Opt. Express 22:10487 (2014) [S, §4]",
  },
  mems: {
    name: "mems",
    rule: "per-shifter",
    pPiMw: 0,
    holdMw: 0,
    lossDb: 0.33,
    lossRule: "fixed",
    settleS: 1 / (2 * Math.PI * 1.03e6),
    driveMw: DRIVE_MW_PER_SHIFTER,
    source: "Si MEMS (IMEC iSiPP50G), ~0 static, 0.33 dB, 1.03 MHz: Edinger et al., Opt. Lett. 46:5671 (2021) [S, §4]",
  },
  piezo: {
    name: "piezo",
    rule: "per-shifter",
    pPiMw: 0,
    holdMw: 20e-6,
    lossDb: null,
    lossRule: "fixed",
    settleS: 750e-9,
    driveMw: DRIVE_MW_PER_SHIFTER,
    source: "AlN on SiN (Sandia), 20 nW steady state per MZI (taken per shifter), 750 ns; loss not stated: OE 27(20) (2019) [S, §4]",
  },
  pcm: {
    name: "pcm",
    rule: "per-shifter",
    pPiMw: 0,
    holdMw: 0,
    lossDb: 0.3,
    lossRule: "per-phase",
    // µs–ms write; the lower end.
    settleS: 1e-6,
    driveMw: 0,
    source: "Sb2Se3 non-volatile, 0 static, 0.3 dB/π, µs–ms write: Fang et al., PhotoniX (2022) [S, §4]; no held drive",
  },
};

export const SHIFTER_NAMES = Object.keys(SHIFTERS) as ShifterName[];

export { CPO_PJ, PLUGGABLE_PJ, SWITCH_ASIC_PJ, type Sourced } from "../../dsl/technology.ts";

/** Receiver half of one O-E-O, pJ/bit: 32-λ PAM-4 receiver, BER < 1e-12, no DSP. */
export const RX_PJ_PER_BIT: Sourced = { value: 0.38, source: "< 0.38 pJ/bit PAM-4 Rx, arXiv 2507.12452 [S, §1.2]" };
/** Transmitter half of one O-E-O, pJ/bit. */
export const TX_PJ_PER_BIT: Sourced = { value: 0.106, source: "106 fJ/bit ring Tx, arXiv 2510.12163 [S, §5/§6]" };
/** The product-grade end of the O-E-O range, pJ/bit: 1.2 pJ/bit Rx + 0.2 pJ/bit MZM driver. */
export const OEO_HIGH_PJ_PER_BIT: Sourced = {
  value: 1.4,
  source: "1.2 pJ/bit Rx (Wu 2023) + 0.2 pJ/bit MZM (Baehr-Jones 2012) [S, §1.2, §5]",
};
/** A sign-sensitive activation: balanced PD + TIA and a modulator driver, per event (one symbol of one mode). */
export const ACTIVATION_PJ: Sourced = {
  value: RX_PJ_PER_BIT.value + TX_PJ_PER_BIT.value,
  source: "balanced PD + TIA (0.38 pJ) + modulator driver (0.106 pJ) per symbol [I, §5]",
};
/** Laser wall-plug efficiency. */
export const WALL_PLUG: Sourced = { value: 0.2, source: "ASSUMPTION: the usual modelling constant, 20 % (20–25 %) [I, §2]" };

/** Wraps a phase to [0, 2π). */
export function wrapPhase(x: number): number {
  const t = 2 * Math.PI;
  return ((x % t) + t) % t;
}

/** Every phase shifter of a circuit (the `phase` instances reached from its top netlist), its held phase in [0, 2π). */
export function heldPhases(circuit: Circuit): number[] {
  const out: number[] = [];
  const visit = (name: string): void => {
    const n = circuit.netlists[name];
    if (!n) return;
    for (const inst of Object.values(n.instances)) {
      if (inst.component === "phase") out.push(wrapPhase(Number(inst.settings.phi ?? 0)));
      else if (circuit.netlists[inst.component]) visit(inst.component);
    }
  };
  visit(circuit.top);
  return out;
}

/** Holding power of shifters at their phases, mW (drive electronics not included). */
export function shifterHoldMw(t: ShifterTechnology, phases: readonly number[]): number {
  if (t.rule === "per-shifter") return t.holdMw * phases.length;
  let sum = 0;
  for (const p of phases) sum += (t.pPiMw * wrapPhase(p)) / Math.PI;
  return sum;
}

/** Mean insertion loss per shifter at the held phases, dB (null: the source states none). */
export function shifterMeanLossDb(t: ShifterTechnology, phases: readonly number[]): number | null {
  if (t.lossDb === null || phases.length === 0) return t.lossDb;
  if (t.lossRule === "fixed") return t.lossDb;
  return (t.lossDb * phases.reduce((a, p) => a + wrapPhase(p), 0)) / phases.length / Math.PI;
}

/** Bits one lane carries per second: symbol rate × log2(levels). */
export function laneBitRate(symbolRateGBd: number, levels: number): number {
  return symbolRateGBd * 1e9 * Math.log2(levels);
}

/** One priced term: W and pJ per aggregated input bit, with its source. */
export interface EnergyTerm {
  term: string;
  watts: number;
  pjPerBit: number;
  source: string;
}

/** pJ per bit of a power at a bit rate. */
export function pjPerBit(watts: number, bitsPerSecond: number): number {
  return (watts / bitsPerSecond) * 1e12;
}

/** The total of a breakdown, recomputed from its terms (W). */
export function totalWatts(terms: readonly EnergyTerm[]): number {
  return terms.reduce((a, t) => a + t.watts, 0);
}

/**
 * Whether a breakdown's stated total is its terms' sum (relative 1e-9) and every term's pJ/bit is its
 * watts at the bit rate: the check a dropped or altered term fails.
 */
export function breakdownConsistent(
  terms: readonly EnergyTerm[],
  total: { watts: number; pjPerBit: number },
  bitsPerSecond: number,
): boolean {
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-30);
  return (
    close(totalWatts(terms), total.watts) &&
    close(pjPerBit(total.watts, bitsPerSecond), total.pjPerBit) &&
    terms.every((t) => close(pjPerBit(t.watts, bitsPerSecond), t.pjPerBit))
  );
}

/** Electrical in-network reduction per input bit: a transceiver traversal up and one down, plus one ASIC pass. */
export function electricalIncPj(transceiverPj: number, asicPj = SWITCH_ASIC_PJ.value): number {
  return 2 * transceiverPj + asicPj;
}

/** Ring all-reduce per input bit: each worker sends (and receives) 2(N−1)/N of its data, one traversal per bit. */
export function ringAllReducePj(workers: number, transceiverPj: number): number {
  return ((2 * (workers - 1)) / workers) * transceiverPj;
}
