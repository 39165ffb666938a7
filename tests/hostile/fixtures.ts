// A scratch workspace with tiny specs and their compiled output (compile --no-evaluate: well under
// a second each), shared by the hostile cases of one test file. The fixtures take the trained route
// (one netlist per unit, with the identity compile writes); closed-form output is exercised by
// envelope.test.ts.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, inject } from "vitest";
import { optinc } from "./harness.ts";
import { OTHER, SLOW, TINY } from "./specs.ts";

export { OTHER, SLOW, TINY } from "./specs.ts";

export interface Workspace {
  dir: string;
  /** tiny's compile output: tiny.netlist.json, tiny.report.json, … */
  out: string;
  other: string;
  path(...p: string[]): string;
  /** A fresh copy of tiny's output directory. */
  copyOut(name: string): string;
  cleanup(): void;
}

export async function workspace(): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), "optinc-hostile-"));
  writeFileSync(join(dir, "tiny.optinc"), TINY);
  writeFileSync(join(dir, "other.optinc"), OTHER);
  writeFileSync(join(dir, "slow.optinc"), SLOW);
  // tiny's and other's compile output: compiled once per test run by tests/global-setup.ts (the
  // compile is deterministic) and copied here
  const compiled = inject("hostileCompiles");
  for (const out of ["out", "other"]) cpSync(join(compiled, out), join(dir, out), { recursive: true });
  return {
    dir,
    out: join(dir, "out"),
    other: join(dir, "other"),
    path: (...p) => join(dir, ...p),
    copyOut(name) {
      const to = join(dir, name);
      mkdirSync(to, { recursive: true });
      cpSync(join(dir, "out"), to, { recursive: true });
      return to;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Run optinc in the workspace; the step must succeed (its stderr is the failure message). */
export async function runOk(ws: Workspace, args: string[]): Promise<void> {
  const r = await optinc(args, { cwd: ws.dir });
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
}

/** The lab files of one cell: paper-4x8 compiled into `cf/` and divide0's fabricated die `d.json`
 * (seed 3), made once per test run by tests/global-setup.ts with the CLI and copied here. */
export function labCell(ws: Workspace): void {
  const compiled = inject("hostileCompiles");
  cpSync(join(compiled, "cf"), ws.path("cf"), { recursive: true });
  cpSync(join(compiled, "d.json"), ws.path("d.json"));
}
