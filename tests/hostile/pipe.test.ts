// "A closed output pipe turns any failure into exit 0" (issue 38): the reader of optinc's output may
// go away (`| head -c0`, `| true`); the process still finishes the command and exits with the
// status it reached, which `set -o pipefail` shows.
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inParallel, ROOT } from "./harness.ts";
import { workspace, type Workspace } from "./fixtures.ts";
import { tier } from "../helpers/tier.ts";

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace();
  writeFileSync(ws.path("bad.optinc"), "aggregator b { workers = 1 }\n");
});
afterAll(() => ws?.cleanup());

/** `optinc <args> 2>&1 | <reader>` under bash with pipefail: the pipeline's status. */
function piped(args: string, reader: string): Promise<number | null> {
  const bin = join(ROOT, "bin/optinc.mjs");
  const script = `set -o pipefail; "${process.execPath}" "${bin}" ${args} 2>&1 | ${reader}`;
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], { cwd: ws.dir, stdio: "ignore", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
    child.on("close", (code) => resolve(code));
  });
}

// npm test: one case of each exit status, with and without --json (every case in the full tier).
const CASES: [string, string, number][] = [
  ["die --seed -1 (usage)", "die out --technology foundry --seed -1", 2],
  ["--json die --seed -1", "--json die out --technology foundry --seed -1", 2],
  ["compile a bad spec", "compile bad.optinc -o never", 1],
  ["check a good spec", "check tiny.optinc", 0],
  ...tier<[string, string, number][]>(
    [],
    [
      ["check a bad spec", "check bad.optinc", 1],
      ["verify a missing target", "verify nowhere", 2],
      ["unknown command", "bogus", 2],
    ],
  ),
];

describe("exit codes survive a closed pipe", () => {
  it("`| true` and `| head -c0` keep the command's status", async () => {
    const jobs = CASES.flatMap(([, args]) => ["true", "head -c0"].map((reader) => () => piped(args, reader)));
    const codes = await inParallel(jobs);
    CASES.forEach(([what, , want], i) => {
      expect(codes[2 * i], `${what} | true`).toBe(want);
      expect(codes[2 * i + 1], `${what} | head -c0`).toBe(want);
    });
  }, 60_000);

  it("a compile piped into `head -1` still writes its files and exits 0", async () => {
    expect(await piped("compile tiny.optinc -o piped --no-evaluate", "head -1")).toBe(0);
    expect(existsSync(ws.path("piped", "tiny.netlist.json"))).toBe(true);
  }, 60_000);

  // The choice docs/reference/cli.md §6 states: a reader that leaves early, before the first
  // byte (`head -c0`, `true`), does not cut the command short; its files are written as usual.
  it("a compile whose reader leaves at once, with or without --json, still writes its files and exits 0", async () => {
    // npm test: each reader once, one of them with --json (all four pairs in the full tier)
    const all = [
      ["compile tiny.optinc -o c0 --no-evaluate", "head -c0", "c0"],
      ["--json compile tiny.optinc -o jt0 --no-evaluate", "true", "jt0"],
      ["compile tiny.optinc -o t0 --no-evaluate", "true", "t0"],
      ["--json compile tiny.optinc -o jc0 --no-evaluate", "head -c0", "jc0"],
    ] as const;
    const runs = all.slice(0, tier(2, 4));
    const codes = await inParallel(
      runs.map(
        ([args, reader]) =>
          () =>
            piped(args, reader),
      ),
    );
    runs.forEach(([args, reader, dir], i) => {
      expect(codes[i], `${args} | ${reader}`).toBe(0);
      expect(existsSync(ws.path(dir, "tiny.netlist.json")), `${args} | ${reader}`).toBe(true);
    });
  }, 60_000);
});
