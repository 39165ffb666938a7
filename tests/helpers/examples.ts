// The closed-form compile of a bundled example (examples/<name>.optinc, skipEvaluation, 2,000
// composed cases), shared by the test files that read its emitted files. Test files of one worker
// share the module cache (vitest.config.ts: isolate false), so each example is compiled once per
// worker instead of once per file; tests that check the compile itself still run it. Treat the
// result as read-only: structuredClone it before editing.
import { readFileSync } from "node:fs";
import { loadSpec } from "../../dsl/load.ts";
import { type ClosedFormResult, compileClosedForm } from "../../pipeline/compile/closed-form.ts";

const cache = new Map<string, ClosedFormResult>();

export function compiledExample(name: string): ClosedFormResult {
  let r = cache.get(name);
  if (!r) {
    const file = `examples/${name}.optinc`;
    r = compileClosedForm(loadSpec(file, readFileSync(file, "utf8")).checked!, { skipEvaluation: true, maxComposeCases: 2000 });
    cache.set(name, r);
  }
  return r;
}
