// `npm run bench -- allreduce`: the figures of docs/studies/allreduce.md that need executed arrays — the
// ring's and OptINC's max errors in the command's table (defaults, 100 MB, 262,144 executed
// elements) and the example runs through the hand-built 2-worker circuit at 1 MB. Each row prints
// what the run gives next to what the doc says. (The cost-model and latency figures are asserted
// by tests/docs/allreduce.test.ts.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../cli/main.ts";
import { writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { memoryIo } from "../helpers/io.ts";
import { tinyCircuit } from "../verify/circuit/tiny-pipeline.ts";
import type { BenchModule, BenchTable } from "./run.ts";

interface Run {
  workers: number;
  ring: { max_abs_error: number };
  optinc: { max_abs_error: number; max_error_steps: number; mismatched_elements: number };
  executed: { elements: number };
}

async function allreduce(args: string[]): Promise<Run[]> {
  const io = memoryIo();
  const code = await main(["allreduce", ...args, "--json"], io);
  if (code !== 0) throw new Error(`optinc allreduce ${args.join(" ")} exited ${code}: ${io.err()}`);
  return (JSON.parse(io.out()) as { runs: Run[] }).runs;
}

export const bench: BenchModule = {
  name: "allreduce",
  async run(): Promise<BenchTable[]> {
    const doc = readFileSync("docs/studies/allreduce.md", "utf8");
    const table: (string | number)[][] = [];
    for (const r of await allreduce(["--workers", "4,8,16", "--size", "100MB"])) {
      const ring = r.ring.max_abs_error.toExponential(2);
      const opt = `${r.optinc.max_abs_error.toExponential(2)} (${r.optinc.max_error_steps.toFixed(2)} Δ)`;
      const line = doc.split("\n").find((l) => l.startsWith(`| ${r.workers} | `)) ?? "";
      table.push([r.workers, r.executed.elements, ring, opt, line.includes(`| ${ring} | ${opt} |`) ? "yes" : "NO"]);
    }
    const dir = mkdtempSync(join(tmpdir(), "optinc-bench-"));
    const examples: (string | number)[][] = [];
    try {
      writeFileSync(join(dir, "tiny.netlist.json"), writeNetlistJson(tinyCircuit()));
      const flat = doc.replace(/\s*\n\s*/g, " ");
      for (const [label, extra] of [
        ["ideal components", []],
        ["`--phase-noise 0.05`", ["--phase-noise", "0.05"]],
        ["`--phase-noise 0.5`", ["--phase-noise", "0.5"]],
      ] as const) {
        const [r] = await allreduce(["--netlist", join(dir, "tiny.netlist.json"), "--size", "1MB", ...extra]);
        const e = `${r!.optinc.max_error_steps.toFixed(2)} Δ`;
        const m = r!.optinc.mismatched_elements;
        const n = r!.executed.elements;
        // The doc lists the mismatch count only for the first two runs.
        const claim =
          label === "ideal components"
            ? `${label}: max error ${e}, ${m.toLocaleString("en-US")} elements ≠ golden`
            : label.includes("0.05")
              ? `${label}: ${e}, ${m.toLocaleString("en-US").replace(/,/g, " ")} of ${n.toLocaleString("en-US").replace(/,/g, " ")} elements ≠ golden`
              : `${label}: ${e}.`;
        examples.push([label, e, `${m} of ${n}`, flat.includes(claim) ? "yes" : "NO"]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return [
      {
        title: "docs/studies/allreduce.md §1: max errors of `optinc allreduce --workers 4,8,16 --size 100MB` (defaults)",
        columns: ["N", "executed elements", "ring max err", "OptINC max err", "as in the doc"],
        rows: table,
      },
      {
        title: "docs/studies/allreduce.md §5: the hand-built 2-worker, 2-bit PAM-2 circuit at 1 MB",
        columns: ["run", "max error", "elements ≠ golden", "as in the doc"],
        rows: examples,
        notes: ["Non-ideal runs draw the non-idealities once (seed 1); their figures follow the simulator's noise model."],
      },
    ];
  },
};
