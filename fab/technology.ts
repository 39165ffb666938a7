// The parameters a fabricated die (netlist/die/heaters.ts) is drawn from, per technology preset. Each figure
// names its source (../shared/reference/calibration.md §3 and robustness.md §2; docs/design/robustness.md
// §3.1 repeats them); "assumed" marks a value no source fixes.
// TODO(issue 22): join the unified technology vocabulary once it lands on main.

export interface FabTechnology {
  /** σ of each coupler's power coupling (Gaussian, clipped at 3σ). */
  couplerSigma: number;
  /** Insertion loss on each MZI arm, dB. */
  mziLossDb: number;
  heater: {
    /** Drive DAC bits (codes 0 … 2^bits − 1, voltage linear in code). */
    driveBits: number;
    /** Mean heater power for π, mW. */
    pPiMw: number;
    /** Relative σ of the efficiency η per heater. */
    etaSpread: number;
    /** Phase the full drive range gives a heater of mean efficiency, rad (≥ 2π with margin). */
    rangeRad: number;
  };
  crosstalk: {
    /** κ at distance atUm: victim phase / aggressor's own phase. */
    kappa: number;
    atUm: number;
    /** e-folding length of κ beyond atUm, µm. */
    decayUm: number;
    /** Smaller couplings are dropped. */
    cutoff: number;
  };
  detector: { responsivityAW: number; responsivitySpread: number; darkA: number; noiseA: number; adcBits: number; fullScaleA: number };
  /** Monitor photodiodes on dumps and terminators (read through the lab's source-measure unit). */
  monitor: { responsivityAW: number; responsivitySpread: number; darkA: number; noiseA: number };
  laser: { powerMw: number; driftRelPerStep: number };
}

const FOUNDRY: FabTechnology = {
  // 50:50 couplers: the project's ±2 % foundry figure as a 2σ band (arbitrary-ratio splitters spread
  // σ = 2–6 %, preprints.org 202310.1199; a 0.2 dB MMI is ±1.15 %).
  couplerSigma: 0.01,
  // < 0.1 dB per component (FICONN, arXiv 2208.01623).
  mziLossDb: 0.1,
  heater: {
    // 16-bit settings (FICONN; Shen 2017 16-bit phase setting).
    driveBits: 16,
    // P_π ≈ 25 mW for a foundry Si thermo-optic shifter (FICONN); 21–25 mW for TiN/W/N++ (Micromachines 13:1509).
    pPiMw: 25,
    // Assumed: Jacques 2019's successive P_π (23.2/22.7/22.1 mW) differ by 2–5 %; heater to heater 5 %.
    etaSpread: 0.05,
    // 2.5π at mean efficiency: ≥ 2.125π for a heater 15 % (3σ) below the mean, so every phase is reachable.
    rangeRad: 2.5 * Math.PI,
  },
  crosstalk: {
    // Trenched Si at a 15 µm gap: 0.11 rad victim phase at a ≈π aggressor (Jacques 2019) → 3.5 %.
    kappa: 0.035,
    atUm: 15,
    // Assumed e-folding length; gives 2.7 % at the netlists' 20 µm mode pitch, near the 2.15 % of
    // dynamic range measured system-wide (SJTU; Front. Phys. 2022).
    decayUm: 20,
    // Couplings below 1e-5 (≈ 8e-5 rad at full power) are dropped: the law has no edge a lab could see.
    cutoff: 1e-5,
  },
  detector: {
    // On-chip Ge PD: 0.95 A/W, 1.3 nA dark (Shi 2024); responsivity spread 5 % assumed.
    responsivityAW: 0.95,
    responsivitySpread: 0.05,
    darkA: 1.3e-9,
    // Read through the lab's source-measure unit: 30 pA (a 1 pA/√Hz TIA over 1 kHz, assumed; the
    // Keithley 2450 is 5 pA rms on 1 µA, 400 pA on 100 µA, lab-departures R2) plus shot noise;
    // 16-bit ADC on autoranged decades up to 10 mA (FICONN: > 13 bits). Deployment receivers are
    // noisier (σ_D ≈ 0.1 % of full scale, Shen 2017); that is verify's noise model, not the lab's.
    noiseA: 30e-12,
    adcBits: 16,
    fullScaleA: 1e-2,
  },
  // Monitors: the same Ge PD (Shi 2024), 5 % spread assumed; noise 30 pA: a 1 pA/√Hz TIA over the
  // 1 kHz reading bandwidth (assumed; Keithley 2450's 1 µA range is 5 pA rms, lab-departures R2).
  monitor: { responsivityAW: 0.95, responsivitySpread: 0.05, darkA: 1.3e-9, noiseA: 30e-12 },
  // 1 mW into each lit port; drift: a random walk of 0.1 % per step, assumed (fibre-coupling
  // repeatability 0.04 dB ≈ 0.9 %, Parisé 2025, is its bound over a re-alignment).
  laser: { powerMw: 1, driftRelPerStep: 1e-3 },
};

export const FAB_TECHNOLOGIES: Record<string, FabTechnology> = { foundry: FOUNDRY };
export const FAB_TECHNOLOGY_NAMES = Object.keys(FAB_TECHNOLOGIES);
