// DSL speed: parse+check per spec, fmt, grammar page, and `optinc check` wall time through the bundle.
// Registered in tests/bench/run.ts (`npm run bench -- dsl`); never asserted in tests.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { formatSpec } from "../../dsl/format.ts";
import { grammarHtml } from "../../dsl/grammar-html.ts";
import { loadSpec } from "../../dsl/load.ts";
import type { BenchModule, BenchTable } from "../bench/run.ts";
import { exampleFiles, readExample } from "./helpers.ts";

const ROOT = join(import.meta.dirname, "../..");

function perCall(fn: () => unknown, iterations: number): number {
  for (let i = 0; i < Math.min(50, iterations); i++) fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return ((performance.now() - t0) / iterations) * 1000; // µs
}

export const bench: BenchModule = {
  name: "dsl",
  run(): BenchTable[] {
    const rows: (string | number)[][] = [];
    for (const f of exampleFiles()) {
      const text = readExample(f);
      rows.push([f, text.length, perCall(() => loadSpec(f, text), 500).toFixed(0), perCall(() => formatSpec(f, text), 500).toFixed(0)]);
    }
    const html = perCall(() => grammarHtml(), 20);
    const files = exampleFiles().map((f) => join("examples", f));
    const walls: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, ["bin/optinc.mjs", "check", ...files], { cwd: ROOT, env: { PATH: process.env.PATH, NO_COLOR: "1" } });
      walls.push(performance.now() - t0);
    }
    walls.sort((a, b) => a - b);
    return [
      { title: "DSL: load (parse + check) and fmt per spec", columns: ["spec", "chars", "load µs", "fmt µs"], rows },
      {
        title: "DSL: grammar page and CLI",
        columns: ["what", "ms"],
        rows: [
          ["grammarHtml()", (html / 1000).toFixed(1)],
          [`optinc check (${files.length} specs, spawned bundle, median of 5)`, walls[2]!.toFixed(0)],
        ],
      },
    ];
  },
};
