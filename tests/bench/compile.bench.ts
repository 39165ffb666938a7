// Full-size compiles of the bundled examples, pass by pass: wall time, process CPU time (all
// threads), cases per second and, for training, the achieved GFLOP/s of the training kernel.
// `npm run bench -- compile` (or `compile:paper-4x8-trained` for one example); OPTINC_BENCH_RUNS=N sets
// the runs per example (default 3; every figure is the median over the runs). Examples on the
// closed-form route are compiled as trained ONNs with paper-4x8-trained's training block, as
// README.md describes them; each table's last note checks what README.md says of the example.
import { readFileSync } from "node:fs";
import { compileSpec, type CompileResult } from "../../pipeline/compile/trained.ts";
import { TRAINED_RADIX } from "../helpers/examples.ts";
import { CompileError } from "../../compiler/errors.ts";
import { kernelCounters } from "../../compiler/onn/mlp-simd.ts";
import { loadSpec } from "../../dsl/load.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { verifyCircuit, type VerifyOptions } from "../../verify/circuit/run.ts";
import { defaultJobs } from "../../runtime/worker-threads.ts";
import { median } from "./kernels.bench.ts";
import type { BenchModule, BenchTable } from "./run.ts";

// The trained pipeline (compileSpec) on every example, whatever its route.
const EXAMPLES = ["paper-4x8-trained", "paper-4x8-trained+slices", "eight-workers", "cluster-16", "paper-4x16"];

/**
 * The Monte-Carlo levels of the verify table: the technology block paper-4x8 carried when the speed
 * issue was filed (the trained example's own block is now ideal).
 */
const TECHNOLOGY = { phaseNoise: 0.002, mziLossDb: 0.02, splitterImbalance: 0.002, dacBits: 12, detectorNoise: 0.01 };

interface PassFigures {
  wall: number;
  cpu: number;
}

interface Run {
  total: number;
  cpu: number;
  passes: Map<string, PassFigures>;
  macs: number;
  result: CompileResult;
}

/** What README.md says of each example, and whether this compile bears it out. */
const README_CLAIMS: Record<string, { says: string; holds: (r: CompileResult["report"], seconds: number) => boolean }> = {
  "paper-4x8-trained": {
    says: "exact 100% over 28561 cases; MZIs 5230 vs 19682, ratio 0.266; under a minute",
    holds: (r, t) =>
      r.onn.exactMatch === 1 &&
      r.onn.casesChecked === 28_561 &&
      r.hardware.mzi === 5230 &&
      r.hardware.mziUnapproximated === 19_682 &&
      r.hardware.areaRatio.toFixed(3) === "0.266" &&
      t <= 60,
  },
  "paper-4x16": {
    says: "exact on 10⁶ stratified + 75,536 edge cases at ratio 0.266; about a minute",
    holds: (r, t) =>
      r.onn.exactMatch === 1 &&
      r.onn.composed?.cases === 1_075_536 &&
      r.onn.composed.edgeCases === 75_536 &&
      r.hardware.areaRatio.toFixed(3) === "0.266" &&
      t <= 90,
  },
  "eight-workers": {
    says: "checked end to end from the emitted netlists",
    holds: (r) => r.onn.composed !== null && r.onn.composed.cases > 0,
  },
  "cluster-16": {
    says: "top unit sliced; checked end to end from the emitted netlists",
    holds: (r) => r.onn.composed !== null && r.slices !== null && r.slices.some((c) => c.level === 2),
  },
};

function compileOnce(file: string, text: string, jobs: number | undefined): Run | string {
  const r = loadSpec(file, text);
  if (!r.checked) return "spec error";
  const trained = loadSpec("examples/paper-4x8-trained.optinc", readFileSync("examples/paper-4x8-trained.optinc", "utf8")).checked!.spec;
  const cascade = TRAINED_RADIX[file] ? { cascade: { radix: TRAINED_RADIX[file] } } : {};
  const checked =
    r.checked.spec.route === "trained"
      ? r.checked
      : { ...r.checked, spec: { ...r.checked.spec, route: "trained" as const, training: trained.training, ...cascade } };
  const passes = new Map<string, PassFigures>();
  let open: { name: string; wall: number; cpu: NodeJS.CpuUsage } | null = null;
  const close = (): void => {
    if (!open) return;
    const c = process.cpuUsage(open.cpu);
    passes.set(open.name, { wall: (performance.now() - open.wall) / 1000, cpu: (c.user + c.system) / 1e6 });
    open = null;
  };
  const macs0 = kernelCounters.macs;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const result = compileSpec(checked, {
      ...(jobs !== undefined ? { jobs } : {}),
      onPass: (name) => {
        close();
        open = { name, wall: performance.now(), cpu: process.cpuUsage() };
      },
    });
    close();
    const c = process.cpuUsage(cpu0);
    return { total: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, passes, macs: kernelCounters.macs - macs0, result };
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return `${e.code}: not compiled`;
  }
}

/** Cases each pass pushed through a model or circuit, from the report. */
function passCases(c: CompileResult): Record<string, number> {
  const rep = c.report;
  const units = rep.onn.units;
  const yieldTrials = units.reduce((s, u) => s + (u.yield ? u.yield.trials * u.casesChecked : 0), 0);
  return {
    verify: units.reduce((s, u) => s + u.casesChecked, 0),
    evaluate: yieldTrials,
    compose: rep.onn.composed ? rep.onn.composed.cases + rep.onn.composed.edgeCases : 0,
  };
}

/**
 * `optinc verify` on a compiled example: ideal exhaustive verification (after the netlist is
 * parsed) and 100 Monte-Carlo trials with a fitted receiver at TECHNOLOGY, on --jobs threads (the CLI
 * default: the core count).
 */
