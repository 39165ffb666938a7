// The house runs one way down (docs/architecture.md); this test is the check, and its fixture
// cases show that it fails on a wrong import and on a circle.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe as group, expect, it } from "vitest";
import { ALLOWED, checkArchitecture, describe } from "./layers.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "optinc-arch-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fixture tree: path → source text. */
function tree(name: string, files: Record<string, string>): string {
  const root = join(scratch, name);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

group("architecture", () => {
  it("the project's own imports run one way down, with no circle, and calibration from readings never reaches fab/", () => {
    const r = checkArchitecture(repo);
    expect(r.files).toBeGreaterThan(120);
    expect(r.edges).toBeGreaterThan(300);
    expect(describe(r, repo)).toMatch(/^ok: /);
  });

  it("fails on an import that climbs a floor (verify → compiler)", () => {
    const root = tree("up", {
      "math/cmat.ts": "export const a = 1;\n",
      "compiler/onn/golden.ts": 'import { a } from "../../math/cmat.ts";\nexport const g = a;\n',
      "verify/run.ts": 'import { g } from "../compiler/onn/golden.ts";\nexport const r = g;\n',
    });
    const r = checkArchitecture(root);
    expect(r.violations).toEqual([
      {
        file: "verify/run.ts",
        imports: "compiler/onn/golden.ts",
        why: "verify/ may import only netlist/, aggregate/, math/, dsl/, codes/, runtime/",
      },
    ]);
    expect(r.cycles).toEqual([]);
  });

  it("fails where verify/ imports system/ and where system/ imports verify/ (circuits and cluster models meet only in pipeline/)", () => {
    const root = tree("system-walls", {
      "aggregate/aggregator.ts": "export type AggregateMany = (d: Int32Array, n: number) => Int32Array;\n",
      "verify/circuit/aggregator.ts": 'import { ring } from "../../system/ring/ring-allreduce.ts";\nexport const v = ring;\n',
      "system/ring/ring-allreduce.ts":
        'import type { AggregateMany } from "../../aggregate/aggregator.ts";\nexport const ring = 1 as unknown as AggregateMany;\n',
      "system/train/scenarios.ts": 'import { v } from "../../verify/circuit/aggregator.ts";\nexport const s = v;\n',
      "pipeline/evaluate.ts":
        'import { v } from "../verify/circuit/aggregator.ts";\nimport { s } from "../system/train/scenarios.ts";\nexport const e = [v, s];\n',
    });
    const r = checkArchitecture(root);
    expect(r.violations.map((v) => `${v.file} → ${v.imports}: ${v.why}`).sort()).toEqual([
      "system/train/scenarios.ts → verify/circuit/aggregator.ts: system/ may import only aggregate/, math/, dsl/, codes/, runtime/",
      "verify/circuit/aggregator.ts → system/ring/ring-allreduce.ts: verify/ may import only netlist/, aggregate/, math/, dsl/, codes/, runtime/",
    ]);
  });

  it("lets netlist/ import the technology vocabulary (dsl/technology.ts) and nothing else of dsl/", () => {
    const root = tree("vocabulary", {
      "dsl/technology.ts": "export type Technology = { phaseNoise: number };\n",
      "dsl/spec.ts": 'import type { Technology } from "./technology.ts";\nexport type Spec = { technology: Technology };\n',
      "netlist/die.ts": 'import type { Technology } from "../dsl/technology.ts";\nexport const d = (t: Technology) => t.phaseNoise;\n',
      "netlist/simulate.ts": 'import type { Spec } from "../dsl/spec.ts";\nexport const s = (x: Spec) => x;\n',
    });
    const r = checkArchitecture(root);
    expect(r.violations.map((v) => `${v.file} → ${v.imports}: ${v.why}`)).toEqual([
      "netlist/simulate.ts → dsl/spec.ts: netlist/ may import only math/, codes/, runtime/, dsl/technology.ts",
    ]);
  });

  it("keeps fab/ (the simulated world) above netlist/ and below pipeline/: netlist/ and compiler/ may not import it", () => {
    const root = tree("fab-room", {
      "netlist/ir.ts": "export type Circuit = { name: string };\n",
      "netlist/sim/simulate.ts": 'import { bench } from "../../fab/lab-bench.ts";\nexport const s = bench;\n',
      "fab/lab-bench.ts": 'import type { Circuit } from "../netlist/ir.ts";\nexport const bench = (c: Circuit) => c;\n',
      "compiler/calibrate/truth.ts": 'import { bench } from "../../fab/lab-bench.ts";\nexport const t = bench;\n',
      "pipeline/calibrate/measure.ts": 'import { bench } from "../../fab/lab-bench.ts";\nexport const m = bench;\n',
    });
    const r = checkArchitecture(root);
    expect(r.violations.map((v) => `${v.file} → ${v.imports}: ${v.why}`).sort()).toEqual([
      "compiler/calibrate/truth.ts → fab/lab-bench.ts: compiler/ may import only netlist/, aggregate/, math/, dsl/, codes/, runtime/",
      "netlist/sim/simulate.ts → fab/lab-bench.ts: netlist/ may import only math/, codes/, runtime/, dsl/technology.ts",
    ]);
  });

  it("fails where calibration from readings (compiler/calibrate/lab/) reaches fab/ or a drawn die, directly or through another file", () => {
    const root = tree("sealed", {
      "compiler/calibrate/lab/fit.ts": 'import { helper } from "../helper.ts";\nexport const f = helper;\n',
      "compiler/calibrate/helper.ts": 'export { readFabDieFile as helper } from "../../fab/die-file.ts";\n',
      "fab/die-file.ts": "export const readFabDieFile = 1;\n",
      "compiler/calibrate/lab/peek.ts": 'import { draws } from "../../../netlist/sim/die-draws.ts";\nexport const p = draws;\n',
      "netlist/sim/die-draws.ts": "export const draws = 1;\n",
      "compiler/calibrate/lab/ok.ts": 'import { f } from "./fit.ts";\nexport const o = f;\n',
    });
    const r = checkArchitecture(root);
    expect(r.violations.map((v) => `${v.file} → ${v.imports}: ${v.why}`).sort()).toEqual([
      "compiler/calibrate/helper.ts → fab/die-file.ts: compiler/ may import only netlist/, aggregate/, math/, dsl/, codes/, runtime/",
      "compiler/calibrate/lab/fit.ts → fab/die-file.ts: compiler/calibrate/lab/ is sealed from fab/, netlist/sim/die-draws.ts (reached through compiler/calibrate/helper.ts → fab/die-file.ts)",
      "compiler/calibrate/lab/ok.ts → fab/die-file.ts: compiler/calibrate/lab/ is sealed from fab/, netlist/sim/die-draws.ts (reached through compiler/calibrate/lab/fit.ts → compiler/calibrate/helper.ts → fab/die-file.ts)",
      "compiler/calibrate/lab/peek.ts → netlist/sim/die-draws.ts: compiler/calibrate/lab/ is sealed from fab/, netlist/sim/die-draws.ts (reached through netlist/sim/die-draws.ts)",
    ]);
  });

  it("sees type-only imports, re-exports and dynamic import() too", () => {
    const root = tree("kinds", {
      "netlist/ir.ts": "export type T = number;\n",
      "math/a.ts": 'import type { T } from "../netlist/ir.ts";\nexport const x: T = 1;\n',
      "math/b.ts": 'export { x } from "./a.ts";\n// import { y } from "../cli/nothing.ts"; (a comment, not an import)\n',
      "math/c.ts": 'export const load = () => import("../pipeline/late.ts");\n',
      "pipeline/late.ts": "export const late = 1;\n",
    });
    const r = checkArchitecture(root);
    expect(r.violations.map((v) => `${v.file} → ${v.imports}`).sort()).toEqual([
      "math/a.ts → netlist/ir.ts",
      "math/c.ts → pipeline/late.ts",
    ]);
  });

  it("fails on rooms of one floor importing each other and on a folder outside the house", () => {
    const root = tree("sideways", {
      "netlist/sim.ts": 'import { u } from "../aggregate/unit.ts";\nexport const s = u;\n',
      "aggregate/unit.ts": 'import { t } from "../tests/helper.ts";\nexport const u = t;\n',
      "tests/helper.ts": "export const t = 1;\n",
    });
    const r = checkArchitecture(root);
    expect(r.violations.map((v) => `${v.file}: ${v.why}`).sort()).toEqual([
      'aggregate/unit.ts: "tests/" is not a room of the house (tests, scripts and tools sit outside it)',
      "netlist/sim.ts: netlist/ may import only math/, codes/, runtime/, dsl/technology.ts",
    ]);
  });

  it("fails on an import circle between files of one room", () => {
    const root = tree("circle", {
      "pipeline/compile.ts": 'import { c } from "./compose.ts";\nexport const a = c;\n',
      "pipeline/compose.ts": 'import type { R } from "./report.ts";\nexport const c = 1 as R;\n',
      "pipeline/report.ts": 'import { a } from "./compile.ts";\nexport type R = typeof a;\n',
      "pipeline/types.ts": "export type T = 1;\n",
    });
    const r = checkArchitecture(root);
    expect(r.violations).toEqual([]);
    expect(r.cycles).toEqual([["pipeline/compile.ts", "pipeline/compose.ts", "pipeline/report.ts"]]);
    expect(describe(r, root)).toContain("import circle: pipeline/compile.ts → pipeline/compose.ts → pipeline/report.ts");
  });
});

/** Every source file of the house (repo-relative), with its line count. */
function sourceSizes(root: string): [string, number][] {
  const out: [string, number][] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const rel = `${dir}/${name}`;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (name.endsWith(".ts")) out.push([rel, readFileSync(join(root, rel), "utf8").split("\n").length - 1]);
    }
  };
  for (const room of Object.keys(ALLOWED)) if (existsSync(join(root, room))) walk(room);
  return out;
}

const MAX_LINES = 400;
const MAX_NETLIST_FILES = 15;

group("rooms a newcomer can read", () => {
  it(`no source file is over ${MAX_LINES} lines`, () => {
    const sizes = sourceSizes(repo);
    expect(sizes.length).toBeGreaterThan(300);
    expect(sizes.filter(([, n]) => n > MAX_LINES).map(([f, n]) => `${f} (${n} lines)`)).toEqual([]);
  });

  it(`netlist/ holds at most ${MAX_NETLIST_FILES} files directly; the rest sit in named sub-folders`, () => {
    const direct = readdirSync(join(repo, "netlist")).filter((f) => statSync(join(repo, "netlist", f)).isFile());
    expect(direct.length).toBeGreaterThan(0);
    expect(direct.length).toBeLessThanOrEqual(MAX_NETLIST_FILES);
  });

  it("the size check sees a long file (it can fail)", () => {
    const root = tree("long", { "math/long.ts": "export const a = 1;\n".repeat(MAX_LINES + 1), "math/short.ts": "export const b = 1;\n" });
    const long = sourceSizes(root).filter(([, n]) => n > MAX_LINES);
    expect(long).toEqual([["math/long.ts", MAX_LINES + 1]]);
  });
});
