// Mutation testing of the core modules (docs/design/testing.md §3). `npm run mutate [-- module…]` runs one
// Stryker pass per module below (scripts/mutate.mjs sets OPTINC_MUTATE_MODULE), each with only the
// test files that own that module, so a module takes minutes on 2 cores. Reports go to
// reports/mutation/<module>/ (mutation.html, mutation.json). A module below 85 % fails the run.
import { MODULES } from "./scripts/mutate-modules.mjs";

const name = process.env.OPTINC_MUTATE_MODULE ?? "";
const mod = MODULES[name];
if (!mod)
  throw new Error(`stryker.config.mjs: set OPTINC_MUTATE_MODULE to one of ${Object.keys(MODULES).join(", ")} (npm run mutate does)`);

// The module's test files reach vitest through the environment (vitest.mutate.config.ts), not
// Stryker's `testFiles`: with `testFiles`, Stryker 9.6.1 activates static mutants after their
// module has loaded and reports them as survivors (stryker-js issue #6144).
process.env.OPTINC_MUTATE_TESTS = mod.testFiles.join(",");

export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutate.config.ts", related: false },
  mutate: mod.mutate,
  coverageAnalysis: "perTest",
  concurrency: Number(process.env.OPTINC_MUTATE_CONCURRENCY ?? 2),
  // A mutant that loops forever is cut after the test run's own time × 1.5 + 10 s (and counts as detected).
  timeoutMS: 10_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${name}/mutation.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: "always",
  ignorePatterns: ["dist", "out", "reports", ".stryker-tmp"],
};
