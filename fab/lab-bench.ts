// The simulated lab (`optinc measure`): runs protocol steps on a fabricated die and
// returns what the instruments read — photocurrents, never element values. Every step sets the
// heater codes and input powers, waits for the heaters to settle (the step's own wait, else the
// instrument's), and reads the named photodiodes and the laser's reference tap once.
//
// What the die file states (fab/draw.ts, fab/departures.ts) and this bench uses:
// - monitor photodiodes (`monitors`): responsivity (0 = dead), dark current, readout noise; read
//   through an autoranged source-measure unit (16-bit, decades 10 nA … 10 mA) with shot noise;
//   a die file without monitors gets the instruments' nominal ones (0.95 A/W ± 5 %, 1.3 nA, 30 pA);
// - output detectors (`detectors`): their homodyne quadrature G·Re(y), G = 2·R·√(1 mW LO), read with
//   the detector's own noise, ADC bits and top range; the local oscillator alone reads R·P_LO plus
//   dark (the receiver's responsivity, for the acceptance round);
// - the laser (`laser`): a random walk of driftRelPerStep per step that a 10 % reference tap
//   (0.95 A/W ± 5 %, read with every step) sees, and the input coupling's random walk
//   couplingDriftRelPerStep that it does not see (the local oscillator does not pass the coupling);
// - heaters: the die's law (netlist/die/heaters.ts realizedPhases) and, with `thermal`, a slow tail
//   that settles with tailMs after each change (the lab waits the step's settleMs, then reads for readMs).
// The lab's stream (seed) is separate from the die's: the same die measured twice differs only in
// noise.
import { createRng } from "../math/rng.ts";
import type { FabDetector, FabDie, FabMonitor } from "../netlist/die/heaters.ts";
import { realizedPhases } from "../netlist/die/heaters.ts";
import type { LabCircuit } from "../netlist/lab/optics.ts";
import { dieEngine } from "../netlist/lab/die-engine.ts";

