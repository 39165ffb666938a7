// Once per test run: build the CLI bundle, so that spawn tests run the artifact users run, and
// compile the hostile tests' two small specs with it (tests/hostile/fixtures.ts copies the output
// into each file's workspace instead of compiling it again: the compile is deterministic).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { OTHER, TINY } from "./hostile/specs.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** A directory holding `out/` (tiny.optinc compiled) and `other/` (other.optinc). */
    hostileCompiles: string;
  }
}

export default function setup(project: TestProject): () => void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "optinc-hostile-compiles-"));
  writeFileSync(join(dir, "tiny.optinc"), TINY);
  writeFileSync(join(dir, "other.optinc"), OTHER);
  for (const [spec, out] of [
    ["tiny.optinc", "out"],
    ["other.optinc", "other"],
  ])
    execFileSync(process.execPath, [join(process.cwd(), "bin/optinc.mjs"), "compile", spec!, "-o", out!, "--no-evaluate"], {
      cwd: dir,
      stdio: "pipe",
    });
  project.provide("hostileCompiles", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
