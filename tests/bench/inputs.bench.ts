// `npm run bench -- inputs`: how fast and in how much memory hostile input files are refused by the
// built CLI (issue 38; docs/reference/cli.md §9): a 20 MB readings file holding one array of 10⁷ + 1
// zeros, refused by count before the document is built (the bound: ≤ 2 s and ≤ 300 MB; it
// took 10–29 s and 2.3 GB), and a FIFO given as an input, refused unread (it used to hang). Wall
// time and peak RSS of the whole process, from /usr/bin/time; the median of OPTINC_BENCH_RUNS runs
// (default 5). The hostile tests assert the refusal, its code and the memory bound, not the time.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchModule } from "./run.ts";

const BIN = join(import.meta.dirname, "../../bin/optinc.mjs");
const HEAD = `{"format":"optinc.readings/1","circuit":"cf_divide0","cell":"divide0","die":"x","seed":1,"rounds":[`;

/** Wall seconds, peak RSS in MB and the exit code of one run. */
function timed(args: string[], cwd: string): { s: number; mb: number; code: number } {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", process.execPath, BIN, ...args], { cwd, encoding: "utf8", timeout: 30_000 });
  const [s, kb] = r.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
  return { s: s!, mb: kb! / 1024, code: r.status ?? -1 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const bench: BenchModule = {
  name: "inputs",
  run() {
    const runs = Number(process.env.OPTINC_BENCH_RUNS ?? 5);
    const dir = mkdtempSync(join(tmpdir(), "optinc-inputs-bench-"));
    try {
      writeFileSync(join(dir, "cf.optinc"), "aggregator cf {\n  workers = 2\n  precision = 2 bits\n  levels = 4\n}\n");
      if (timed(["compile", "cf.optinc", "-o", "cf", "--no-evaluate"], dir).code !== 0) throw new Error("compile failed");
      writeFileSync(join(dir, "huge.json"), `${HEAD}${"0,".repeat(1e7)}0]}`);
      spawnSync("mkfifo", [join(dir, "fifo")]);
      const cases: [string, string[]][] = [
        [
          "calibrate --readings, 10⁷-element array (20 MB)",
          ["calibrate", "cf", "--cell", "divide0", "--readings", "huge.json", "-o", "cal"],
        ],
        [
          "protocol --readings, 10⁷-element array (20 MB)",
          ["protocol", "cf", "--cell", "divide0", "--readings", "huge.json", "-o", "p.json"],
        ],
        ["protocol --readings <FIFO>", ["protocol", "cf", "--cell", "divide0", "--readings", "fifo", "-o", "p.json"]],
        ["verify <directory whose chip file is a FIFO>", ["verify", "cf-fifo"]],
      ];
      spawnSync("cp", ["-r", join(dir, "cf"), join(dir, "cf-fifo")]);
      rmSync(join(dir, "cf-fifo", "cf.chip.json"));
      spawnSync("mkfifo", [join(dir, "cf-fifo", "cf.chip.json")]);
      const rows = cases.map(([what, args]) => {
        const r = Array.from({ length: runs }, () => timed(args, dir));
        return [
          what,
          String(r[0]!.code),
          median(r.map((x) => x.s)).toFixed(2),
          median(r.map((x) => x.mb)).toFixed(0),
          Math.max(...r.map((x) => x.mb)).toFixed(0),
        ];
      });
      return [
        {
          title: `Hostile input files refused (median of ${runs} runs, whole process)`,
          columns: ["input", "exit", "wall s", "peak MB (median)", "peak MB (max)"],
          rows,
          notes: ["issue 38's bound for the 10⁷-element array: ≤ 2 s and ≤ 300 MB; docs/studies/performance.md quotes these figures"],
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
