// Runs scripts/klayout/check_layout.py (or a small script) with Debian's KLayout and returns its JSON;
// KlayoutBatch runs several in one KLayout start (scripts/klayout/batch.py); expectCleanChip is the
// check every whole chip must pass.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
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
  /** The reviewer's thermal gap: heaters checked, markers, nearest and median gap under it (µm). */
  thermal: { gap_um: number; heaters: number; markers: number; nearest_gap_um: number | null; median_gap_um: number | null };
  /** The reviewer's M2 over Si: the limit (µm) and the pieces found. */
  metal_over_si: { along_max_um: number; crossings: number };
  /** Crossing cells (and crossings) on the worst path between two pins, per netlist cell and overall. */
  crossings_per_path: {
    limit: number;
    max_cells: number;
    max_crossings: number;
    cells: Record<string, { max_cells: number; max_crossings: number }>;
  };
  /** Tiles of the width, space and pad rules that hold any shape. */
  drc_tiles: number;
  /** Wall-clock seconds of each part of the check. */
  seconds: Record<string, number>;
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

/** Write a Python snippet as a script file (pya and json imported) for KLayout to run. */
function snippet(code: string): string {
  const script = join(mkdtempSync(join(tmpdir(), "optinc-klayout-")), "snippet.py");
  writeFileSync(script, `import pya, json\n${code}\n`);
  return script;
}

/** One job's entry in scripts/klayout/batch.py's status file. */
export interface BatchStatus {
  script: string;
  ok: boolean;
  seconds: number;
  error: string | null;
}

/** Several KLayout scripts run by one KLayout start (scripts/klayout/batch.py): queue the jobs, run
 * them once, then read each job's JSON. Each job writes its own file (its `-rd out=`); a failed
 * job throws its error when its JSON is read, so only the tests that read it fail. */
export class KlayoutBatch {
  private readonly dir = mkdtempSync(join(tmpdir(), "optinc-klayout-batch-"));
  private readonly jobs: { name: string; script: string; vars: Record<string, string> }[] = [];
  private status: BatchStatus[] | undefined;

  /** Queue `script` with its `-rd` variables; `out` is set to the job's own file. */
  add(name: string, script: string, vars: Record<string, string> = {}): void {
    if (this.jobs.some((j) => j.name === name)) throw new Error(`batch job "${name}" twice`);
    this.jobs.push({ name, script, vars: { ...vars, out: this.outFile(name) } });
  }

  /** Queue scripts/klayout/check_layout.py on `gds` against the netlists of the directory. */
  check(name: string, gds: string, netlists: string, extra: Record<string, string> = {}): void {
    this.add(name, "scripts/klayout/check_layout.py", { gds, netlists, ...extra });
  }

  /** Queue a Python snippet (pya and json imported; its variables and `out` as globals). */
  python(name: string, code: string, vars: Record<string, string> = {}): void {
    this.add(name, snippet(code), vars);
  }

  /** Run every queued job in one KLayout start; a job's failure is kept for its reader. */
  run(timeoutMs = 600_000): BatchStatus[] {
    const jobsFile = join(this.dir, "jobs.json");
    const statusFile = join(this.dir, "status.json");
    writeFileSync(jobsFile, JSON.stringify(this.jobs.map(({ script, vars }) => ({ script, vars }))));
    const r = spawnSync(KLAYOUT.command, ["-b", "-r", "scripts/klayout/batch.py", "-rd", `batch=${jobsFile}`, "-rd", `out=${statusFile}`], {
      encoding: "utf8",
      timeout: timeoutMs,
    });
    // exit status 1 with a status file: some job failed, and says so in its entry
    if (r.status !== 0 && !(r.status === 1 && existsSync(statusFile)))
      throw new Error(`klayout batch failed (${r.status}): ${r.stderr}\n${r.stdout}`);
    this.status = JSON.parse(readFileSync(statusFile, "utf8")) as BatchStatus[];
    return this.status;
  }

  /** The queued jobs' names, in order. */
  names(): string[] {
    return this.jobs.map((j) => j.name);
  }

  /** The job's entry in the status file. */
  statusOf(name: string): BatchStatus {
    const k = this.jobs.findIndex((j) => j.name === name);
    if (!this.status) throw new Error("the batch has not run");
    if (k < 0) throw new Error(`no batch job "${name}"`);
    return this.status[k]!;
  }

  /** The JSON the job wrote (its `out`), or its error. */
  json<T = unknown>(name: string): T {
    const s = this.statusOf(name);
    if (!s.ok) throw new Error(`KLayout job "${name}" (${s.script}) failed: ${s.error}`);
    return JSON.parse(readFileSync(this.outFile(name), "utf8")) as T;
  }

  private outFile(name: string): string {
    return join(this.dir, `${name}.json`);
  }
}

/**
 * A whole chip's check is clean: the EBeam PDK's Si rules (60 nm width, 70 nm space, corners of 80°
 * or more exempt) and every spine in its Si (docs/reference/drc-rules.md), no other marker, the
 * drawn connectivity equal to the netlists' in every cell checked, and every drawn length within 2 nm.
 * `known` names the markers a chip is known to have ({rule: count}); every other rule must give none.
 */
export function expectCleanChip(r: CheckResult, known: Record<string, number> = {}): void {
  expect(r.drc["si.ebeam_width<0.06"]).toBe(0);
  expect(r.drc["si.ebeam_space<0.07"]).toBe(0);
  expect(r.drc.spine_without_si).toBe(0);
  // a chip that is known to break a rule (a layout that is no die) has exactly those markers
  for (const [rule, n] of Object.entries(known)) expect(r.drc[rule], rule).toBe(n);
  const allowed = Object.values(known).reduce((a, n) => a + n, 0);
  expect(r.drc_violations, JSON.stringify(r.drc)).toBe(allowed);
  expect(r.connectivity.mismatches).toBe(0);
  expect(r.lengths.max_residual_nm).toBeLessThan(2);
}
