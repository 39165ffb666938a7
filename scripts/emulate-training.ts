// Command-line entry:
//   npx tsx scripts/emulate-training.ts [--long] [--error-rate r] [--seed s] [--netlist <name.netlist.json>] [--json]
// With --netlist, the OptINC runs aggregate through that compiled circuit (tabulated over its
// digit-sum space) instead of the golden function, in the circuit's own format.
import { readFileSync } from "node:fs";
import type { Levels } from "../dsl/spec.ts";
import { readNetlistJson } from "../netlist/json-io.ts";
import type { AggregateMany } from "../aggregate/aggregator.ts";
import { circuitFormat } from "../verify/circuit/shape.ts";
import { circuitAggregateMany } from "../verify/circuit/tabulated-aggregator.ts";
import { tableIIErrors } from "../system/train/error-model.ts";
import { formatScenario, LONG_SCENARIO, runScenario, SHORT_SCENARIO, type TrainingScenario } from "../system/train/scenarios.ts";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const args = process.argv.slice(2);
let scenario: TrainingScenario = args.includes("--long") ? LONG_SCENARIO : SHORT_SCENARIO;
const rate = flag("--error-rate");
const seed = flag("--seed");
if (rate !== undefined) {
  const r = Number(rate);
  if (!(r >= 0 && r <= 1)) {
    process.stderr.write(`--error-rate must be in [0, 1], got ${rate}\n`);
    process.exit(2);
  }
  scenario = { ...scenario, errors: tableIIErrors(r) };
}
if (seed !== undefined) {
  if (!/^\d+$/.test(seed)) {
    process.stderr.write(`--seed must be a non-negative integer, got ${seed}\n`);
    process.exit(2);
  }
  scenario = { ...scenario, seed: Number(seed) };
}
let aggregateMany: AggregateMany | undefined;
const netlist = flag("--netlist");
if (netlist !== undefined) {
  const circuit = readNetlistJson(readFileSync(netlist, "utf8"), netlist);
  const { source } = circuitFormat(circuit);
  const rounding = circuit.info.rounding;
  scenario = {
    ...scenario,
    workers: source.workers,
    levels: source.levels as Levels,
    precision: Math.round(source.digits * Math.log2(source.levels)),
    rounding: rounding === "nearest-even" || rounding === "nearest-away" || rounding === "floor" ? rounding : scenario.rounding,
  };
  aggregateMany = circuitAggregateMany(circuit);
}
const t0 = performance.now();
const result = runScenario(scenario, { aggregateMany });
const seconds = (performance.now() - t0) / 1000;
if (args.includes("--json")) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
else process.stdout.write(formatScenario(result) + `(${seconds.toFixed(1)} s)\n`);
