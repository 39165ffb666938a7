// A cascade's end-to-end check on two threads (verify/cells/cascade-pool.ts) must give every case
// the error one thread gives it: a pool thread checks every slice but the first, and the errors are
// compared case by case, on the emitted chips and on a chip file with one connection moved (whose
// errors are not all zero, so a pool that wrote nothing, or wrote another case's error, would
// differ). Planted fault: a pool thread that checks the slice after the one it claimed fails it.
import { describe, expect, it } from "vitest";
import { readChipJson } from "../../../aggregate/chip-file.ts";
import { loadSpec } from "../../../dsl/load.ts";
import { closedFormStructure } from "../../../pipeline/compile/closed-form.ts";
import { CASCADE_BATCH, type CascadeJob } from "../../../verify/cells/cascade-batch.ts";
import { cascadeCaseErrors } from "../../../verify/cells/cascade-pool.ts";
import { composeCascade } from "../../../verify/cells/chip-compose.ts";

const text = `aggregator g {\n  workers = 5\n  precision = 4 bits\n  levels = 2\n  rounding = nearest-even\n  route = closed-form\n  cascade { radix = 2 }\n}\n`;

describe("a cascade's check on two threads", () => {
  const spec = loadSpec("g.optinc", text).checked!.spec;
  const b = closedFormStructure(spec);
  const files = b.emitted();
  const chips = b.steps.map((s) => readChipJson(files.get(`${s.stem}.chip.json`)!, `${s.stem}.chip.json`));
  const circuits = new Map(b.steps.flatMap((s) => [...s.circuits!]));
  const plan = b.cascade!;
  const cases = 3 * CASCADE_BATCH + 17;

  it("gives every case the one-thread error, on good chips and on a chip with a moved connection", () => {
    const one = composeCascade(chips, circuits, plan, spec, { maxCases: cases, seed: 3, jobs: 1 });
    const two = composeCascade(chips, circuits, plan, spec, { maxCases: cases, seed: 3, jobs: 2 }, { afterMs: 0, callerWorks: false });
    expect(two).toEqual(one);
    expect(one.exact).toBe(cases);
    const moved = structuredClone(chips);
    const port = moved[0]!.chip.cells.flatMap((c) => c.ports).find((p) => p.source.kind === "worker" && p.source.position === 0)!;
    if (port.source.kind === "worker") port.source = { ...port.source, position: 1 };
    const codes = new Int32Array(new SharedArrayBuffer(4 * cases * spec.workers));
    for (let i = 0; i < codes.length; i++) codes[i] = (i * 7919) % 2 ** spec.precision;
    const job: CascadeJob = { chips: moved, circuits, plan, spec, codes, cases };
    const e1 = cascadeCaseErrors(job, { jobs: 1 });
    const e2 = cascadeCaseErrors(job, { jobs: 2, afterMs: 0, callerWorks: false });
    expect(e1.some((e) => e !== 0)).toBe(true);
    expect([...e2]).toEqual([...e1]);
  }, 120_000);
});