export interface LabStep {
  powers: ArrayLike<number>;
  codes: ArrayLike<number>;
  read: number[];
  /** The wait after the codes are set, before reading, ms (absent: the instrument's settleMs). */
  settleMs?: number;
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

/**
 * One reading through an autoranged source-measure unit: the readout's noise plus shot noise, then
 * the ADC of the smallest decade range that holds it (1e-8 A up to the readout's full scale, where
 * it saturates).
 */
function adc(i: number, normal: () => number, r: Readout = SMU): number {
  const sigma = Math.sqrt(r.noiseA ** 2 + 2 * Q * Math.abs(i) * LAB_INSTRUMENTS.bandwidthHz);
  const x = i + sigma * normal();
  let fs: number = LAB_INSTRUMENTS.ranges[0];
  while (fs < r.fullScaleA && Math.abs(x) > fs) fs *= 10;
  fs = Math.min(fs, r.fullScaleA);
  const lsb = fs / 2 ** (r.adcBits - 1);
  return Math.max(-fs, Math.min(fs, Math.round(x / lsb) * lsb));
}

interface Readout {
  noiseA: number;
  adcBits: number;
  fullScaleA: number;
}

const SMU: Readout = {
  noiseA: LAB_INSTRUMENTS.thermalNoiseA,
  adcBits: LAB_INSTRUMENTS.adcBits,
  fullScaleA: LAB_INSTRUMENTS.ranges[LAB_INSTRUMENTS.ranges.length - 1]!,
};

export interface LabBench {
  run(steps: LabStep[]): LabReading[];
  /** The input coupling (1 + its walk) at every step run so far: the simulated world's truth, for checks only. */
  couplingTrace?(): readonly number[];
}

/** A lab bench on one die: a seeded stream for its instruments and noise, kept across rounds. */
export function labBench(lc: LabCircuit, die: FabDie, seed: number): LabBench {
  const L = LAB_INSTRUMENTS;
  const rng = createRng(seed * 104729 + 0x1ab);
  const eng = dieEngine(lc, die);
  const nSites = lc.sites.length;
  const nDet = lc.detectors.length;
  // Monitors: the die's photodiodes; a die file without them (written before they were die
  // elements) gets the instruments' nominal ones, drawn from the lab's stream.
  const monitors: FabMonitor[] =
    die.monitors && die.monitors.length === nSites
      ? die.monitors
      : lc.sites.map((site) => ({
          name: site.name,
          responsivityAW: L.monitorResponsivityAW * (1 + L.monitorResponsivitySpread * rng.normal()),
          darkA: L.monitorDarkA * (0.5 + rng.next()),
          noiseA: L.thermalNoiseA,
        }));
  const nominal: FabDetector = { name: "", responsivityAW: L.monitorResponsivityAW, darkA: 0, ...SMU };
  const dets = lc.detectors.map((_, m) => die.detectors[m] ?? nominal);
  const gain = dets.map((d) => 2 * d.responsivityAW * Math.sqrt(L.loMw));
  const refResp = L.monitorResponsivityAW * (1 + L.monitorResponsivitySpread * rng.normal());
  let drift = 0;
  let coupling = 0;
  const trace: number[] = [];
  const couplingStep = die.laser.couplingDriftRelPerStep ?? 0;
  // The heaters' slow thermal tail: a state that relaxes toward each step's phases.
  const tail = die.thermal && die.thermal.tailFraction > 0 ? die.thermal : null;
  let slow: Float64Array | null = null;
  const relax = (phi: Float64Array, ms: number): void => {
    const a = Math.exp(-ms / tail!.tailMs);
    for (let i = 0; i < phi.length; i++) slow![i] = phi[i]! + (slow![i]! - phi[i]!) * a;
  };
  // An unheated section has no DAC channel: a code there is a program's mistake, not a reading.
  const unheated = die.heaters.flatMap((h, i) => (h.unheated ? [i] : []));
  return {
    couplingTrace: () => trace,
    run(steps) {
      return steps.map((st) => {
        for (const i of unheated)
          if (st.codes[i] !== 0)
            throw new Error(`lab bench: ${die.heaters[i]!.name} is an unheated section, code ${st.codes[i]} drives nothing`);
        drift += die.laser.driftRelPerStep * rng.normal();
        if (couplingStep) coupling += couplingStep * rng.normal();
        trace.push(1 + coupling);
        const k = 1 + drift;
        // Light into the chip: the laser's drift and the input coupling's; the tap sees the laser only.
        const kc = k * (1 + coupling);
        let phases = realizedPhases(die, st.codes);
        if (tail) {
          slow ??= realizedPhases(die, new Int32Array(st.codes.length));
          relax(phases, st.settleMs ?? L.settleMs);
          const now = phases.map((p, i) => (1 - tail.tailFraction) * p + tail.tailFraction * slow![i]!);
          relax(phases, L.readMs);
          phases = now;
        }
        const f = eng.fields(
          phases,
          Array.from(st.powers, (p) => p * kc),
        );
        const values = st.read.map((ro) => {
          if (ro < nSites) {
            const mo = monitors[ro]!;
            return adc(mo.responsivityAW * f.power[ro]! * MW + mo.darkA, rng.normal, { ...SMU, noiseA: mo.noiseA });
          }
          const m = ro < nSites + nDet ? ro - nSites : ro - nSites - nDet;
          // The local oscillator comes from the same laser (k) but not through the chip's input coupling.
          if (ro < nSites + nDet) return adc(gain[m]! * f.detectorRe[m]! * Math.sqrt(k) * MW, rng.normal, dets[m]!);
          // A receiver's local oscillator alone: its DC photocurrent R·P_LO plus dark, read by the SMU.
          return adc(dets[m]!.responsivityAW * L.loMw * k * MW + dets[m]!.darkA, rng.normal, dets[m]!);
        });
        const ref = adc(refResp * L.refTap * die.laser.powerMw * k * MW, rng.normal);
        return { values, ref };
      });
    },
  };
}
