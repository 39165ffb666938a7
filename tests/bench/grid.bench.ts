// `npm run bench -- grid`: route = auto over a covering grid of specs. Workers run from 2 to 256:
// odd, even, prime and powers of two. Precision runs from 2 to 16 bits, with levels 2, 4, 8 and 16
// and every rounding rule, and the named sizes close the grid (16–256 workers at 8-bit
// PAM-4; PAM-8 and PAM-16 at 4–16 workers). The technology is `calibrated` and the target the
// default 99 % yield at 95 % confidence. Each row is one run of the CLI bundle (built first from
// this checkout), `optinc --json compile spec -o dir`, as a user runs it: the search, the full
// compile of the chosen structure, every file written. The table gives the wall time (target
// ≤ 60 s for N ≤ 64 and ≤ 300 s for N ≤ 256 on the 2-core machine) and the CPU time of every thread
// (GNU time), what was built or why the spec was refused, the MZIs, the yield as k/n, and the
// light of report.json (`light`, every activation a regenerating read): the 25 mW lasers the taps
// need, the error rate per value they give, the modulator tap 1e-12 needs and the smallest output
// step. A structure is built only when it is exact on its emitted netlists (report.ok).
// OPTINC_GRID=quick runs the first five rows.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSpec } from "../../dsl/load.ts";
import type { CheckedSpec, Rounding } from "../../dsl/spec.ts";
import type { ClosedFormReport } from "../../pipeline/report/closed-form-report.ts";
import { bestRow } from "../../pipeline/compile/structure-search.ts";
import type { StructureSearch } from "../../pipeline/types.ts";
import { yieldText } from "../../verify/tolerance/statistics.ts";
import { watts } from "../../verify/power/analyze.ts";
import type { BenchModule } from "./run.ts";

/** Wall-time target of one compile: 60 s up to 64 workers, 300 s up to 256. */
export const timeTargetSeconds = (workers: number): number => (workers <= 64 ? 60 : 300);

interface GridSpec {
  workers: number;
  precision: number;
  levels: 2 | 4 | 8 | 16;
  rounding: Rounding;
}

// Each row of workers meets three (precision, levels, rounding) combinations. The combinations
// rotate, so every precision, level count and rounding rule meets small and large N. The corners
// come last, with the nearest-away configuration that once took 145 s.
const WORKERS = [2, 3, 5, 6, 8, 13, 16, 33, 64, 97, 128, 251, 256];
const COMBOS: [number, GridSpec["levels"], Rounding][] = [
  [2, 4, "nearest-even"],
  [4, 2, "nearest-away"],
  [8, 4, "floor"],
  [16, 16, "nearest-even"],
  [3, 8, "nearest-away"],
  [12, 16, "floor"],
  [6, 8, "nearest-away"],
  [12, 4, "nearest-even"],
  [16, 2, "floor"],
];

export function gridSpecs(): GridSpec[] {
  const out: GridSpec[] = [];
  WORKERS.forEach((workers, i) => {
    for (let k = 0; k < 3; k++) {
      const [precision, levels, rounding] = COMBOS[(3 * i + k) % COMBOS.length]!;
      out.push({ workers, precision, levels, rounding });
    }
  });
  out.push({ workers: 6, precision: 4, levels: 4, rounding: "nearest-away" });
  out.push({ workers: 64, precision: 16, levels: 16, rounding: "nearest-away" });
  // The named sizes: 16–256 workers at 8-bit PAM-4, PAM-8 and PAM-16 at 4–16 workers.
  const named: GridSpec[] = [
    ...[16, 24, 32, 48, 64, 128, 256].map((workers) => ({ workers, precision: 8, levels: 4 as const, rounding: "nearest-even" as const })),
    ...[4, 5, 8, 11, 16].map((workers) => ({ workers, precision: 6, levels: 8 as const, rounding: "nearest-even" as const })),
    ...[4, 5, 8, 13, 16].map((workers) => ({ workers, precision: 8, levels: 16 as const, rounding: "nearest-even" as const })),
  ];
  const key = (g: GridSpec): string => `${g.workers}x${g.precision}x${g.levels}x${g.rounding}`;
  const seen = new Set(out.map(key));
  for (const g of named) if (!seen.has(key(g))) out.push(g), seen.add(key(g));
  return out;
}

function specText(g: GridSpec): string {
  return [
    "aggregator grid {",
    `  workers = ${g.workers}`,
    `  precision = ${g.precision} bits`,
    `  levels = ${g.levels}`,
    `  rounding = ${g.rounding}`,
    "  technology { preset = calibrated  yield = 99 %  target_confidence = 95 % }",
    "}",
    "",
  ].join("\n");
}

