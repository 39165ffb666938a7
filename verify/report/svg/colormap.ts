// A cyclic colour map for phases in [0, 2π): 0 and 2π get the same colour, so wrapped
// phases read continuously.
const STOPS: Array<[number, number, number]> = [
  [226, 217, 226],
  [94, 128, 184],
  [47, 20, 60],
  [180, 60, 48],
  [226, 217, 226],
];

export function phaseColor(phase: number): string {
  const t = (((phase % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) / (2 * Math.PI);
  const s = t * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(s));
  const f = s - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const c = [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}
