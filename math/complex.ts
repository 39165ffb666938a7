// The one scalar complex type, [re, im] (JSON-friendly: phase tables and netlists carry it as is),
// its arithmetic, and 2×2 complex matrices built from it. Dense matrices of any size are
// math/cmat.ts (split re/im typed arrays for the hot loops); convert at the boundary.

/** A complex number as [re, im]. */
export type Complex = [number, number];
/** A 2×2 complex matrix, rows of [re, im] pairs: [[a, b], [c, d]]. */
export type Matrix2 = [[Complex, Complex], [Complex, Complex]];

export const cmul = (a: Complex, b: Complex): Complex => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
export const cadd = (a: Complex, b: Complex): Complex => [a[0] + b[0], a[1] + b[1]];
export const csub = (a: Complex, b: Complex): Complex => [a[0] - b[0], a[1] - b[1]];
export const cconj = (a: Complex): Complex => [a[0], -a[1]];
export const cscale = (a: Complex, s: number): Complex => [a[0] * s, a[1] * s];
export const cabs = (a: Complex): number => Math.hypot(a[0], a[1]);
export const cabs2 = (a: Complex): number => a[0] * a[0] + a[1] * a[1];
export const carg = (a: Complex): number => Math.atan2(a[1], a[0]);
/** mag · e^{i·phase}. */
export const cexp = (phase: number, mag = 1): Complex => [mag * Math.cos(phase), mag * Math.sin(phase)];
export const cdiv = (a: Complex, b: Complex): Complex => {
  const d = cabs2(b);
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};

/** a · b for 2×2 matrices. */
export function mul2(a: Matrix2, b: Matrix2): Matrix2 {
  return [
    [cadd(cmul(a[0][0], b[0][0]), cmul(a[0][1], b[1][0])), cadd(cmul(a[0][0], b[0][1]), cmul(a[0][1], b[1][1]))],
    [cadd(cmul(a[1][0], b[0][0]), cmul(a[1][1], b[1][0])), cadd(cmul(a[1][0], b[0][1]), cmul(a[1][1], b[1][1]))],
  ];
}

/** diag(a, b) as a 2×2. */
export const diag2 = (a: Complex, b: Complex): Matrix2 => [
  [a, [0, 0]],
  [[0, 0], b],
];

/** Circular distance between two angles, in [0, π]. */
export function angleDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return d > Math.PI ? 2 * Math.PI - d : d;
}
