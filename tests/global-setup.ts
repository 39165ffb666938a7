// Once per test run: build the CLI bundle, so that spawn tests run the artifact users run, and
// compile the hostile tests' two small specs and the lab cell (paper-4x8 and divide0's fabricated
// die) with it (tests/hostile/fixtures.ts copies the output into each file's workspace instead of
// compiling it again: the compile is deterministic). The compiles run side by side, as both cores
// would otherwise wait for the tests to start.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { OTHER, TINY } from "./hostile/specs.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** A directory holding `out/` (tiny.optinc compiled), `other/` (other.optinc), `cf/`
     * (examples/paper-4x8.optinc, --no-evaluate) and `d.json` (divide0's fabricated die, seed 3);
     * tests/helpers/examples.ts lays examples out under it, so the run's end removes them. */
    hostileCompiles: string;
  }
}

const run = promisify(execFile);

export default async function setup(project: TestProject): Promise<() => void> {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "optinc-hostile-compiles-"));
  writeFileSync(join(dir, "tiny.optinc"), TINY);
  writeFileSync(join(dir, "other.optinc"), OTHER);
  const optinc = (args: string[]) => run(process.execPath, [join(process.cwd(), "bin/optinc.mjs"), ...args], { cwd: dir });
  const paper = join(process.cwd(), "examples/paper-4x8.optinc");
  await Promise.all([
    optinc(["compile", "tiny.optinc", "-o", "out", "--no-evaluate"]),
    optinc(["compile", "other.optinc", "-o", "other", "--no-evaluate"]),
    optinc(["compile", paper, "-o", "cf", "--no-evaluate"]).then(() =>
      optinc(["die", "cf", "--cell", "divide0", "--technology", "foundry", "--fabricated", "--seed", "3", "-o", "d.json"]),
    ),
  ]);
  project.provide("hostileCompiles", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
