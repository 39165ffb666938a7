// Scalar complex arithmetic and 2×2 matrices for the per-element calibration solves.
export type C = [number, number];
/** Row-major 2×2: [m00, m01, m10, m11]. */
export type C2 = [C, C, C, C];

export const cmul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
export const cadd = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
export const csub = (a: C, b: C): C => [a[0] - b[0], a[1] - b[1]];
export const cconj = (a: C): C => [a[0], -a[1]];
export const cscale = (a: C, s: number): C => [a[0] * s, a[1] * s];
export const cabs = (a: C): number => Math.hypot(a[0], a[1]);
export const cabs2 = (a: C): number => a[0] * a[0] + a[1] * a[1];
export const carg = (a: C): number => Math.atan2(a[1], a[0]);
export const cexp = (phase: number, mag = 1): C => [mag * Math.cos(phase), mag * Math.sin(phase)];
export const cdiv = (a: C, b: C): C => {
  const d = cabs2(b);
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};

export function mul2(a: C2, b: C2): C2 {
  return [
    cadd(cmul(a[0], b[0]), cmul(a[1], b[2])),
    cadd(cmul(a[0], b[1]), cmul(a[1], b[3])),
    cadd(cmul(a[2], b[0]), cmul(a[3], b[2])),
    cadd(cmul(a[2], b[1]), cmul(a[3], b[3])),
  ];
}

/** diag(a, b) as a 2×2. */
export const diag2 = (a: C, b: C): C2 => [a, [0, 0], [0, 0], b];

/** A directional coupler of power coupling k: [[τ, iκ], [iκ, τ]]. */
export function coupler2(k: number): C2 {
  const t = Math.sqrt(1 - k);
  const c = Math.sqrt(k);
  return [[t, 0], [0, c], [0, c], [t, 0]];
}

/** Circular distance between two angles, in [0, π]. */
export function angleDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return d > Math.PI ? 2 * Math.PI - d : d;
}
