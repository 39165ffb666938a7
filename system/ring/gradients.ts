// Synthetic gradients for the ring and OptINC data paths: seeded, so every run is reproducible.
import { createRng } from "../../math/rng.ts";

/** N workers' gradients of `elements` fp32 values, normal with standard deviation `sigma`. */
export function syntheticGradients(workers: number, elements: number, seed: number, sigma = 1e-3): Float32Array[] {
  const rng = createRng(seed);
  const out: Float32Array[] = [];
  for (let w = 0; w < workers; w++) {
    const g = new Float32Array(elements);
    for (let i = 0; i < elements; i++) g[i] = rng.normal() * sigma;
    out.push(g);
  }
  return out;
}
