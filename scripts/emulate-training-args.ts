// The arguments of scripts/emulate-training.ts, apart from the script so that tests read them
// in-process: the scenario they select, or a UsageError naming what is wrong.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Levels } from "../dsl/spec.ts";
import { readNetlistJson } from "../netlist/formats/json-io.ts";
import type { AggregateMany } from "../aggregate/aggregator.ts";
import { circuitFormat } from "../verify/circuit/shape.ts";
import { circuitAggregateMany } from "../verify/circuit/tabulated-aggregator.ts";
import { tableIIErrors } from "../system/train/error-model.ts";
import { LONG_SCENARIO, SHORT_SCENARIO, type TrainingScenario } from "../system/train/scenarios.ts";

export const USAGE = `usage: npx tsx scripts/emulate-training.ts [options]
  --long              the long scenario (4 workers, H = 64, batch 32, 3000 steps) instead of the short one
  --error-rate <r>    inject Table II output errors at rate r, 0..1
  --seed <s>          seed of the scenario, a non-negative integer
  --netlist <file>    aggregate through this compiled circuit (<name>.netlist.json)
  --json              print the result as JSON
  -h, --help          print this help
`;

export class UsageError extends Error {}

export function scenarioOf(argv: string[]): { scenario: TrainingScenario; aggregateMany?: AggregateMany; json: boolean } | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        long: { type: "boolean" },
        "error-rate": { type: "string" },
        seed: { type: "string" },
        netlist: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return null;
  let scenario: TrainingScenario = values.long ? LONG_SCENARIO : SHORT_SCENARIO;
  const rate = values["error-rate"];
  if (rate !== undefined) {
    const r = rate.trim() === "" ? NaN : Number(rate);
    if (!(r >= 0 && r <= 1)) throw new UsageError(`--error-rate must be a number in [0, 1], got '${rate}'`);
    scenario = { ...scenario, errors: tableIIErrors(r) };
  }
  if (values.seed !== undefined) {
    if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(Number(values.seed)))
      throw new UsageError(`--seed must be a non-negative integer, got '${values.seed}'`);
    scenario = { ...scenario, seed: Number(values.seed) };
  }
  let aggregateMany: AggregateMany | undefined;
  const netlist = values.netlist;
  if (netlist !== undefined) {
    let circuit;
    try {
      circuit = readNetlistJson(readFileSync(netlist, "utf8"), netlist);
    } catch (e) {
      throw new UsageError(`--netlist ${netlist}: ${(e as Error).message}`);
    }
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
  return { scenario, ...(aggregateMany ? { aggregateMany } : {}), json: values.json === true };
}
