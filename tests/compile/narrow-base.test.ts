// A narrower base inside (aggregate/narrow-base.ts): PAM-8/PAM-16 on the link, PAM-4 or PAM-2 cells.
// Independent check: the emitted chip files and netlists, read back, composed end to end from the
// workers' link symbols (split at ingress, merged at egress) against goldenAverage of the spec's
// precision, over every worker code vector; a swapped sub-digit order in the emitted wiring fails it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { searchStructures } from "../../pipeline/compile/structure-search.ts";
import { structureTable } from "../../pipeline/compile/structure-table.ts";
import { memoryIo } from "../helpers/io.ts";
import { loadCircuits } from "../../verify/circuit/load.ts";
import { chipAggregator } from "../../verify/cells/chip-aggregate.ts";
import { goldenDigits } from "../../aggregate/golden.ts";
import { readChipJson, writeChipJson } from "../../aggregate/chip-file.ts";
import { mergeInnerDigits, narrowerBases, splitLinkDigits, subDigits } from "../../aggregate/narrow-base.ts";
import { loadSpec } from "../../dsl/load.ts";
import type { Spec } from "../../dsl/spec.ts";
import { compileClosedForm } from "../../pipeline/compile/closed-form.ts";
import { candidateStructures, structureLabel } from "../../pipeline/compile/structure-search.ts";
import { specFor } from "../../pipeline/compile/candidate-price.ts";
import { composeCascade, composeChip } from "../../verify/cells/chip-compose.ts";
import { planCascade } from "../../aggregate/cascade.ts";
import type { ChipFile } from "../../aggregate/chip-file.ts";
import { goldenAverage } from "../../aggregate/golden.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { chipRunner } from "../../verify/cells/chip-batch.ts";

/**
 * This test's own composition of a flat narrow-base chip over every worker code vector: each code's
 * base-L link symbols, split into base-L' sub-digits at inner position g·k + j, through the chip's
 * cells simulated from their netlists; the result digits merged g at a time; against goldenAverage.
 */
function everyVector(f: ChipFile, circuits: Map<string, Circuit>, s: Spec): { cases: number; exact: number } {
  const L = s.levels;
  const Lp = f.chip.levels;
  const g = Math.log2(L) / Math.log2(Lp);
  const N = s.workers;
  const D = s.precision / Math.log2(L);
  const K = D * g;
  const size = 2 ** s.precision;
  const cases = size ** N;
  const digits = new Int32Array(cases * N * K);
  const codes: number[][] = [];
  for (let c = 0; c < cases; c++) {
    const cs = Array.from({ length: N }, (_, w) => Math.floor(c / size ** w) % size);
    codes.push(cs);
    cs.forEach((code, w) => {
      for (let k = 0; k < D; k++) {
        const sym = Math.floor(code / L ** k) % L;
        for (let j = 0; j < g; j++) digits[(c * N + w) * K + g * k + j] = Math.floor(sym / Lp ** j) % Lp;
      }
    });
  }
  const out = chipRunner(f, circuits).run(digits, cases);
  let exact = 0;
  codes.forEach((cs, c) => {
    let code = 0;
    for (let k = D - 1; k >= 0; k--) {
      let sym = 0;
      for (let j = g - 1; j >= 0; j--) sym = sym * Lp + out[c * f.chip.outDigits + g * k + j]!;
      code = code * L + sym;
    }
    if (code === goldenAverage(cs, s)) exact++;
  });
  return { cases, exact };
}

function spec(body: string): Spec {
  const r = loadSpec("n.optinc", `aggregator nb {\n${body}\n}\n`);
  if (!r.checked) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.checked.spec;
}

function build(s: Spec) {
  return compileClosedForm({ spec: s, locations: {} }, { skipEvaluation: true, toleranceTrials: 0, formats: ["json"] });
}

/** Every chip file of a compile, read back, and the cells it names. */
function emitted(files: Map<string, string>) {
  const chips = [...files].filter(([f]) => f.endsWith(".chip.json")).sort((a, b) => a[0].localeCompare(b[0]));
  return chips.map(([f, text]) => readChipJson(text, f));
}

