// The vitest configuration Stryker runs (npm run mutate): only the test files of the module under
// mutation (OPTINC_MUTATE_TESTS, set by stryker.config.mjs), without the global CLI build (no
// mutated module reaches the bundle) and without the CI closing-line reporter.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: process.env.OPTINC_MUTATE_TESTS?.split(",") ?? ["tests/**/*.test.ts"],
    exclude: ["tests/bench/**", "node_modules/**"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
