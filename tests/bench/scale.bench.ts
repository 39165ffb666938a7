// `npm run bench -- scale`: what a compile builds, what it costs to run and what it costs to
// compile, against the number of workers, 4 to 1024 (ODDL's scale): the cluster examples' spec
// (8-bit gradients, PAM-4, nearest-even, `calibrated`, 99 % yield at 95 % confidence, route =
// auto), one CLI run per row as a user runs it (`optinc --json compile spec -o dir`, the bundle built
// first from this checkout). The columns: the structure built, its MZIs and yield, its lasers and
// error rate per aggregated value, pJ per aggregated input bit with thermo-optic shifters, and the
// compile's wall time, CPU over every thread and peak resident memory (GNU time). OPTINC_SCALE
// names a subset of worker counts ("4,64").
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClosedFormReport } from "../../pipeline/report/closed-form-report.ts";
import { watts } from "../../verify/power/analyze.ts";
import { yieldText } from "../../verify/tolerance/statistics.ts";
import type { BenchModule } from "./run.ts";
import { buildCliBundle, timeTargetSeconds } from "./grid.bench.ts";

export const SCALE_WORKERS = [4, 8, 16, 32, 64, 128, 256, 512, 1024];
/** The 1024-worker target of the examples (cluster-1024): 300 s and 8 GB on the 2-core machine. */
const TARGET_1024 = { seconds: 300, bytes: 8e9 };

const CLI = fileURLToPath(new URL("../../bin/optinc.mjs", import.meta.url));
const TIME = "/usr/bin/time";

export function scaleSpec(workers: number): string {
  return [
    `aggregator scale_${workers} {`,
    `  workers = ${workers}`,
    "  precision = 8 bits",
    "  levels = 4",
    "  rounding = nearest-even",
    "  technology { preset = calibrated  yield = 99 %  target_confidence = 95 % }",
    "}",
    "",
  ].join("\n");
}

function runScale(workers: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), "optinc-scale-"));
  try {
    const file = join(dir, "scale.optinc");
    writeFileSync(file, scaleSpec(workers));
    const args = [CLI, "--json", "compile", file, "-o", join(dir, "out")];
    const t0 = performance.now();
    const r = spawnSync(TIME, ["-f", "cpu %U %S peak %M", process.execPath, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
    const seconds = (performance.now() - t0) / 1000;
    const env = JSON.parse(r.stdout) as { result: { report?: ClosedFormReport } | null; diagnostics: { code: string; message: string }[] };
    const rep = env.result?.report;
    if (!rep)
      throw new Error(`scale ${workers}: compile exited ${r.status}: ${env.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}`);
    const t = /cpu ([\d.]+) ([\d.]+) peak (\d+)\s*$/.exec(r.stderr);
    const s = rep.structure!;
    const l = rep.light;
    const target = workers <= 256 ? timeTargetSeconds(workers) : TARGET_1024.seconds;
    const peakKb = t ? Number(t[3]) : null;
    return [
      String(workers),
      `${s.rows[s.chosen!]!.label}${rep.ok ? "" : " NOT EXACT"}`,
      String(rep.hardware.mzi),
      rep.yield ? yieldText(rep.yield.passing, rep.yield.trials) : "—",
      l ? `${l.sources} × ${watts(l.laserMw)}` : "—",
      l ? ((l.sources * l.laserMw) / 1000).toFixed(1) : "—",
      l ? `${l.ratePerValue.toExponential(1)}${l.pass ? "" : " (missed)"}` : "—",
      l ? l.pjPerBit.toPrecision(3) : "—",
      `${seconds.toFixed(1)}${seconds > target ? " (over)" : ""}`,
      t ? (Number(t[1]) + Number(t[2])).toFixed(1) : "—",
      peakKb === null ? "—" : `${(peakKb / 1024).toFixed(0)}${peakKb * 1024 > TARGET_1024.bytes ? " (over)" : ""}`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const bench: BenchModule = {
  name: "scale",
  run() {
    buildCliBundle();
    if (!existsSync(TIME))
      throw new Error("scale: GNU time (/usr/bin/time) measures the CPU and peak memory columns; install the Debian package time");
    const only = process.env.OPTINC_SCALE?.split(",").map(Number);
    const rows = SCALE_WORKERS.filter((n) => !only || only.includes(n)).map((n) => {
      const row = runScale(n);
      process.stderr.write(`scale: ${row.join(" | ")}\n`);
      return row;
    });
    return [
      {
        title: "route = auto against N (8 bits, PAM-4, nearest-even, calibrated, 99 % yield at 95 % confidence)",
        columns: [
          "workers",
          "built",
          "MZIs",
          "yield k/n (95% CI)",
          "lasers",
          "laser W",
          "errors per value",
          "pJ/bit",
          "compile s",
          "CPU s (all threads)",
          "peak MB",
        ],
        rows,
        notes: [
          "targets: compile ≤ 60 s for N ≤ 64, ≤ 300 s up to 1024; peak under 8 GB (GNU time's maximum resident set); pJ per aggregated input bit with thermo-optic shifters at the preset's lasers",
        ],
      },
    ];
  },
};