describe("narrow base: conversion", () => {
  it("splits a link symbol into its base-L' sub-digits, least significant first, and merges them back", () => {
    expect(subDigits(16, 4)).toBe(2);
    expect(subDigits(16, 2)).toBe(4);
    expect(subDigits(8, 2)).toBe(3);
    expect(() => subDigits(8, 4)).toThrow();
    expect(narrowerBases(16)).toEqual([4, 2]);
    expect(narrowerBases(8)).toEqual([2]);
    expect(narrowerBases(4)).toEqual([2]);
    expect(narrowerBases(2)).toEqual([]);
    expect(Array.from(splitLinkDigits([6, 13], 16, 4))).toEqual([2, 1, 1, 3]);
    expect(Array.from(splitLinkDigits([5], 8, 2))).toEqual([1, 0, 1]);
    for (const [L, Lp] of [
      [16, 4],
      [16, 2],
      [8, 2],
    ] as const)
      for (let s = 0; s < L * L; s++) {
        const link = [s % L, Math.floor(s / L)];
        const inner = splitLinkDigits(link, L, Lp);
        // Inner digits are the code's base-L' digits.
        expect(inner.reduce((a, d, j) => a + d * Lp ** j, 0)).toBe(s);
        expect(mergeInnerDigits(inner, L, Lp)).toEqual(link);
      }
  });

  it("the search lists every structure in the link's base, then in each narrower base", () => {
    const c = candidateStructures(4, 16);
    expect(c.map(structureLabel)).toEqual([
      "flat cells",
      "radix-2 cascade",
      "radix-3 cascade",
      "flat cells, PAM-4 inside",
      "radix-2 cascade, PAM-4 inside",
      "radix-3 cascade, PAM-4 inside",
      "flat cells, PAM-2 inside",
      "radix-2 cascade, PAM-2 inside",
      "radix-3 cascade, PAM-2 inside",
    ]);
    expect(candidateStructures(4, 4).map(structureLabel).slice(3)).toEqual([
      "flat cells, PAM-2 inside",
      "radix-2 cascade, PAM-2 inside",
      "radix-3 cascade, PAM-2 inside",
    ]);
    expect(candidateStructures(4, 2)).toHaveLength(3);
    expect(specFor(spec("  workers = 4\n  levels = 16"), c[4]!)).toMatchObject({ innerLevels: 4, cascade: { radix: 2 } });
  });

  it("inner_levels must be a narrower base of levels", () => {
    const bad = loadSpec("b.optinc", "aggregator b {\n  levels = 8\n  precision = 6 bits\n  route = closed-form\n  inner_levels = 4\n}\n");
    expect(bad.checked).toBeUndefined();
    expect(bad.diagnostics.map((d) => d.message).join()).toMatch(/not a narrower base/);
    const hint = (levels: number, inner: number): string =>
      loadSpec(
        "h.optinc",
        `aggregator h {\n  levels = ${levels}\n  precision = 4 bits\n  route = closed-form\n  inner_levels = ${inner}\n}\n`,
      )
        .diagnostics.map((d) => d.hint)
        .join();
    expect(hint(4, 4)).toContain("use inner_levels = 2");
    expect(hint(2, 2)).toContain("a PAM-2 link computes in its own base");
    // PAM-4 → 2 is a narrower base: no diagnostic.
    expect(
      loadSpec("ok.optinc", "aggregator ok {\n  levels = 4\n  precision = 4 bits\n  route = closed-form\n  inner_levels = 2\n}\n")
        .diagnostics,
    ).toEqual([]);
  });
});

