import { defineConfig } from "vitest/config";

// Full-size end-to-end runs (the trained paper-4x8 compile with its whole ngspice deck, about one
// min) run with `npm run test:full`; `npm test` keeps the small trained compile end to end.
const full = process.env.OPTINC_FULL === "1";
const exclude = ["tests/bench/**", "node_modules/**", ...(full ? [] : ["tests/e2e/**"])];
// Files that mock a module (vi.mock) run isolated; every other file shares its worker's module
// cache, so the code under test is imported once per worker instead of once per file.
const mocking = ["tests/hostile/commit.test.ts"];

export default defineConfig({
  test: {
    reporters: ["default", "./tests/closing-line-reporter.ts"],
    globalSetup: ["./tests/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One thread per test process: both cores already run test files (runtime/worker-threads.ts).
    env: { OPTINC_JOBS: "1" },
    // Vitest leaves one core free by default: on the 2-core reference machine that is one worker.
    // Most files are CPU-bound, so both cores run files.
    maxWorkers: "100%",
    // The full tier lays out the trained example's large mesh in one worker (tests/e2e): more than
    // Node's default heap of about 4 GB (it died there; with this, past it at 9.2 GB resident).
    execArgv: full ? ["--max-old-space-size=12288"] : [],
    projects: [
      { extends: true, test: { name: "shared", include: ["tests/**/*.test.ts"], exclude: [...exclude, ...mocking], isolate: false } },
      { extends: true, test: { name: "isolated", include: mocking, exclude } },
    ],
  },
});
