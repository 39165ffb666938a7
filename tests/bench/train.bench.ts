// Training emulation: wall time and final figures of the short scenario (and of the long one
// with OPTINC_TRAIN_LONG=1), ring all-reduce vs OptINC (ideal / injected errors).
import { LONG_SCENARIO, runScenario, SHORT_SCENARIO, type TrainingScenario } from "../../system/train/scenarios.ts";
import type { BenchModule, BenchTable } from "./run.ts";

function table(name: string, s: TrainingScenario): BenchTable {
  const t0 = performance.now();
  const r = runScenario(s);
  const seconds = (performance.now() - t0) / 1000;
  const base = r.runs[0]!;
  return {
    title: `training emulation (${name}): MNIST 784-${s.hidden}-10, ${s.workers} workers × ${s.batchPerWorker}, ${s.steps} steps, ${s.precision}-bit PAM-${s.levels}`,
    columns: ["aggregator", "test acc %", "test loss", "Δacc pp", "Δloss", "rel |Δg|"],
    rows: r.runs.map((run, i) => [
      run.name,
      (100 * run.finalAccuracy).toFixed(2),
      run.finalLoss.toFixed(4),
      i === 0 ? "—" : (100 * (run.finalAccuracy - base.finalAccuracy)).toFixed(2),
      i === 0 ? "—" : (run.finalLoss - base.finalLoss).toFixed(4),
      run.meanRelativeGradientError.toExponential(2),
    ]),
    notes: [
      `wall time ${seconds.toFixed(1)} s for ${r.runs.length} runs (${((r.runs.length * s.steps) / seconds).toFixed(0)} steps/s); paper (ResNet50/CIFAR-100): −0.03% ideal, −0.55% with errors`,
    ],
  };
}

export const bench: BenchModule = {
  name: "train",
  run() {
    const out = [table("short", SHORT_SCENARIO)];
    if (process.env.OPTINC_TRAIN_LONG === "1") out.push(table("long", LONG_SCENARIO));
    return out;
  },
};