describe("narrow base: emitted chips composed against the golden average", () => {
  const cases: [string, string][] = [
    ["PAM-16 → 4, 2 workers × 4 bits, flat", "  workers = 2\n  precision = 4 bits\n  levels = 16\n  inner_levels = 4"],
    [
      "PAM-16 → 2, 3 workers × 4 bits, flat, nearest-away",
      "  workers = 3\n  precision = 4 bits\n  levels = 16\n  inner_levels = 2\n  rounding = nearest-away",
    ],
    [
      "PAM-8 → 2, 3 workers × 3 bits, flat, floor",
      "  workers = 3\n  precision = 3 bits\n  levels = 8\n  inner_levels = 2\n  rounding = floor",
    ],
    [
      "PAM-16 → 4, 3 workers × 4 bits, radix-2 cascade",
      "  workers = 3\n  precision = 4 bits\n  levels = 16\n  inner_levels = 4\n  cascade { radix = 2 }",
    ],
    [
      "PAM-8 → 2, 5 workers × 3 bits, radix-2 cascade",
      "  workers = 5\n  precision = 3 bits\n  levels = 8\n  inner_levels = 2\n  cascade { radix = 2 }",
    ],
  ];
  for (const [name, body] of cases)
    it(`${name}: exact on every input`, () => {
      const s = spec(`  route = closed-form\n${body}`);
      const r = build(s);
      const chips = emitted(r.files);
      for (const c of chips) {
        expect(c.linkLevels).toBe(s.levels);
        expect(c.chip.levels).toBe(s.innerLevels);
      }
      expect(r.report.conversion).toMatchObject({ linkLevels: s.levels, innerLevels: s.innerLevels, oeoHops: 2 });
      expect(r.report.ok).toBe(true);
      expect(r.report.onn.composed.mode).toBe("exhaustive");
      expect(r.report.onn.exactMatch).toBe(1);
      if (!s.cascade) {
        const e = everyVector(chips[0]!, new Map(r.steps.flatMap((st) => [...st.circuits!])), s);
        expect(e.exact).toBe(e.cases);
      }
    });

  it("the chip file's linkLevels round-trips, and a file without it reads as one base", () => {
    const r = build(spec("  route = closed-form\n  workers = 2\n  precision = 4 bits\n  levels = 16\n  inner_levels = 4"));
    const text = r.files.get("nb.chip.json")!;
    expect(JSON.parse(text)).toMatchObject({ levels: 4, linkLevels: 16, inDigits: 2, outDigits: 2 });
    const f = readChipJson(text, "nb.chip.json");
    expect(f.linkLevels).toBe(16);
    expect(writeChipJson(f)).toBe(text);
    const plain = text.replace(/ "linkLevels": 16,\n/, "");
    expect(plain).not.toBe(text);
    expect(readChipJson(plain, "x.chip.json").linkLevels).toBeUndefined();
    expect(() => readChipJson(text.replace('"linkLevels": 16', '"linkLevels": 8'), "bad.chip.json")).toThrow(/linkLevels 8/);
  });

  it("a planted fault, the sub-digits of each link symbol wired in swapped order, fails the composition", () => {
    for (const body of [
      "  workers = 2\n  precision = 4 bits\n  levels = 16\n  inner_levels = 4",
      "  workers = 3\n  precision = 4 bits\n  levels = 16\n  inner_levels = 4\n  cascade { radix = 2 }",
    ]) {
      const s = spec(`  route = closed-form\n${body}`);
      const r = build(s);
      const circuits = new Map(r.steps.flatMap((st) => [...st.circuits!]));
      const chips = emitted(r.files);
      const g = subDigits(s.levels, s.innerLevels!);
      // Swap sub-digit j ↔ g − 1 − j of every worker port of the chip that reads the link.
      const first = chips[0]!;
      const swapped = structuredClone(first);
      for (const c of swapped.chip.cells)
        for (const p of c.ports)
          if (p.source.kind === "worker") p.source.position = g * Math.floor(p.source.position / g) + (g - 1 - (p.source.position % g));
      const run = (cs: typeof chips) =>
        s.cascade
          ? composeCascade(cs, circuits, planCascade(s.workers, s.cascade.radix, s.precision, s.innerLevels!, s.rounding), s, {
              maxCases: 1e6,
              seed: 1,
            })
          : composeChip(cs[0]!, circuits, { maxCases: 1e6, seed: 1 });
      const good = run(chips);
      expect(good.exact).toBe(good.cases);
      const bad = run([swapped, ...chips.slice(1)]);
      expect(bad.exact).toBeLessThan(bad.cases);
      if (!s.cascade) {
        const e = everyVector(swapped, circuits, s);
        expect(e.exact).toBeLessThan(e.cases);
      }
    }
  });
});

