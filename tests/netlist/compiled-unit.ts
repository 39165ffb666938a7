// A small aggregator compiled for real (2 workers, 4-bit PAM4 values: 2 digits each, 49 reduced
// cases, about 3 s): centred digit-sum preprocessing with its bias source, SVD-mapped layers,
// ReLUs and the detector, as `optinc compile` writes them. Tests that need real emitted files of a
// trained unit take them from here. The compile runs once per worker (test files of one worker share
// the module cache, vitest.config.ts); each caller still gets its own directory of the files.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSpec } from "../../dsl/load.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import { compileSpec, type CompileResult } from "../../pipeline/compile/trained.ts";

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

let compiled: CompileResult | undefined;

function compileSmall(): CompileResult {
  const r = loadSpec("small.optinc", SMALL_SPEC);
  if (!r.checked) throw new Error("SMALL_SPEC does not check");
  const result = compileSpec(r.checked, { skipEvaluation: true });
  if (result.report.onn.exactMatch !== 1) throw new Error("the small unit did not compile to exact match");
  return result;
}

/** SMALL_SPEC compiled (once per worker; treat the result as read-only), its files (and report.json) in a fresh temp dir. */
export async function compiledSmallUnit(): Promise<CompiledUnit> {
  compiled ??= compileSmall();
  const result = compiled;
  const dir = mkdtempSync(join(tmpdir(), "optinc-small-"));
  const files = new Map(result.files);
  files.set("small.report.json", JSON.stringify(result.report, null, 2) + "\n");
  commitFiles(dir, files);
  return { dir, name: "small", result };
}
