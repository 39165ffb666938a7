// scripts/emulate-training.ts rejects bad arguments with one clear line and exit 2, before any
// training starts (no stack trace); --help prints the usage and exits 0.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tier } from "../../helpers/tier.ts";

const ROOT = join(import.meta.dirname, "../../..");
const run = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/emulate-training.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });

describe("scripts/emulate-training.ts arguments", () => {
  // each case starts the script under tsx (about a second): npm test runs a bad value, an unknown
  // option and a missing file; the full tier every case
  const cases: [string[], RegExp][] = [
    [["--seed", "x"], /--seed must be a non-negative integer, got 'x'/],
    [["--lng"], /Unknown option '--lng'/],
    [["--netlist", "/nonexistent/x.netlist.json"], /--netlist \/nonexistent\/x\.netlist\.json: ENOENT/],
    ...tier<[string[], RegExp][]>(
      [],
      [
        [["--error-rate", "1.5"], /--error-rate must be a number in \[0, 1\], got '1.5'/],
        [["--error-rate"], /--error-rate <value>' argument missing/],
      ],
    ),
  ];
  it.each(cases)("%j → exit 2", (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^usage: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe("");
  });

  it("--help prints the usage and exits 0", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npx tsx scripts\/emulate-training\.ts/);
  });
});
