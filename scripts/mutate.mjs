// `npm run mutate [-- module…]`: one Stryker run per core module (stryker.config.mjs), in turn, at
// low priority. Without arguments every module runs; `--list` prints them. Exit status is the
// first failing run's (a score below 85 % breaks the run).
import { spawnSync } from "node:child_process";
import { MODULES } from "./mutate-modules.mjs";

const args = process.argv.slice(2).filter((a) => a !== "--");
if (args.includes("--list")) {
  for (const [name, m] of Object.entries(MODULES)) console.log(`${name.padEnd(12)} ${m.what}: ${m.mutate.join(", ")}`);
  process.exit(0);
}
const unknown = args.filter((a) => !(a in MODULES));
if (unknown.length) {
  console.error(`npm run mutate: unknown module ${unknown.join(", ")}; one of ${Object.keys(MODULES).join(", ")}`);
  process.exit(2);
}
let status = 0;
for (const name of args.length ? args : Object.keys(MODULES)) {
  console.log(`\n=== mutate ${name}: ${MODULES[name].what}`);
  const r = spawnSync("npx", ["stryker", "run", "stryker.config.mjs"], {
    stdio: "inherit",
    env: { ...process.env, OPTINC_MUTATE_MODULE: name },
  });
  const code = r.status ?? 1;
  console.log(`=== ${name}: ${code === 0 ? "ok" : `failed (exit ${code})`}; reports in reports/mutation/${name}/`);
  if (code !== 0 && status === 0) status = code;
}
process.exit(status);
