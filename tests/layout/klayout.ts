// Runs scripts/klayout/check_layout.py (or a small script) with Debian's KLayout and returns its JSON.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KLAYOUT } from "../netlist/tools.ts";

export interface CheckResult {
  read: { cells: number; top: string; dbu: number };
  drc: Record<string, number>;
  drc_violations: number;
  /** The first locations of each rule's markers. */
  drc_where: Record<string, string[]>;
  connectivity: {
    cells_checked: number;
    mismatches: number;
    cells: Record<string, { mismatches: number; examples: string[]; instances: number; connections: number; crossings: number }>;
  };
  lengths: { arms: Record<string, number | null>; paths_checked: number; max_residual_nm: number; period_um: number };
}

export function runKlayout(script: string, vars: Record<string, string>, timeoutMs = 600_000): string {
  const args = ["-b", "-r", script, ...Object.entries(vars).flatMap(([k, v]) => ["-rd", `${k}=${v}`])];
  const r = spawnSync(KLAYOUT.command, args, { encoding: "utf8", timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`klayout failed (${r.status}): ${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

export function checkLayout(gds: string, netlists: string, extra: Record<string, string> = {}, timeoutMs?: number): CheckResult {
  const out = join(mkdtempSync(join(tmpdir(), "optinc-klayout-")), "check.json");
  runKlayout("scripts/klayout/check_layout.py", { gds, netlists, out, ...extra }, timeoutMs);
  return JSON.parse(readFileSync(out, "utf8")) as CheckResult;
}

/** Run a Python snippet inside KLayout (pya imported) and return what it prints. */
export function klayoutPython(code: string): string {
  const dir = mkdtempSync(join(tmpdir(), "optinc-klayout-"));
  const script = join(dir, "snippet.py");
  writeFileSync(script, `import pya, json\n${code}\n`);
  return runKlayout(script, {});
}
