// scripts/emulate-training.ts rejects bad arguments with one clear line and exit 2, before any
// training starts (no stack trace); --help prints the usage and exits 0. Every case is read
// in-process (scripts/emulate-training-args.ts); the script itself is started under tsx (about a
// second each) for one bad value and for --help, which show its exit codes and output.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioOf, UsageError } from "../../../scripts/emulate-training-args.ts";

const ROOT = join(import.meta.dirname, "../../..");
const run = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/emulate-training.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });

describe("scripts/emulate-training.ts arguments", () => {
  const cases: [string[], RegExp][] = [
    [["--seed", "x"], /--seed must be a non-negative integer, got 'x'/],
    [["--lng"], /Unknown option '--lng'/],
    [["--netlist", "/nonexistent/x.netlist.json"], /--netlist \/nonexistent\/x\.netlist\.json: ENOENT/],
    [["--error-rate", "1.5"], /--error-rate must be a number in \[0, 1\], got '1.5'/],
    [["--error-rate"], /--error-rate <value>' argument missing/],
  ];
  it.each(cases)("%j is a usage error", (args, message) => {
    expect(() => scenarioOf(args)).toThrow(UsageError);
    expect(() => scenarioOf(args)).toThrow(message);
  });

  it("good arguments select the scenario; --help selects none", () => {
    expect(scenarioOf(["--seed", "7", "--error-rate", "0.25", "--json"])).toMatchObject({ scenario: { seed: 7 }, json: true });
    expect(scenarioOf(["--help"])).toBeNull();
  });

  it("the script: a bad value exits 2 with its line and the usage, no stack trace", () => {
    const r = run("--seed", "x");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^emulate-training: --seed must be a non-negative integer, got 'x'$/m);
    expect(r.stderr).toMatch(/^usage: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe("");
  });

  it("the script: --help prints the usage and exits 0", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npx tsx scripts\/emulate-training\.ts/);
  });
});
