// --jobs changes how many threads run the Monte-Carlo trials, never a byte of the output: the
// spawned CLI bundle (the artifact users run, whose worker threads load the bundle itself) verifies
// one small spec with --jobs 2, `main` in this process with --jobs 1 (one thread: the same code
// without a process start), and every file and the verify JSON match.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { FULL } from "../helpers/tier.ts";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";

const ROOT = join(import.meta.dirname, "../..");

// A small unit with a lossy, noisy technology block: the compile's evaluate pass runs 10 seeded
// Monte-Carlo trials and `optinc verify` runs more.
const SPEC = `aggregator jobs_check {
  route     = trained
  workers   = 2
  precision = 4 bits
  levels    = 4
  network     { hidden = [16, 8, 16] }
  approximate { method = none }
  training    { seed = 3  epochs = 200  learning_rate = 0.01  margin = 0.2 }
  technology  { mzi_loss = 0.02 dB  splitter_imbalance = 0.002  phase_noise = 0.01 rad  dac_bits = 10 bits  detector_noise = 0.05 }
}
`;

// Digit slices of 2 workers × 6 bits: two units to train (tests/compile/slices-e2e.test.ts).
const SLICED = `aggregator sliced {
  workers   = 2
  precision = 6 bits
  levels    = 4
  route     = trained
  network     { hidden = [24, 12, 24]  slices = always }
  approximate { method = unitary-diagonal  layers = all  segment = 4 }
  training    { seed = 2  epochs = 200  learning_rate = 0.01 }
}
`;

function spawned(args: string[]) {
  const { PATH, HOME } = process.env;
  return spawnSync(process.execPath, ["bin/optinc.mjs", ...args], { cwd: ROOT, encoding: "utf8", env: { PATH, HOME } });
}

/** The CLI with --jobs 1 runs `main` in this process; with more threads, the spawned bundle. */
async function optinc(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  if (args[args.indexOf("--jobs") + 1] !== "1") return spawned(args);
  const io = memoryIo({}, ROOT);
  const status = await main(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

/** Every output file's bytes; report.json's machine-dependent `timing` block is dropped. */
function outputs(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    let text = readFileSync(join(dir, f), "utf8");
    if (f.endsWith(".report.json")) text = JSON.stringify({ ...JSON.parse(text), timing: null });
    if (f.endsWith(".report.html")) text = text.replace(/"timing":\{[^}]*\}/g, "").replace(/<!--timing-->[\s\S]*?<!--\/timing-->/g, "");
    m.set(f, text);
  }
  return m;
}

describe("--jobs 1 and --jobs 2 give the same bytes", () => {
  // npm test compiles once without the evaluate pass, whose yield trials are verify's own
  // (technologyYield calls verifyCircuit with the same jobs), and compares verify's trials; the
  // full tier compiles with each --jobs and compares every file too.
  it(`${FULL ? "compile (with Monte-Carlo yield trials) and " : ""}verify (40 trials, calibrated and raw)`, async () => {
    const specDir = mkdtempSync(join(tmpdir(), "optinc-jobs-spec-"));
    const spec = join(specDir, "jobs.optinc");
    writeFileSync(spec, SPEC);
    const compileOnce = async (jobs: number): Promise<string> => {
      const dir = mkdtempSync(join(tmpdir(), `optinc-jobs-${jobs}-`));
      const c = await optinc(["compile", spec, "-o", dir, "--jobs", String(jobs), ...(FULL ? [] : ["--no-evaluate"])]);
      expect(c.status, c.stderr).toBe(0);
      return dir;
    };
    const shared = FULL ? null : await compileOnce(1);
    const runs = [];
    for (const jobs of [1, 2]) {
      const dir = shared ?? (await compileOnce(jobs));
      const v = await optinc(["--json", "verify", dir, "--trials", "40", "--jobs", String(jobs)]);
      const raw = await optinc(["--json", "verify", dir, "--trials", "40", "--no-calibrate", "--jobs", String(jobs)]);
      // A spawned run that ends by a signal (status null) names it: one clean-clone run (a791676) saw
      // status null here once, and 12 runs of the same command by hand exited 1 each.
      const why = (r: typeof v): string => `status ${r.status}, ${JSON.stringify(r)}`.slice(0, 2000);
      expect([0, 1], why(v)).toContain(v.status);
      expect([0, 1], why(raw)).toContain(raw.status);
      // The verify JSON names its files: the two output directories differ by name only.
      const at = (s: string): string => s.split(relative(ROOT, dir)).join("<out>");
      runs.push({ files: outputs(dir), verify: at(v.stdout), raw: at(raw.stdout) });
    }
    const [one, two] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect([...two.files.keys()]).toEqual([...one.files.keys()]);
    for (const [f, text] of one.files) expect(two.files.get(f) === text, f).toBe(true);
    const report = JSON.parse(one.files.get("jobs_check.report.json")!);
    if (FULL) expect(report.onn.units[0].yield.trials).toBe(10);
    const trials = JSON.parse(one.verify).result.circuits[0].trials;
    expect(trials.count).toBe(40);
    expect(trials.exactPerTrial).toHaveLength(40);
    expect(two.verify).toBe(one.verify);
    expect(two.raw).toBe(one.raw);
    expect(JSON.parse(one.raw).result.circuits[0].trials.calibrated).toBe(false);
  });

  it.runIf(FULL)("compile of a sliced aggregator (units trained on the pool's threads): the same files (OPTINC_FULL=1)", async () => {
    const specDir = mkdtempSync(join(tmpdir(), "optinc-jobs-sliced-"));
    const spec = join(specDir, "sliced.optinc");
    writeFileSync(spec, SLICED);
    const runs: Map<string, string>[] = [];
    for (const jobs of [1, 2]) {
      const dir = mkdtempSync(join(tmpdir(), `optinc-jobs-sliced-${jobs}-`));
      const c = await optinc(["compile", spec, "-o", dir, "--jobs", String(jobs), "--no-evaluate"]);
      expect(c.status, c.stderr).toBe(0);
      runs.push(outputs(dir));
    }
    const [one, two] = runs as [Map<string, string>, Map<string, string>];
    // Two slices, each its own unit, so two threads really split the training.
    expect([...one.keys()].filter((f) => f.endsWith(".netlist.json"))).toEqual(["sliced.S0.netlist.json", "sliced.S1.netlist.json"]);
    expect([...two.keys()]).toEqual([...one.keys()]);
    for (const [f, text] of one) expect(two.get(f) === text, f).toBe(true);
  });
});
