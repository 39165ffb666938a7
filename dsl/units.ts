// Units by dimension, each with its factor to the SI base unit that Spec stores.
// Case matters: Gb/s (gigabits) and GB/s (gigabytes) differ by 8×; mb would be millibits, so it is absent.

export type Dimension = "bitrate" | "time" | "length" | "loss" | "angle" | "bits" | "bytes" | "count" | "flops" | "flop-rate" | "fraction";

const SI: Record<string, number> = { "": 1, K: 1e3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

function prefixed(base: string, factor: number, prefixes: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of prefixes) out[`${p}${base}`] = SI[p]! * factor;
  return out;
}

export const UNITS: Record<Dimension, Record<string, number>> = {
  bitrate: { ...prefixed("b/s", 1, ["", "k", "K", "M", "G", "T"]), ...prefixed("B/s", 8, ["", "k", "K", "M", "G", "T"]) },
  time: { s: 1, ms: 1e-3, us: 1e-6, "\u00b5s": 1e-6, ns: 1e-9, ps: 1e-12 },
  length: { m: 1, km: 1e3, cm: 1e-2, mm: 1e-3 },
  loss: { dB: 1 },
  angle: { rad: 1, mrad: 1e-3, urad: 1e-6, "\u00b5rad": 1e-6, deg: Math.PI / 180 },
  bits: { bit: 1, bits: 1 },
  bytes: {
    ...prefixed("B", 1, ["", "k", "K", "M", "G", "T"]),
    KiB: 1024,
    MiB: 1024 ** 2,
    GiB: 1024 ** 3,
    TiB: 1024 ** 4,
  },
  count: { params: 1, K: 1e3, "K params": 1e3, M: 1e6, "M params": 1e6, G: 1e9, "G params": 1e9, B: 1e9, "B params": 1e9 },
  flops: { ...prefixed("FLOP", 1, ["", "G", "T", "P"]) },
  "flop-rate": { ...prefixed("FLOP/s", 1, ["", "G", "T", "P"]) },
  fraction: { "%": 0.01 },
};

/** What each dimension is called in messages, and an example for hints. */
export const DIMENSION_INFO: Record<Dimension, { what: string; example: string }> = {
  bitrate: { what: "a bit rate", example: "800 Gb/s" },
  time: { what: "a time", example: "2.7 us" },
  length: { what: "a length", example: "10 m" },
  loss: { what: "a loss in dB", example: "0.02 dB" },
  angle: { what: "an angle", example: "0.002 rad" },
  bits: { what: "a number of bits", example: "8 bits" },
  bytes: { what: "a size in bytes", example: "94.9 MB" },
  count: { what: "a count", example: "25.6 M params" },
  flops: { what: "a number of floating-point operations", example: "1.0 TFLOP" },
  "flop-rate": { what: "a FLOP rate", example: "60 TFLOP/s" },
  fraction: { what: "a percentage", example: "99 %" },
};

/** The dimension a unit belongs to, if it is known at all (to say "a time, not a bit rate"). */
export function dimensionOf(unit: string): Dimension | undefined {
  for (const [dim, table] of Object.entries(UNITS) as [Dimension, Record<string, number>][]) if (unit in table) return dim;
  return undefined;
}

export function allUnits(): string[] {
  return [...new Set(Object.values(UNITS).flatMap((t) => Object.keys(t)))];
}