function verifyTable(ex: string, c: CompileResult, runs: number): BenchTable {
  const rows: (string | number)[][] = [];
  for (const u of c.units) {
    const text = c.files.get(`${u.file}.netlist.json`)!;
    const parses: number[] = [];
    // Every run parses the netlist afresh, as the CLI does: nothing compiled from the circuit
    // (flattened parts, stage programs) carries over from the run before.
    const parsed = () => {
      const t0 = performance.now();
      const circuit = readNetlistJson(text, `${u.file}.netlist.json`);
      parses.push((performance.now() - t0) / 1000);
      return circuit;
    };
    const base: VerifyOptions = {
      nonIdealities: TECHNOLOGY,
      trials: 0,
      seed: c.report.seed,
      minExact: 1,
      minYield: 0.9,
      maxCases: 50_000,
      rounding: c.report.spec.rounding,
      preprocess: c.report.spec.preprocess === "digit-sum",
      receiver: "fitted",
    };
    for (const [label, trials] of [
      ["ideal, exhaustive", 0],
      ["100 Monte-Carlo trials", 100],
    ] as const) {
      const walls: number[] = [];
      const cpus: number[] = [];
      let cases = 0;
      let yieldText = "";
      for (let r = 0; r < runs; r++) {
        const circuit = parsed();
        const c0 = process.cpuUsage();
        const w0 = performance.now();
        const v = verifyCircuit(circuit, { ...base, trials });
        walls.push((performance.now() - w0) / 1000);
        const cu = process.cpuUsage(c0);
        cpus.push((cu.user + cu.system) / 1e6);
        cases = v.nominal.cases * (1 + trials);
        yieldText = v.trials
          ? `yield ${v.trials.yield}, worst exact ${v.trials.worstExact.toFixed(4)}`
          : `exact ${v.nominal.exactFraction}`;
      }
      const wall = median(walls);
      rows.push([
        u.file,
        label,
        median(parses).toFixed(2),
        wall.toFixed(2),
        median(cpus).toFixed(2),
        Math.round(cases / wall).toLocaleString("en-US"),
        yieldText,
      ]);
    }
  }
  return {
    title: `optinc verify on the compiled ${ex} (median of ${runs} runs, ${defaultJobs()} threads)`,
    columns: ["unit", "run", "parse s", "wall s", "CPU s", "cases/s", "result"],
    rows,
    notes: ["wall and CPU exclude parsing the netlist; CPU is the whole process (all threads)"],
  };
}

function exampleTable(ex: string, runs: number): BenchTable[] {
  const [base, variant] = ex.split("+");
  const file = `examples/${base}.optinc`;
  let text = readFileSync(file, "utf8");
  // "+slices": the same spec with network.slices = always (a 13 + 2,704 + 208-case chain for 4×8).
  if (variant === "slices") text = text.replace(/hidden = auto/, "hidden = auto  slices = always");
  const done: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const r = compileOnce(file, text, undefined);
    if (typeof r === "string") return [{ title: ex, columns: ["result"], rows: [[r]] }];
    done.push(r);
    process.stderr.write(`  ${ex} run ${i + 1}/${runs}: ${r.total.toFixed(1)} s\n`);
  }
  const last = done[done.length - 1]!.result;
  const cases = passCases(last);
  const names = [...done[0]!.passes.keys()];
  const rows = names.map((name) => {
    const wall = median(done.map((d) => d.passes.get(name)!.wall));
    const cpu = median(done.map((d) => d.passes.get(name)!.cpu));
    const n = name === "train" ? last.report.onn.units.reduce((s, u) => s + u.training.cases, 0) : (cases[name] ?? 0);
    const gflops = name === "train" ? ((2 * median(done.map((d) => d.macs))) / wall / 1e9).toFixed(2) : "";
    return [name, wall.toFixed(2), cpu.toFixed(2), n && wall > 0 ? Math.round(n / wall).toLocaleString("en-US") : "", gflops];
  });
  rows.push(["total", median(done.map((d) => d.total)).toFixed(2), median(done.map((d) => d.cpu)).toFixed(2), "", ""]);
  const r = last.report;
  const table: BenchTable = {
    title: `optinc compile ${ex} (median of ${runs} runs)`,
    columns: ["pass", "wall s", "CPU s", "cases/s", "train GFLOP/s"],
    rows,
    notes: [
      `exact match ${r.onn.exactMatch} over ${r.onn.casesChecked} cases; area ratio ${r.hardware.areaRatio.toFixed(3)}${r.cascade ? `; ${r.cascade.units} units` : ""}; runs: ${done.map((d) => d.total.toFixed(1)).join(", ")} s`,
      "train cases/s: training-set cases per second of the pass; train GFLOP/s: kernel multiply-adds × 2 / pass wall time (includes the Σ·U parameterization and the optimizer)" +
        (last.units.length > 1 ? "; units trained on pool threads are not counted, so with several units it is a lower bound" : ""),
      ...(README_CLAIMS[ex]
        ? [
            `README.md says: ${README_CLAIMS[ex].says}: ${README_CLAIMS[ex].holds(r, median(done.map((d) => d.total))) ? "holds" : "DOES NOT HOLD"}`,
          ]
        : []),
    ],
  };
  return ex === "paper-4x8-trained" ? [table, verifyTable(ex, last, runs)] : [table];
}

export const bench: BenchModule = {
  name: "compile",
  run() {
    const only = process.argv.find((a) => a.startsWith("compile:"))?.slice("compile:".length);
    const runs = Number(process.env.OPTINC_BENCH_RUNS ?? 3);
    return EXAMPLES.filter((e) => !only || e === only).flatMap((ex) => exampleTable(ex, runs));
  },
};
