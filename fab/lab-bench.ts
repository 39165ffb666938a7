// The simulated lab (`optinc measure`, issue #23): runs protocol steps on a fabricated die and
// returns what the instruments read — photocurrents, never element values. Every step sets the
// heater codes and input powers, waits for the heaters to settle, and reads the named photodiodes
// and the laser's reference tap once.
//
// Instruments (docs/robustness.md §6, docs/calibration.md §9; "assumed" where no source fixes it):
// - monitor photodiodes on dump ports: responsivity 0.95 A/W ± 5 %, dark 1.3 nA (Ge PD, Shi 2024),
//   read over 1 ms by a source-measure unit: thermal noise 30 pA (assumed 1 pA/√Hz TIA) plus shot
//   noise, 16-bit ADC on autoranged decades 10 nA … 10 mA full scale (assumed SMU);
// - output detectors read their homodyne quadrature: G·Re(y), G = 2·R·√(1 mW LO), same readout;
// - the laser drifts as a random walk of the die's driftRelPerStep per step; a 10 % reference tap
//   (responsivity 0.95 A/W, same readout) is read with every step, so a lab can divide it out.
// The lab's stream (seed) is separate from the die's: the same die measured twice differs only in
// noise.
import { createRng } from "../math/rng.ts";
import type { FabDie } from "../netlist/die/heaters.ts";
import { passiveDie, realizedPhases } from "../netlist/die/heaters.ts";
import type { LabCircuit } from "../netlist/lab/optics.ts";
import { labEngine } from "../netlist/lab/propagate.ts";

export interface LabStep {
  powers: ArrayLike<number>;
  codes: ArrayLike<number>;
  read: number[];
}

export interface LabReading {
  values: number[];
  ref: number;
}

export const LAB_INSTRUMENTS = {
  monitorResponsivityAW: 0.95,
  monitorResponsivitySpread: 0.05,
  monitorDarkA: 1.3e-9,
  thermalNoiseA: 30e-12,
  bandwidthHz: 1000,
  adcBits: 16,
  /** Autorange decades: full scales 1e-8 … 1e-2 A. */
  ranges: [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2],
  loMw: 1,
  refTap: 0.1,
  settleMs: 0.05,
  readMs: 1,
} as const;

const Q = 1.602176634e-19;
/** Powers are in mW, responsivities in A/W. */
const MW = 1e-3;

/** One reading through the source-measure unit: noise, then the ADC of the autoranged decade. */
function adc(i: number, normal: () => number): number {
  const L = LAB_INSTRUMENTS;
  const sigma = Math.sqrt(L.thermalNoiseA ** 2 + 2 * Q * Math.abs(i) * L.bandwidthHz);
  const x = i + sigma * normal();
  const fs = L.ranges.find((r) => Math.abs(x) <= r) ?? L.ranges[L.ranges.length - 1]!;
  const lsb = fs / 2 ** (L.adcBits - 1);
  return Math.max(-fs, Math.min(fs, Math.round(x / lsb) * lsb));
}

export interface LabBench {
  run(steps: LabStep[]): LabReading[];
}

/** A lab bench on one die: a seeded stream for its instruments and noise, kept across rounds. */
export function labBench(lc: LabCircuit, die: FabDie, seed: number): LabBench {
  const L = LAB_INSTRUMENTS;
  const rng = createRng(seed * 104729 + 0x1ab);
  const eng = labEngine(
    lc,
    passiveDie(die),
    die.heaters.map((h) => h.path),
  );
  const nSites = lc.sites.length;
  const resp = lc.sites.map(() => L.monitorResponsivityAW * (1 + L.monitorResponsivitySpread * rng.normal()));
  const dark = lc.sites.map(() => L.monitorDarkA * (0.5 + rng.next()));
  const gain = lc.detectors.map((_, m) => 2 * (die.detectors[m]?.responsivityAW ?? L.monitorResponsivityAW) * Math.sqrt(L.loMw));
  const refResp = L.monitorResponsivityAW * (1 + L.monitorResponsivitySpread * rng.normal());
  let drift = 0;
  return {
    run(steps) {
      return steps.map((st) => {
        drift += die.laser.driftRelPerStep * rng.normal();
        const k = 1 + drift;
        const f = eng.fields(
          realizedPhases(die, st.codes),
          Array.from(st.powers, (p) => p * k),
        );
        const values = st.read.map((ro) => {
          if (ro < nSites) return adc(resp[ro]! * f.power[ro]! * MW + dark[ro]!, rng.normal);
          return adc(gain[ro - nSites]! * f.detectorRe[ro - nSites]! * Math.sqrt(k) * MW, rng.normal);
        });
        const ref = adc(refResp * L.refTap * die.laser.powerMw * k * MW, rng.normal);
        return { values, ref };
      });
    },
  };
}
