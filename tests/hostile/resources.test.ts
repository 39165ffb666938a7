// "Unbounded resources", "Silent wrong answers" and the spec side of "Exit 70 for user errors":
// huge or garbage specs, deep nesting, long names, oversized networks and matrices, and decompose
// on extreme magnitudes. Every case ends fast, with bounded output and a located OPTxxxx error.
import { readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelope, expectSane, optinc, optincInProcess, snapshot } from "./harness.ts";
import { TINY, workspace, type Workspace } from "./fixtures.ts";
import { rebuildFromPhasesJson } from "../mesh/independent-rebuild.ts";

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace();
});
afterAll(() => ws?.cleanup());

/** Through the real bundle: the cases that bound a run's time. */
async function spawned(args: string[]) {
  const r = await optinc(args, { cwd: ws.dir });
  expectSane(r, args.join(" "));
  return r;
}

/** Through main in-process (the same reader and messages, without a process start). */
async function run(args: string[]) {
  const r = await optincInProcess(args, { cwd: ws.dir });
  expectSane(r, args.join(" "));
  return r;
}

describe("huge and garbage specs", () => {
  it("a 1.2 MB one-line spec is refused at once (exit 2), not parsed into gigabytes of output", async () => {
    writeFileSync(ws.path("huge.optinc"), `aggregator a { ${Array.from({ length: 110_000 }, (_, i) => `o${i} = ;`).join(" ")} }\n`);
    const r = await run(["check", "huge.optinc"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[OPT0001\]: cannot read the spec 'huge\.optinc': \d+ bytes, more than the 1 MB limit/);
  });

  it("a 0.9 MB one-line spec full of errors: at most 100 diagnostics, then 'and N more'; excerpts cut around the caret", async () => {
    writeFileSync(ws.path("many.optinc"), `aggregator a { ${Array.from({ length: 80_000 }, (_, i) => `o${i} = ;`).join(" ")} }\n`);
    const r = await run(["check", "many.optinc"]);
    expect(r.code).toBe(1);
    expect(r.stderr.match(/error\[OPT1\d{3}\]/g)!.length).toBe(100);
    expect(r.stderr).toMatch(/note\[OPT0008\]: and \d+ more diagnostics not shown/);
    expect(r.stderr.length).toBeLessThan(60_000);
    for (const line of r.stderr.split("\n")) expect(line.length).toBeLessThan(520);
    const j = envelope(await run(["--json", "check", "many.optinc"]));
    expect(j.diagnostics).toHaveLength(101);
    expect(j.diagnostics.at(-1)).toMatchObject({ code: "OPT0008", severity: "note" });
  });

  it("20,000 unknown options are checked in linear time", async () => {
    writeFileSync(ws.path("unknown.optinc"), `aggregator a {\n${Array.from({ length: 20_000 }, (_, i) => `  opt${i} = 1\n`).join("")}}\n`);
    const r = await spawned(["check", "unknown.optinc"]);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(8000);
    expect(r.stderr).toMatch(/and 19900 more diagnostics not shown/);
  });

  it("a binary 'spec' is exit 2 with escaped, bounded output (no raw control bytes)", async () => {
    writeFileSync(ws.path("binary.optinc"), randomBytes(223_000));
    const r = await run(["check", "binary.optinc"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[OPT0006\]: the spec 'binary\.optinc' is not a text file/);
    expect(r.stderr.length).toBeLessThan(2000);
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it("600 nested blocks (.optinc) and 600 nested lists (.yaml) are OPT1007 at the first level too deep", async () => {
    writeFileSync(ws.path("deep.optinc"), `aggregator a {\n${"b {\n".repeat(600)}${"}\n".repeat(600)}}\n`);
    writeFileSync(ws.path("deep.yaml"), `aggregator: a\nworkers: ${"[".repeat(600)}${"]".repeat(600)}\n`);
    writeFileSync(
      ws.path("deepblock.yaml"),
      `aggregator: a\nnetwork:\n${Array.from({ length: 600 }, (_, i) => `${"  ".repeat(i + 1)}k${i}:`).join("\n")}\n`,
    );
    const a = await run(["check", "deep.optinc"]);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^deep\.optinc:33:\d+: error\[OPT1007\]: nesting deeper than 32 levels/m);
    const b = await run(["check", "deep.yaml"]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/^deep\.yaml:2:\d+: error\[OPT1007\]/m);
    const c = await run(["fmt", "deepblock.yaml"]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/^deepblock\.yaml:\d+:\d+: error\[OPT1007\]/m);
  });

  it("an over-long aggregator name fails check (OPT2018), not compile", async () => {
    writeFileSync(ws.path("long.optinc"), TINY.replace("aggregator tiny", `aggregator ${"n".repeat(300)}`));
    const r = await run(["check", "long.optinc"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[OPT2018\]: aggregator name is 300 characters long; at most 64/);
  });

  it("hidden = [4096, 4096] is refused up front with an estimate (OPT2019), and nothing is written", async () => {
    writeFileSync(ws.path("wide.optinc"), TINY.replace("hidden = [8]", "hidden = [4096, 4096]"));
    const before = snapshot(ws.dir);
    const r = await spawned(["compile", "wide.optinc", "-o", "wide-out"]);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(5000);
    expect(r.stderr).toMatch(/^wide\.optinc:\d+:\d+: error\[OPT2019\]: compiling this spec is estimated to need [\d.]+ GB of memory/m);
    expect(r.stderr).toContain("--force");
    expect(snapshot(ws.dir)).toEqual(before);
  });
});

describe("decompose: extreme magnitudes, sizes and accuracy", () => {
  const rel = (text: string, w: number[][]) => {
    const [stage] = rebuildFromPhasesJson(text);
    let num = 0;
    let den = 0;
    // Compare in units of the largest entry: the rebuilt gain carries the scale.
    const peak = Math.max(...w.flat().map(Math.abs));
    for (let i = 0; i < w.length; i++)
      for (let j = 0; j < w[0]!.length; j++) {
        const [re, im] = stage!.entries[i]![j]!;
        num += ((re - w[i]![j]!) / peak) ** 2 + (im / peak) ** 2;
        den += (w[i]![j]! / peak) ** 2;
      }
    return Math.sqrt(num / den);
  };

  for (const v of [1e200, 3e154, 1e-300, 1e308]) {
    it(`entries of ${v}: exit 0 only with an emitted table that rebuilds the matrix (independent evaluator)`, async () => {
      const w = [
        [v, v / 3],
        [-v / 7, v / 2],
      ];
      writeFileSync(ws.path("x.json"), JSON.stringify(w));
      const r = await run(["--json", "decompose", "x.json", "-o", `dec-${v}`]);
      expect(r.code, r.stderr).toBe(0);
      const res = envelope(r).result as { gain: number; reconstruction: { relativeError: number }; emitted: { relativeError: number } };
      expect(Number.isFinite(res.gain) && res.gain > 0).toBe(true);
      expect(res.reconstruction.relativeError).toBeLessThan(1e-12);
      expect(rel(readFileSync(ws.path(`dec-${v}`, "x.phases.json"), "utf8"), w)).toBeLessThan(1e-12);
    });
  }

  it("subnormal entries (1e-320) whose gain cannot be stored accurately: exit 1 (OPT3112), nothing written", async () => {
    writeFileSync(
      ws.path("sub.json"),
      JSON.stringify([
        [1e-320, 3e-321],
        [2e-321, 1e-320],
      ]),
    );
    const before = snapshot(ws.dir);
    const r = await run(["decompose", "sub.json", "-o", "dec-sub"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error\[OPT3112\]: the decomposition is not accurate: relative error of the emitted phase table [\d.e+-]+ exceeds --max-error/,
    );
    expect(snapshot(ws.dir)).toEqual(before);
  });

  it("a largest singular value beyond the double range: exit 1 (OPT3111)", async () => {
    writeFileSync(ws.path("over.json"), "[[1.7e308, 1.7e308], [1.7e308, 1.7e308]]");
    const r = await run(["decompose", "over.json", "-o", "dec-over"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[OPT3111\]/);
  });

  it("a 2000×2000 matrix is refused at once (file above the 4 MB limit); a 300×300 one by its shape", async () => {
    writeFileSync(ws.path("m2000.csv"), `${Array.from({ length: 2000 }, () => new Array(2000).fill("0.5").join(",")).join("\n")}\n`);
    const a = await spawned(["decompose", "m2000.csv"]);
    expect(a.code).toBe(2);
    expect(a.ms).toBeLessThan(3000);
    expect(a.stderr).toMatch(/error\[OPT3101\]: cannot read the matrix file 'm2000\.csv': 16000000 bytes, more than the 4 MB limit/);
    writeFileSync(ws.path("m300.csv"), `${Array.from({ length: 300 }, () => new Array(300).fill("0.5").join(",")).join("\n")}\n`);
    const b = await run(["decompose", "m300.csv"]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/error\[OPT3110\]: the matrix is 300×300; optinc decompose handles at most 256×256/);
  });
});

describe("netlists", () => {
  it("an error in a minified 5 MB netlist prints a short excerpt, not the whole line", async () => {
    const doc = JSON.parse(readFileSync(ws.path("out", "tiny.netlist.json"), "utf8"));
    doc.info.padding = "x".repeat(5_000_000);
    const text = JSON.stringify(doc).replace('"top":"tiny"', '"top":42');
    writeFileSync(ws.path("mini.netlist.json"), text);
    for (const args of [
      ["verify", "mini.netlist.json"],
      ["export", "mini.netlist.json", "--format", "yaml", "-o", "mini-out"],
    ]) {
      const r = await run(args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.length).toBeLessThan(2000);
      expect(r.stderr).toMatch(/mini\.netlist\.json:1:\d+: error\[OPT\d{4}\]/);
    }
  });
});
