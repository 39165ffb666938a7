// Full-size compiles of the bundled examples: wall time per pass, exact match on the emitted
// netlist, area ratio. `npm run bench compile` (or `compile:paper-4x8` for one example).
import { readFileSync } from "node:fs";
import { compileSpec } from "../../pipeline/compile.ts";
import { CompileError } from "../../compiler/errors.ts";
import { loadSpec } from "../../dsl/load.ts";
import type { BenchModule } from "./run.ts";

const EXAMPLES = ["paper-4x8", "paper-4x8+slices", "eight-workers", "cluster-16", "paper-4x16"];

export const bench: BenchModule = {
  name: "compile",
  run() {
    const only = process.argv.find((a) => a.startsWith("compile:"))?.slice("compile:".length);
    const rows: (string | number)[][] = [];
    for (const ex of EXAMPLES.filter((e) => !only || e === only)) {
      // "+slices": the same spec with network.slices = always (a 13 + 2,704 + 208-case chain for 4×8).
      const [base, variant] = ex.split("+");
      const file = `examples/${base}.optinc`;
      let text = readFileSync(file, "utf8");
      if (variant === "slices") text = text.replace(/hidden = auto/, "hidden = auto  slices = always");
      const r = loadSpec(file, text);
      if (!r.checked) {
        rows.push([ex, "spec error", "", "", "", "", ""]);
        continue;
      }
      const t0 = performance.now();
      try {
        const c = compileSpec(r.checked, {
          onEpoch: (unit, s) => {
            if (s.epoch % 25 === 0) process.stderr.write(`  ${unit} epoch ${s.epoch} ${s.phase} exact ${s.exact}\n`);
          },
        });
        const t = c.report.timing;
        rows.push([
          ex,
          ((performance.now() - t0) / 1000).toFixed(1),
          (t.train ?? 0).toFixed(1),
          (t.verify ?? 0).toFixed(1),
          `${c.report.onn.exactMatch} (${c.report.onn.casesChecked})`,
          c.report.hardware.areaRatio.toFixed(3),
          c.report.cascade ? `${c.report.cascade.units} units, +${(100 * c.report.cascade.overheadVsBaseUnits).toFixed(1)}%` : "",
        ]);
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        rows.push([ex, ((performance.now() - t0) / 1000).toFixed(1), "", "", `${e.code}: not compiled`, "", ""]);
      }
    }
    return [
      {
        title: "optinc compile on the bundled examples",
        columns: ["example", "total s", "train s", "verify s", "exact match (cases)", "area ratio", "cascade"],
        rows,
        notes: ["Targets: paper-4x8 ≤ 60 s on the 2-core machine; exact match 1; area ratio ≤ 0.393 (4×8-bit), ≤ 0.493 (4×16-bit)."],
      },
    ];
  },
};
