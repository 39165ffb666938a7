// The MZ-in setting that nulls one entry, for the two kinds of update.
// T(θ,φ) = g·[[e^{iφ}s, c], [e^{iφ}c, −s]], s = sin(θ/2), c = cos(θ/2), |g| = 1.
// θ = 2·atan2(·,·) ∈ [0, π] makes exact zeros land on exact bar/cross states. When both
// entries are already zero any setting works; we pick the bar state T(π, π) ≈ I so that,
// e.g., an identity matrix maps to a mesh of idle MZIs. "Zero" includes the ~1e-17
// leakage of earlier bar states (cos(π/2) is 6e-17 in floating point): nulling such dust
// would set θ from rounding noise. Inputs are unitary, so the threshold is absolute.
//
// Besides (θ, φ) the functions return s, c and the phase factor the kernels apply, into a
// scratch array (no allocation: this runs N²/2 times). They are evaluated with sin/cos of
// the recorded angles, not algebraically from the entries: then the update applied to the
// work matrix is exactly the emitted MZI matrix, which measurably lowers the
// reconstruction error (Reck N=128: 1.1e-15 vs 4.4e-15 with s = |v|/ρ etc.).
import { wrap } from "./raw.ts";

const DUST2 = 1e-30; // (1e-15)²
const S_BAR = Math.sin(Math.PI / 2);
const C_BAR = Math.cos(Math.PI / 2);

/** Scratch layout: [θ, φ, s, c, Re f, Im f]. */
export type NullSetting = Float64Array;

export function newSetting(): NullSetting {
  return new Float64Array(6);
}

function setBar(out: NullSetting, sign: number): void {
  out[0] = Math.PI;
  out[1] = Math.PI;
  out[2] = S_BAR;
  out[3] = C_BAR;
  out[4] = Math.cos(Math.PI);
  out[5] = sign * Math.sin(Math.PI);
}

/**
 * Input side, W·T†: row entries (u, v) in columns (k, k+1); zeroes the new entry k.
 * u·e^{−iφ}·s + v·c = 0 ⇔ tan(θ/2) = |v|/|u|, φ = arg(u·conj v) − π. f = e^{−iφ}.
 */
export function nullInput(ur: number, ui: number, vr: number, vi: number, out: NullSetting): void {
  const mu2 = ur * ur + ui * ui;
  const mv2 = vr * vr + vi * vi;
  if (mu2 <= DUST2 && mv2 <= DUST2) {
    setBar(out, -1);
    return;
  }
  const mu = Math.sqrt(mu2),
    mv = Math.sqrt(mv2);
  const theta = 2 * Math.atan2(mv, mu);
  out[0] = theta;
  out[2] = Math.sin(theta / 2);
  out[3] = Math.cos(theta / 2);
  const wr = ur * vr + ui * vi; // u·conj(v); zero when u or v is (then φ is free)
  const wi = ui * vr - ur * vi;
  const phi = wr !== 0 || wi !== 0 ? wrap(Math.atan2(wi, wr) - Math.PI) : wrap(Math.atan2(ui, ur) - Math.atan2(vi, vr) - Math.PI);
  out[1] = phi;
  out[4] = Math.cos(phi);
  out[5] = -Math.sin(phi);
}

/**
 * Output side, T·W: column entries (u, v) in rows (r, r+1); zeroes the new entry r+1.
 * e^{iφ}·c·u − s·v = 0 ⇔ tan(θ/2) = |u|/|v|, φ = arg(v·conj u). f = e^{iφ}.
 */
export function nullOutput(ur: number, ui: number, vr: number, vi: number, out: NullSetting): void {
  const mu2 = ur * ur + ui * ui;
  const mv2 = vr * vr + vi * vi;
  if (mu2 <= DUST2 && mv2 <= DUST2) {
    setBar(out, 1);
    return;
  }
  const mu = Math.sqrt(mu2),
    mv = Math.sqrt(mv2);
  const theta = 2 * Math.atan2(mu, mv);
  out[0] = theta;
  out[2] = Math.sin(theta / 2);
  out[3] = Math.cos(theta / 2);
  const wr = vr * ur + vi * ui; // v·conj(u)
  const wi = vi * ur - vr * ui;
  const phi = wr !== 0 || wi !== 0 ? wrap(Math.atan2(wi, wr)) : wrap(Math.atan2(vi, vr) - Math.atan2(ui, ur));
  out[1] = phi;
  out[4] = Math.cos(phi);
  out[5] = Math.sin(phi);
}