/** The grid spec checked as `optinc check` would (a precision must be whole symbols). */
export function gridSpec(g: GridSpec): CheckedSpec {
  const r = loadSpec("grid.optinc", specText(g));
  if (!r.checked) throw new Error(`grid spec ${JSON.stringify(g)} does not check: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return r.checked;
}

/**
 * OPTINC_GRID: unset for every row, "quick" for the first five, or rows named workers×bits×levels
 * ("33x12x16,64x12x4"; a fourth part names the rounding).
 */
export function selectGrid(specs: GridSpec[], sel: string | undefined): GridSpec[] {
  if (!sel) return specs;
  if (sel === "quick") return specs.slice(0, 5);
  const want = sel.split(",").map((w) => w.trim().split("x"));
  const out = specs.filter((g) =>
    want.some((w) => [g.workers, g.precision, g.levels, g.rounding].every((v, i) => w[i] === undefined || String(v) === w[i])),
  );
  if (out.length === 0) throw new Error(`OPTINC_GRID="${sel}" names no row of the grid`);
  return out;
}

/** The built CLI (`npm run build`), run as a user runs it: bundled, with its own worker threads. */
const CLI = fileURLToPath(new URL("../../bin/optinc.mjs", import.meta.url));
const BUNDLE = fileURLToPath(new URL("../../dist/optinc.mjs", import.meta.url));
/** GNU time gives the child's CPU over every thread; without it the column is "—". */
const TIME = "/usr/bin/time";

interface CompileEnvelope {
  ok: boolean;
  result: { report?: ClosedFormReport; refused?: boolean; structure?: StructureSearch } | null;
  diagnostics: { code: string; message: string }[];
}

export function runGridSpec(g: GridSpec): string[] {
  gridSpec(g); // the spec checks, as optinc check would
  const dir = mkdtempSync(join(tmpdir(), "optinc-grid-"));
  try {
    const file = join(dir, "grid.optinc");
    writeFileSync(file, specText(g));
    const args = [CLI, "--json", "compile", file, "-o", join(dir, "out")];
    const timed = existsSync(TIME);
    const t0 = performance.now();
    const r = timed
      ? spawnSync(TIME, ["-f", "cpu %U %S", process.execPath, ...args], { encoding: "utf8", maxBuffer: 1 << 28 })
      : spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 28 });
    const seconds = (performance.now() - t0) / 1000;
    const env = JSON.parse(r.stdout) as CompileEnvelope;
    const cpuLine = timed ? /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr) : null;
    let outcome: string;
    let mzi = "—";
    let yieldCol = "—";
    let light = ["—", "—", "—", "—"];
    if (env.result?.report) {
      const rep = env.result.report;
      if (rep.route !== "closed-form") throw new Error("route = auto built a trained design");
      const s = rep.structure!;
      outcome = `${s.rows[s.chosen!]!.label}${rep.ok ? "" : " NOT EXACT"}`;
      mzi = String(rep.hardware.mzi);
      yieldCol = rep.yield ? yieldText(rep.yield.passing, rep.yield.trials) : "ideal";
      const l = rep.light;
      if (l)
        light = [
          `${l.sources} × ${watts(l.laserMw)}`,
          `${l.ratePerValue.toExponential(1)}${l.pass ? "" : " (missed)"}`,
          l.neededTapMw === null ? "none ≤ 10 kW" : watts(l.neededTapMw),
          watts(l.smallestStepMw),
        ];
    } else if (env.result?.refused && env.result.structure) {
      const best = env.result.structure.rows[bestRow(env.result.structure.rows)]!;
      outcome = `refused (best: ${best.label})`;
      mzi = String(best.cost.mzi);
      yieldCol = best.yield ? yieldText(best.yield.passing, best.yield.trials) : "—";
    } else
      throw new Error(
        `grid ${JSON.stringify(g)}: compile exited ${r.status}: ${env.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}`,
      );
    return [
      String(g.workers),
      String(g.precision),
      String(g.levels),
      g.rounding,
      outcome,
      mzi,
      yieldCol,
      `${seconds.toFixed(1)}${seconds > timeTargetSeconds(g.workers) ? " (over)" : ""}`,
      cpuLine ? (Number(cpuLine[1]) + Number(cpuLine[2])).toFixed(1) : "—",
      ...light,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rows run the bundle, so it is built from this checkout first (never a stale one). */
export function buildCliBundle(): void {
  const build = spawnSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.mjs", import.meta.url))], { encoding: "utf8" });
  if (build.status !== 0 || !existsSync(BUNDLE)) throw new Error(`npm run build failed: ${build.stderr}`);
}

export const bench: BenchModule = {
  name: "grid",
  run() {
    buildCliBundle();
    const specs = selectGrid(gridSpecs(), process.env.OPTINC_GRID);
    const rows = specs.map((g) => {
      const row = runGridSpec(g);
      process.stderr.write(`grid: ${row.join(" | ")}\n`);
      return row;
    });
    const worst = Math.max(...rows.map((r) => Number.parseFloat(r[7]!)));
    const refused = rows.filter((r) => r[4]!.startsWith("refused")).length;
    const over = rows.filter((r) => r[7]!.endsWith("(over)")).length;
    const dark = rows.filter((r) => r[10]!.endsWith("(missed)") || r[10] === "—").length;
    return [
      {
        title: "route = auto over the grid (calibrated, target 99 % yield at 95 % confidence)",
        columns: [
          "workers",
          "bits",
          "levels",
          "rounding",
          "built",
          "MZIs",
          "yield k/n (95% CI)",
          "compile s",
          "CPU s (all threads)",
          "lasers",
          "errors per value",
          "tap for 1e-12",
          "smallest output step",
        ],
        rows,
        notes: [
          `${rows.length} specs: refused ${refused}, over their time target ${over}, light budget not closed ${dark} (lasers of 25 mW, 1e-12 errors per value, every waveguide ≤ 20 mW, both edges at their receivers); worst compile time ${worst.toFixed(1)} s (targets ≤ 60 s for N ≤ 64, ≤ 300 s for N ≤ 256); refused rows name the best structure, its MZIs and yield`,
        ],
      },
    ];
  },
};
