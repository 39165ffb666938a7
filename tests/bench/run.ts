// `npm run bench [-- filter…]`: runs each registered bench module and prints its tables.
// To add a module, add one line to BENCHES. Speed is measured here, never asserted in tests.

export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Lines printed under the table (targets, notes). */
  notes?: string[];
}

export interface BenchModule {
  /** Short name used for filtering on the command line. */
  name: string;
  run(): Promise<BenchTable[]> | BenchTable[];
}

const BENCHES: (() => Promise<{ bench: BenchModule }>)[] = [
  () => import("./kernels.bench.ts"),
  () => import("./mesh.bench.ts"),
  () => import("./train.bench.ts"),
  () => import("./compile.bench.ts"),
  () => import("../netlist/simulate.bench.ts"),
  () => import("../dsl/dsl.bench.ts"),
  () => import("./allreduce.bench.ts"),
  () => import("./calibrate-fab.bench.ts"),
  () => import("./calibrate-lab.bench.ts"),
  () => import("./calibrate-departures.bench.ts"),
  () => import("./grid.bench.ts"),
  () => import("./scale.bench.ts"),
  () => import("./inputs.bench.ts"),
];

export function formatTable(t: BenchTable): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map(String))];
  const widths = t.columns.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]): string => `| ${r.map((x, c) => x.padStart(widths[c])).join(" | ")} |`;
  const out = [
    `## ${t.title}`,
    "",
    line(t.columns),
    `|${widths.map((w) => "-".repeat(w + 1) + ":").join("|")}|`,
    ...cells.slice(1).map(line),
  ];
  if (t.notes?.length) out.push("", ...t.notes);
  return out.join("\n");
}

async function runAll(filters: string[]): Promise<void> {
  for (const load of BENCHES) {
    const { bench } = await load();
    if (filters.length > 0 && !filters.some((f) => bench.name.includes(f.split(":")[0]!))) continue;
    const t0 = performance.now();
    const tables = await bench.run();
    for (const t of tables) process.stdout.write(`${formatTable(t)}\n\n`);
    process.stdout.write(`(${bench.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n\n`);
  }
}

await runAll(process.argv.slice(2).filter((a) => a !== "--"));
