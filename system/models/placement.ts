// Where a job's ranks sit: "ordered" puts rank r on host r; "random" draws N distinct hosts out of
// `hosts` (a seeded shuffle), as a scheduler on a shared cluster does (rank-ordered placement is
// the best case; random is what multi-tenant traces show).
import { createRng, shuffleInPlace } from "../../math/rng.ts";

export function placeRanks(workers: number, hosts: number, placement: "random" | "ordered", seed: number): Int32Array {
  if (hosts < workers) throw new Error(`cannot place ${workers} ranks on ${hosts} hosts`);
  const all = new Int32Array(hosts);
  for (let h = 0; h < hosts; h++) all[h] = h;
  if (placement === "ordered") return all.subarray(0, workers);
  shuffleInPlace(all, createRng(seed));
  return all.subarray(0, workers);
}
