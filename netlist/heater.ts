// The thermo-optic phase shifter's model: what a heater costs in power and how long it must be drawn
// (docs/design/layout.md §3). One definition for the structure search's power (P_PI_WATTS), the
// length encoding's shortest waveguide (netlist/formats/spice-dialect.ts) and the drawn heater.
//
// A heater of length L over a silicon waveguide shifts the phase by 2π·L·(dn/dT)·ΔT/λ, so a shift
// φ needs ΔT = φ·λ / (2π·L·dn/dT). The power is ΔT times the heater's thermal conductance to the
// substrate, which grows with L: P_π hardly depends on L, but ΔT does, so the length is set by the
// temperature rise the design allows, not by the power.

/** Heater power for a π phase shift: ≈ 25 mW for a foundry silicon thermo-optic shifter (FICONN; doped-Si heaters measure 12.7–24.8 mW). */
export const P_PI_WATTS = 0.025;

/** Thermo-optic coefficient of silicon at 1550 nm, 1/K (1.8–1.86e-4 in the literature; the larger gives the shorter heater). */
export const DN_DT_SI = 1.86e-4;

/** Design wavelength of the thermal model, µm (the length encoding's default). */
export const HEATER_WAVELENGTH_UM = 1.55;

/**
 * Largest temperature rise of the heated waveguide, K, at the largest programmed phase. Phases are
 * held in [0, 2π), so the budget covers a full 2π: 85 K keeps a die on a 25 °C stage at or below
 * 110 °C, inside the range in which dn/dT is close to constant and TiN heaters are specified.
 */
export const HEATER_MAX_RISE_K = 85;

/** Drawn lengths round up to this grid, µm. */
const LENGTH_STEP_UM = 10;

/** Temperature rise for a phase φ (rad) on a heater of length L µm, K. */
export function heaterRiseK(phi: number, lengthUm: number): number {
  return (phi * HEATER_WAVELENGTH_UM) / (2 * Math.PI * lengthUm * DN_DT_SI);
}

/**
 * The shortest heater that reaches 2π within HEATER_MAX_RISE_K, rounded up to 10 µm: λ/(dn/dT·ΔT)
 * = 1.55 / (1.86e-4 · 85) = 98.0 µm → 100 µm, the SiEPIC EBeam PDK's own default. At 100 µm a π
 * shift is a 41.7 K rise, 2π 83.3 K.
 */
export function heaterLengthUm(maxRiseK = HEATER_MAX_RISE_K): number {
  const exact = HEATER_WAVELENGTH_UM / (DN_DT_SI * maxRiseK);
  return Math.ceil(exact / LENGTH_STEP_UM - 1e-9) * LENGTH_STEP_UM;
}

/** The drawn heater length every phase shifter gets (and the length encoding's shortest waveguide). */
export const HEATER_LENGTH_UM = heaterLengthUm();
