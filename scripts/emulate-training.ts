// Command-line entry of the data-parallel training emulation (system/train/scenarios.ts):
//   npx tsx scripts/emulate-training.ts [--long] [--error-rate r] [--seed s] [--netlist <name.netlist.json>] [--json]
// With --netlist, the OptINC runs aggregate through that compiled circuit (tabulated over its
// digit-sum space) instead of the golden function, in the circuit's own format.
// Exit codes: 0 done, 2 bad arguments or an unreadable netlist.
import { formatScenario, runScenario } from "../system/train/scenarios.ts";
import { scenarioOf, USAGE, UsageError } from "./emulate-training-args.ts";

let run;
try {
  run = scenarioOf(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`emulate-training: ${e.message}\n${USAGE}`);
  process.exit(2);
}
if (run === null) {
  process.stdout.write(USAGE);
} else {
  const t0 = performance.now();
  const result = runScenario(run.scenario, { aggregateMany: run.aggregateMany });
  const seconds = (performance.now() - t0) / 1000;
  if (run.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  else process.stdout.write(formatScenario(result) + `(${seconds.toFixed(1)} s)\n`);
}
