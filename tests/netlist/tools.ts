// External tools some tests need (Debian's ngspice, python3 with numpy). Missing on a developer
// machine: the tests are skipped with a loud reason. Missing under CI (CI is set; .ci/run installs
// them through scripts/ci-deps.sh): a test fails, so CI never passes without running them.
import { spawnSync } from "node:child_process";
import { it } from "vitest";

export interface Tool {
  available: boolean;
  /** Executable to spawn. */
  command: string;
}

function probe(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { encoding: "utf8", timeout: 30_000 });
  return r.status === 0;
}

export const NGSPICE: Tool = { command: "ngspice", available: probe("ngspice", ["-v"]) };

/** Debian's python3 first (what CI installs numpy into), then whatever python3 is on PATH. */
export const PYTHON_NUMPY: Tool = (() => {
  for (const command of ["/usr/bin/python3", "python3"]) if (probe(command, ["-c", "import numpy"])) return { command, available: true };
  return { command: "python3", available: false };
})();

/**
 * `it` when the tool is there; otherwise a skipped test whose name says why (and a warning on
 * stderr), or, under CI, a failing test.
 */
export function itWith(tool: Tool, what: string): typeof it {
  if (tool.available) return it;
  const reason = `${what} is not installed: run scripts/ci-deps.sh (CI installs it and fails without it)`;
  if (process.env.CI) {
    return ((name: string) =>
      it(`${name} [${what} missing]`, () => {
        throw new Error(reason);
      })) as unknown as typeof it;
  }
  process.stderr.write(`\n*** SKIPPED: ${reason} ***\n`);
  return ((name: string) => it.skip(`${name} [SKIPPED: ${what} missing]`, () => {})) as unknown as typeof it;
}

/** Debian's KLayout, run headless (klayout -b -r script.py). */
export const KLAYOUT: Tool = { command: "klayout", available: probe("klayout", ["-v"]) };
