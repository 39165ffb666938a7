// The MZ-in setting that nulls one entry, for the two kinds of update.
// T(θ,φ) = g·[[e^{iφ}s, c], [e^{iφ}c, −s]], s = sin(θ/2), c = cos(θ/2), |g| = 1.
// θ = 2·atan2(·,·) ∈ [0, π] makes exact zeros land on exact bar/cross states. When both
// entries are already zero any setting works; we pick the bar state T(π, π) ≈ I so that,
// e.g., an identity matrix maps to a mesh of idle MZIs. "Zero" includes the ~1e-17
// leakage of earlier bar states (cos(π/2) is 6e-17 in floating point): nulling such dust
// would set θ from rounding noise. Inputs are unitary, so the threshold is absolute.
//
// Besides (θ, φ) the functions return s, c and the phase factor the kernels apply,
// computed algebraically from the entries (one atan2 per angle, no sin/cos) because this
// runs once per MZI, N²/2 times.
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
  if (mu2 <= DUST2 && mv2 <= DUST2) return setBar(out, -1);
  const mu = Math.sqrt(mu2), mv = Math.sqrt(mv2), rho = Math.sqrt(mu2 + mv2);
  out[0] = 2 * Math.atan2(mv, mu);
  out[2] = mv / rho;
  out[3] = mu / rho;
  const wr = ur * vr + ui * vi; // u·conj(v)
  const wi = ui * vr - ur * vi;
  const mw = Math.sqrt(wr * wr + wi * wi);
  if (mw > 0) {
    out[1] = wrap(Math.atan2(wi, wr) - Math.PI);
    out[4] = -wr / mw; // e^{−iφ} = −conj(w)/|w|
    out[5] = wi / mw;
  } else {
    const phi = wrap(Math.atan2(ui, ur) - Math.atan2(vi, vr) - Math.PI);
    out[1] = phi;
    out[4] = Math.cos(phi);
    out[5] = -Math.sin(phi);
  }
}

/**
 * Output side, T·W: column entries (u, v) in rows (r, r+1); zeroes the new entry r+1.
 * e^{iφ}·c·u − s·v = 0 ⇔ tan(θ/2) = |u|/|v|, φ = arg(v·conj u). f = e^{iφ}.
 */
export function nullOutput(ur: number, ui: number, vr: number, vi: number, out: NullSetting): void {
  const mu2 = ur * ur + ui * ui;
  const mv2 = vr * vr + vi * vi;
  if (mu2 <= DUST2 && mv2 <= DUST2) return setBar(out, 1);
  const mu = Math.sqrt(mu2), mv = Math.sqrt(mv2), rho = Math.sqrt(mu2 + mv2);
  out[0] = 2 * Math.atan2(mu, mv);
  out[2] = mu / rho;
  out[3] = mv / rho;
  const wr = vr * ur + vi * ui; // v·conj(u)
  const wi = vi * ur - vr * ui;
  const mw = Math.sqrt(wr * wr + wi * wi);
  if (mw > 0) {
    out[1] = wrap(Math.atan2(wi, wr));
    out[4] = wr / mw;
    out[5] = wi / mw;
  } else {
    const phi = wrap(Math.atan2(vi, vr) - Math.atan2(ui, ur));
    out[1] = phi;
    out[4] = Math.cos(phi);
    out[5] = Math.sin(phi);
  }
}
