// A small aggregator compiled for real (2 workers, 4-bit PAM4 values: 2 digits each, 49 reduced
// cases, about 3 s): centred digit-sum preprocessing with its bias source, SVD-mapped layers,
// ReLUs and the detector, as `optinc compile` writes them. Tests that need real emitted files of a
// trained unit take them from here.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSpec } from "../../dsl/load.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import { compileSpec, type CompileResult } from "../../pipeline/compile.ts";

export const SMALL_SPEC = `aggregator small {
  workers   = 2
  precision = 4 bits
  levels    = 4
  network     { hidden = [16, 8, 16] }
  approximate { method = none }
  training    { seed = 3  epochs = 200  learning_rate = 0.01  margin = 0.2 }
}
`;

export interface CompiledUnit {
  dir: string;
  name: string;
  result: CompileResult;
}

/** Compile SMALL_SPEC and write its files (and report.json) into a fresh temp dir. */
export async function compiledSmallUnit(): Promise<CompiledUnit> {
  const r = loadSpec("small.optinc", SMALL_SPEC);
  if (!r.checked) throw new Error("SMALL_SPEC does not check");
  const result = compileSpec(r.checked, { skipEvaluation: true });
  if (result.report.onn.exactMatch !== 1) throw new Error("the small unit did not compile to exact match");
  const dir = mkdtempSync(join(tmpdir(), "optinc-small-"));
  const files = new Map(result.files);
  files.set("small.report.json", JSON.stringify(result.report, null, 2) + "\n");
  commitFiles(dir, files);
  return { dir, name: "small", result };
}
