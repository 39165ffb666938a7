// A sweep over worker counts through optinc's library API: one spec per count, compiled, and a CSV
// of each design's MZIs, yield and compile time. Run from a folder where optinc is installed:
//   node node_modules/optinc/examples/sweep.mjs 2 3 4 > sweep.csv
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compile, OptincError } from "optinc";

const counts = process.argv.slice(2).map(Number);
const dir = "sweep";
mkdirSync(dir, { recursive: true });
const rows = ["workers,mzis,yield_passing,yield_trials,yield_lower_95,target,compile_s"];
for (const workers of counts.length ? counts : [2, 3, 4]) {
  const spec = join(dir, `w${workers}.optinc`);
  writeFileSync(
    spec,
    `aggregator w${workers} {
  workers   = ${workers}
  precision = 4 bits
  levels    = 4
  technology { preset = calibrated  yield = 99 %  target_confidence = 95 % }
}
`,
  );
  try {
    const { report } = await compile({ spec, out: join(dir, `w${workers}`) });
    const y = report.yield;
    rows.push(
      [
        workers,
        report.hardware.mzi,
        y?.passing,
        y?.trials,
        y?.target.lower.toFixed(4),
        y?.target.verdict,
        report.timing.total.toFixed(1),
      ].join(","),
    );
  } catch (e) {
    if (!(e instanceof OptincError)) throw e;
    process.stderr.write(`${e.message}\n`);
    rows.push(`${workers},,,,,${e.code},`);
  }
}
process.stdout.write(`${rows.join("\n")}\n`);
