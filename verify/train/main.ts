// Command-line entry: `npx tsx verify/train/main.ts [--long] [--json]`.
import { formatScenario, LONG_SCENARIO, runScenario, SHORT_SCENARIO } from "./scenarios.ts";

const args = process.argv.slice(2);
const scenario = args.includes("--long") ? LONG_SCENARIO : SHORT_SCENARIO;
const t0 = performance.now();
const result = runScenario(scenario);
const seconds = (performance.now() - t0) / 1000;
if (args.includes("--json")) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
else process.stdout.write(formatScenario(result) + `(${seconds.toFixed(1)} s)\n`);
