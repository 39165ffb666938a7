// How a tolerance level is written: three significant digits, exponent form outside [1e-3, 1e4).
/** A level with 3 significant digits: 0.0123, 1.23e-7. */
export function level(x: number): string {
  if (x === Infinity) return "∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? String(Number(x.toPrecision(3))) : x.toExponential(2).replace("e+", "e");
}