describe("narrow base: the search and optinc verify", () => {
  const base = mkdtempSync(join(tmpdir(), "optinc-narrow-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const cli = async (args: string[]) => {
    const io = memoryIo();
    const code = await main(args, io);
    return { code, out: io.out(), err: io.err() };
  };

  it("route = auto lists the inner-base rows with their conversion, in cost order", () => {
    const r = loadSpec("a.optinc", "aggregator a8 {\n  workers = 3\n  precision = 3 bits\n  levels = 8\n}\n");
    const { search } = searchStructures(r.checked!, { seed: 1 });
    const inner = search.rows.filter((x) => x.structure.innerLevels === 2);
    expect(inner.map((x) => x.label)).toEqual(["flat cells, PAM-2 inside", "radix-2 cascade, PAM-2 inside"]);
    for (const x of inner) expect(x.cost.conversion).toEqual({ linkLevels: 8, innerLevels: 2, receivers: 3, modulators: 3 * 3 + 1 });
    const wide = search.rows.find((x) => x.label === "flat cells")!;
    expect(wide.cost.conversion).toBeNull();
    // The flat inner-base row has the same cells on its path as its PAM-2 chip, plus the two conversion stages.
    const flat = inner[0]!;
    expect(flat.cost.oeoOnCriticalPath).toBe(flat.cost.cellsOnCriticalPath - 1 + 2);
    const mzis = search.rows.map((x) => x.cost.mzi);
    expect(mzis).toEqual([...mzis].sort((a, b) => a - b));
    const table = structureTable(search);
    expect(table.join("\n")).toContain("PAM-8→2: 3 rx, 10 mod");
    // The latency column: each row's O-E-O regenerations at 1 ns (planted: a row priced at its cells
    // on the path instead, one more than its O-E-O for a narrower base, would not match).
    const head = table.find((l) => l.includes("cells on path"))!;
    expect(head).toMatch(/cells on path \(O-E-O\)\s+latency\s+heaters W/);
    const line = table.find((l) => l.includes("flat cells, PAM-2 inside"))!;
    expect(line).toMatch(
      new RegExp(` ${flat.cost.cellsOnCriticalPath} \\(${flat.cost.oeoOnCriticalPath}\\)\\s+${flat.cost.oeoOnCriticalPath} ns `),
    );
  });

  it("optinc verify passes the emitted directory and fails it when a chip file loses linkLevels", async () => {
    const file = join(base, "v16.optinc");
    writeFileSync(
      file,
      "aggregator v16 {\n  workers = 2\n  precision = 4 bits\n  levels = 16\n  route = closed-form\n  inner_levels = 4\n}\n",
    );
    const dir = join(base, "v16");
    const c = await cli(["compile", file, "-o", dir, "--jobs", "1"]);
    expect(c.code, c.err).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "v16.report.json"), "utf8"));
    expect(report.spec.innerLevels).toBe(4);
    expect(report.conversion).toMatchObject({ linkLevels: 16, innerLevels: 4, subDigits: 2, ingressModulators: 4, egressModulators: 1 });
    const ok = await cli(["verify", dir, "--jobs", "1", "--verbose"]);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toContain("PAM-16 (PAM-4 cells inside)");
    expect(ok.out).toMatch(/end to end: exact 100\.00%.*split at ingress/);
    // optinc allreduce's aggregator reads and writes PAM-16 link symbols.
    const agg = chipAggregator(loadCircuits(dir), ["v16"]);
    expect(agg).toMatchObject({ workers: 2, digits: 1, levels: 16, bits: 4 });
    const digits = new Int32Array(256 * 2);
    for (let c = 0; c < 256; c++) digits.set([c % 16, c >> 4], 2 * c);
    const out = agg.aggregateMany(digits, 256);
    for (let c = 0; c < 256; c++)
      expect(out[c], `codes ${c % 16}, ${c >> 4}`).toBe(
        goldenDigits([c % 16, c >> 4], { precision: 4, levels: 16, rounding: "nearest-even" })[0],
      );
    const chipPath = join(dir, "v16.chip.json");
    writeFileSync(chipPath, readFileSync(chipPath, "utf8").replace(/ "linkLevels": 16,\n/, ""));
    const bad = await cli(["verify", dir, "--jobs", "1"]);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain("linkLevels absent");
  }, 120_000);
});
