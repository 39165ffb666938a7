// Emulation results → the report's training section.
import type { TrainingSection } from "../../verify/report/types.ts";
import type { ScenarioResult } from "../../system/train/scenarios.ts";

export function toTrainingSection(r: ScenarioResult): TrainingSection {
  const s = r.scenario;
  return {
    runs: r.runs.map((run) => ({ name: run.name, curve: run.curve, finalAccuracy: run.finalAccuracy, finalLoss: run.finalLoss })),
    description: `MNIST, MLP 784-${s.hidden}-10, ${s.workers} data-parallel workers × batch ${s.batchPerWorker}, ${s.steps} SGD steps (lr ${s.learningRate}, seed ${s.seed}); OptINC path: ${s.precision}-bit block quantization (block ${s.blockSize}), PAM-${s.levels}, golden aggregator; injected errors at rate ${s.errors.rate} per value (±1 step ${Math.round(100 * s.errors.magnitudes[0]!.probability)}% of errors).`,
  };
}
