// Times chipYield on a closed-form spec: npx tsx scripts/probe-yield.ts <spec> [trials] [seed]
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { loadSpec } from "../dsl/load.ts";
import { compileClosedForm, chipDesigns } from "../pipeline/compile/closed-form.ts";
import { technologyOf } from "../dsl/technology.ts";
import { chipYield } from "../verify/cells/chip-pool.ts";

const [file = "examples/paper-4x8.optinc", trialsArg = "100", seedArg = "1"] = process.argv.slice(2);
const loaded = loadSpec(file, readFileSync(file, "utf8"));
if (!loaded.checked) throw new Error(JSON.stringify(loaded.diagnostics));
const spec = loaded.checked.spec;
const res = compileClosedForm(loaded.checked, { formats: ["json"], toleranceTrials: 0, skipEvaluation: true, maxComposeCases: 2000 });
const designs = chipDesigns(res.steps);
const tech = technologyOf(spec.technology);
console.log(`${designs.length} designs, ${designs.reduce((s, d) => s + d.copies, 0)} copies`);
const t0 = performance.now();
const c0 = process.cpuUsage();
const y = chipYield({ designs, o: tech, trials: Number(trialsArg), seed: Number(seedArg) });
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
const digest = createHash("sha256").update(JSON.stringify(y)).digest("hex").slice(0, 16);
console.log(
  `chipYield ${trialsArg} chips: ${(ms / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s cpu; yield ${y.yield}; passing ${y.passing}; digest ${digest}`,
);
console.log(JSON.stringify(y.perDesign));
