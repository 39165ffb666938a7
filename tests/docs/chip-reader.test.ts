// A stranger's reader of closed-form chips, written from docs/reference/chip-files.md alone: it imports none of
// the chip code (no aggregate/, netlist/ or verify/ module), only compiles the examples to get their
// files. From `<stem>.chip.json` (§2), the cascade wiring (§4) and each design's `phases.json` (§6,
// simulated here with its own complex arithmetic and the detector rule), it must reproduce the
// golden average (§1). Perturbed files (two ports swapped, a table entry changed, `result` read MSB
// first, padding with 0) must make it disagree: the reader checks something.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compiledExample, compiledVariant, flatPam4 } from "../helpers/examples.ts";
import { loadSpec } from "../../dsl/load.ts";
import { compileClosedForm } from "../../pipeline/compile/closed-form.ts";

const doc = readFileSync("docs/reference/chip-files.md", "utf8");

// ---------------------------------------------------------------------------------------------
// The reader. Everything below uses only fields docs/reference/chip-files.md names (see the last test).
// ---------------------------------------------------------------------------------------------

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read field by field as a stranger would
type Json = Record<string, any>;
type Files = (name: string) => string;

/** §1: R(t / n) for an integer t, by the spec's rounding rule. */
function rounded(t: number, n: number, rule: string): number {
  const q0 = Math.floor(t / n);
  const r = t - q0 * n;
  if (rule === "floor" || 2 * r < n) return q0;
  if (2 * r > n) return q0 + 1;
  if (rule === "nearest-even") return q0 % 2 === 0 ? q0 : q0 + 1;
  return q0 + 0.5 > 0 ? q0 + 1 : q0;
}

/** §1: the golden output code of worker codes. */
function golden(codes: number[], bits: number, rule: string): number {
  const half = 2 ** (bits - 1);
  return (
    rounded(
      codes.reduce((a, c) => a + c - half, 0),
      codes.length,
      rule,
    ) + half
  );
}

const digitsOf = (value: number, L: number, K: number): number[] => Array.from({ length: K }, (_, k) => Math.floor(value / L ** k) % L);

/** How a cell's outputs are found from its port digits: the chip file's tables, or its simulated circuit. */
type CellEval = (cell: Json, x: number[]) => number[];

const byTable: CellEval = (cell, x) => {
  const v = cell.bias + cell.ports.reduce((a: number, p: Json, k: number) => a + p.weight * x[k]!, 0);
  if (v < 0 || v > cell.vmax) throw new Error(`cell ${cell.name}: v = ${v} outside 0..${cell.vmax}`);
  return cell.outputs.map((o: Json) => o.table[v]);
};

/** §2: one chip on its N input values → its output value. */
function runChip(chip: Json, inputs: number[], evalCell: CellEval, opts: { resultMsbFirst?: boolean } = {}): number {
  const L = chip.levels;
  const digits = inputs.map((value) => digitsOf(value, L, chip.inDigits));
  const outs = new Map<string, Map<string, number>>();
  const read = (src: Json): number => {
    if (src.constant !== undefined) return src.constant;
    if (src.worker !== undefined) return digits[src.worker]![src.position]!;
    const d = outs.get(src.cell)?.get(src.output);
    if (d === undefined) throw new Error(`${src.cell}.${src.output} is not an earlier cell's output`);
    return d;
  };
  for (const cell of chip.cells) {
    const y = evalCell(cell, cell.ports.map(read));
    outs.set(cell.name, new Map(cell.outputs.map((o: Json, i: number) => [o.name, y[i]!])));
  }
  const result: Json[] = opts.resultMsbFirst ? [...chip.result].reverse() : chip.result;
  return result.reduce((a: number, r: Json, j: number) => a + read(r) * L ** j, 0);
}

/** §2 `unit`: what a chip must compute on its inputs. */
function unitOf(chip: Json, inputs: number[]): number {
  const { inputOffset, outputOffset, divisor } = chip.unit;
  return rounded(inputs.reduce((a, b) => a + b, 0) - chip.workers * inputOffset, divisor, chip.rounding) + outputOffset;
}

/** §4: a cascade of level chips on N worker codes (missing inputs padded with the zero code of what they stand for). */
function runCascade(levels: Json[], codes: number[], bits: number, evalCell: CellEval, padWith?: number): number {
  const r = levels[0]!.workers;
  let values = codes;
  let pad = 2 ** (bits - 1);
  levels.forEach((chip, l) => {
    const top = l === levels.length - 1;
    const units = top ? 1 : Math.ceil(values.length / r);
    if (top && chip.workers !== values.length) throw new Error(`top chip has ${chip.workers} inputs, ${values.length} values are left`);
    values = Array.from({ length: units }, (_, u) =>
      runChip(
        chip,
        Array.from({ length: chip.workers }, (__, j) => values[u * r + j] ?? padWith ?? pad),
        evalCell,
      ),
    );
    pad *= r;
  });
  return values[0]!;
}

// --- §6: a cell design's phases.json, simulated -------------------------------------------------

type C = [number, number];
const mul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const add = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];

function stage(s: Json, input: C[]): C[] {
  if (input.length !== s.inputs) throw new Error(`stage ${s.name}: ${input.length} inputs for ${s.inputs}`);
  const x: C[] = Array.from({ length: s.modes }, (_, m) => (m < s.inputs ? input[m]! : [0, 0]));
  for (const e of [...s.elements].sort((a: Json, b: Json) => a.index - b.index)) {
    if (e.modes.length === 1) x[e.modes[0]] = mul(e.matrix[0][0], x[e.modes[0]]!);
    else {
      const [a, b] = e.modes as [number, number];
      const [xa, xb] = [x[a]!, x[b]!];
      x[a] = add(mul(e.matrix[0][0], xa), mul(e.matrix[0][1], xb));
      x[b] = add(mul(e.matrix[1][0], xa), mul(e.matrix[1][1], xb));
    }
  }
  return Array.from({ length: s.outputs }, (_, i) => {
    const m = s.outputModes?.[i] ?? i;
    const ph = s.outputPhases[m] ?? 0;
    return mul([s.gain * Math.cos(ph), s.gain * Math.sin(ph)], x[m]!);
  });
}

/** The digits a cell's phase table decodes for port digits x (ideal parts). */
function simulate(table: Json, x: number[]): number[] {
  let f: C[] = [];
  for (const st of table.pipeline) {
    if (st.role === "source") f = x.map((d) => [d * st.amplitudePerLevel, 0]);
    else if (st.role === "activation") {
      if (st.function !== "relu") throw new Error(`activation ${st.function}`);
      // §6: the rule, then per mode its limit (Re held there, the phase kept) and gain, and a
      // homodyne read keeps Re only.
      f = f.map((z, m): C => {
        let w: C = z[0] > 0 ? z : [0, 0];
        const lim = st.limit?.[m] ?? 0;
        if (lim > 0 && w[0] > lim) w = [lim, (w[1] * lim) / w[0]];
        const g = st.gain?.[m] ?? 1;
        return [w[0] * g, st.read === "homodyne" ? 0 : w[1] * g];
      });
    } else if (st.role === "detector") {
      // A reference (§6): the last mode is the reference row; the others are read relative to it.
      const ref = st.reference;
      const scale = ref === undefined ? 1 : f[st.modes]![0] > 0 ? ref / f[st.modes]![0] : 0;
      return f.slice(0, st.modes).map((z, o) => {
        const step = Array.isArray(st.step) ? st.step[o] : st.step;
        const offset = Array.isArray(st.offset) ? st.offset[o] : st.offset;
        const u = (z[0] * scale - offset) / step;
        const d = Math.floor(u) + (u - Math.floor(u) >= 0.5 ? 1 : 0);
        return Math.min(st.levels - 1, Math.max(0, d));
      });
    } else f = stage(st, st.biasInput !== undefined ? [...f, [st.biasInput, 0]] : f);
  }
  throw new Error("no detector");
}

/** Every port vector a cell can see (§2 `groups`: each group's value 0..max, split into its ports' digits). */
function cellInputs(cell: Json, L: number): number[][] {
  let vectors: number[][] = [new Array(cell.ports.length).fill(0)];
  for (const g of cell.groups) {
    const next: number[][] = [];
    for (const vec of vectors)
      for (let value = 0; value <= g.max; value++) {
        const w = [...vec];
        g.ports.forEach((p: number, j: number) => (w[p] = Math.floor(value / L ** j) % L));
        next.push(w);
      }
    vectors = next;
  }
  return vectors;
}

/** A CellEval that simulates each cell's design from `<design>.phases.json`, each distinct port vector once. */
function bySimulation(files: Files): CellEval {
  const tables = new Map<string, Json>();
  const memo = new Map<string, number[]>();
  return (cell, x) => {
    const key = `${cell.design}|${x.join(",")}`;
    let y = memo.get(key);
    if (!y) {
      if (!tables.has(cell.design)) tables.set(cell.design, JSON.parse(files(`${cell.design}.phases.json`)));
      y = simulate(tables.get(cell.design)!, x);
      memo.set(key, y);
    }
    return y;
  };
}

// ---------------------------------------------------------------------------------------------

function compiled(name: string, text: string): Files {
  const r = compileClosedForm(loadSpec(`${name}.optinc`, text).checked!, {
    skipEvaluation: true,
    toleranceTrials: 0,
    maxComposeCases: 100,
    formats: ["json"],
  });
  return filesOf(r);
}

/** A bundled example's emitted files, from the compile the test files share (helpers/examples.ts). */
const example = (name: string): Files => filesOf(compiledExample(name));

function filesOf(r: { files: Map<string, string> }): Files {
  return (f) => {
    const t = r.files.get(f);
    if (t === undefined) throw new Error(`no file ${f}`);
    return t;
  };
}

/** LCG (Numerical Recipes constants): the reader's own seeded codes. */
function codesOf(seed: number, n: number, workers: number, bits: number): number[][] {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: n }, () => Array.from({ length: workers }, () => Math.floor(next() * 2 ** bits)));
}

/** Worker codes for every digit-sum vector: each sum S_k dealt to the workers from the first (§1 digits). */
function digitSumVectors(N: number, L: number, K: number): number[][] {
  const radix = N * (L - 1) + 1;
  return Array.from({ length: radix ** K }, (_, c) => {
    const codes = new Array<number>(N).fill(0);
    for (let k = 0; k < K; k++) {
      let s = Math.floor(c / radix ** k) % radix;
      for (let w = 0; w < N; w++) {
        const d = Math.min(L - 1, s);
        codes[w]! += d * L ** k;
        s -= d;
      }
    }
    return codes;
  });
}

function disagreements(cases: number[][], f: (codes: number[]) => number, bits: number, rule: string): number {
  let bad = 0;
  for (const codes of cases) {
    try {
      if (f(codes) !== golden(codes, bits, rule)) bad++;
    } catch {
      bad++;
    }
  }
  return bad;
}

describe("a reader written from docs/reference/chip-files.md: paper-4x8", () => {
  // paper-4x8's spec in its link's base, PAM-4 (route = closed-form), as §4 and §6 describe it.
  const files = filesOf(compiledVariant("paper-4x8", flatPam4));
  const chip = JSON.parse(files("paper_4x8.chip.json")) as Json;
  const sim = bySimulation(files);
  const sums = digitSumVectors(4, 4, 4);
  const random = codesOf(1, 20_000, 4, 8);

  it("the doc's divide0 excerpt and result line are the emitted file's, verbatim", () => {
    const block = /paper-4x8's divide cell and result[^\n]*\n\n```json\n([\s\S]*?)```\n\n {4}(.*)\n/.exec(doc)!;
    expect(files("paper_4x8.chip.json")).toContain(block[1]!.trimEnd());
    expect(JSON.parse(`{${block[2]}}`).result).toEqual(chip.result);
  });

  it("every design's phases.json decodes its chip-file tables on every input its cells can see", () => {
    let checked = 0;
    for (const cell of chip.cells) {
      for (const x of cellInputs(cell, chip.levels)) {
        expect(sim(cell, x), `${cell.name} ${x}`).toEqual(byTable(cell, x));
        checked++;
      }
    }
    expect(checked).toBe(256 + 3 * 1024 + 16);
  });

  it("the chip (cells simulated from phases.json) gives the golden average on all 28,561 digit-sum vectors and 20,000 seeded worker vectors", () => {
    expect(sums.length).toBe(28_561);
    expect(disagreements(sums, (codes) => runChip(chip, codes, sim), 8, chip.rounding)).toBe(0);
    expect(disagreements(random, (codes) => runChip(chip, codes, byTable), 8, chip.rounding)).toBe(0);
    expect(disagreements(sums, (codes) => unitOf(chip, codes), 8, chip.rounding)).toBe(0);
  });

  it("disagrees when a cell's two ports are swapped, a table entry is changed, or result is read MSB first", () => {
    // divide0's port sources swapped, weights left in place: v = 4·t0 + t1 instead of 4·t1 + t0.
    const swapped = structuredClone(chip);
    const d = swapped.cells.find((c: Json) => c.name === "divide0");
    const src = (p: Json) => ({ cell: p.cell, output: p.output });
    [d.ports[0], d.ports[1]] = [
      { ...d.ports[0], ...src(d.ports[1]) },
      { ...d.ports[1], ...src(d.ports[0]) },
    ];
    expect(disagreements(sums, (codes) => runChip(swapped, codes, byTable), 8, chip.rounding)).toBeGreaterThan(1000);
    // Simulated from the emitted circuit, which weighs in0 by 4, fed in the swapped file's port order.
    expect(
      disagreements(
        sums,
        (codes) => runChip(swapped, codes, (cell, x) => (cell.name === "divide0" ? sim(chip.cells[4], x) : sim(cell, x))),
        8,
        chip.rounding,
      ),
    ).toBeGreaterThan(1000);
    const edited = structuredClone(chip);
    const t = edited.cells.find((c: Json) => c.name === "add1").outputs[0].table;
    t[7] = (t[7] + 1) % 4;
    expect(disagreements(sums, (codes) => runChip(edited, codes, byTable), 8, chip.rounding)).toBeGreaterThan(0);
    expect(disagreements(sums, (codes) => runChip(chip, codes, byTable, { resultMsbFirst: true }), 8, chip.rounding)).toBeGreaterThan(1000);
  });
});

describe("a reader written from docs/reference/chip-files.md: compare and decrement cells (negative weights)", () => {
  it("4 workers × 4 bits, nearest-away: every design's phases.json decodes its tables; the chip is exact on every worker vector", () => {
    const files = compiled(
      "away",
      "aggregator away { workers = 4  precision = 4 bits  levels = 4  rounding = nearest-away  preprocess = digit-sum  route = closed-form }",
    );
    const chip = JSON.parse(files("away.chip.json")) as Json;
    expect(chip.cells.some((c: Json) => c.ports.some((p: Json) => p.weight < 0))).toBe(true);
    const sim = bySimulation(files);
    for (const cell of chip.cells)
      for (const x of cellInputs(cell, chip.levels)) expect(sim(cell, x), `${cell.name} ${x}`).toEqual(byTable(cell, x));
    const every = Array.from({ length: 16 ** 4 }, (_, c) => [0, 1, 2, 3].map((w) => Math.floor(c / 16 ** w) % 16));
    expect(disagreements(every, (codes) => runChip(chip, codes, sim), 4, "nearest-away")).toBe(0);
  });
});

describe("a reader written from docs/reference/chip-files.md: cascades", () => {
  it("paper-4x8-robust (4 workers, radix 2): the levels wired as §4 says give the golden average on 20,000 seeded worker vectors", () => {
    const files = example("paper-4x8-robust");
    const levels = [1, 2].map((l) => JSON.parse(files(`paper_4x8.L${l}.chip.json`)) as Json);
    const sim = bySimulation(files);
    expect(levels.map((c) => [c.workers, c.inDigits, c.outDigits, c.unit])).toEqual([
      [2, 8, 9, { inputOffset: 0, outputOffset: 0, divisor: 1 }],
      [2, 9, 8, { inputOffset: 256, outputOffset: 128, divisor: 4 }],
    ]);
    expect(levels.map((c) => c.linkLevels)).toEqual([4, 4]);
    expect(doc).toContain("`paper_4x8.L2` has 2 inputs of 9 digits, unit\n{inputOffset 256, outputOffset 128, divisor 4}");
    const cases = codesOf(2, 20_000, 4, 8);
    expect(disagreements(cases, (codes) => runCascade(levels, codes, 8, sim), 8, "nearest-even")).toBe(0);
  });

  it("3 workers at radix 2 (a padded input): exact on every worker vector; padding with 0 instead of the zero code is wrong", () => {
    const spec =
      "aggregator pad3 { workers = 3  precision = 4 bits  levels = 4  rounding = nearest-away  preprocess = digit-sum  route = closed-form  cascade { radix = 2 } }";
    const files = compiled("pad3", spec);
    const levels = [1, 2].map((l) => JSON.parse(files(`pad3.L${l}.chip.json`)) as Json);
    expect(() => files("pad3.L3.chip.json")).toThrow();
    const sim = bySimulation(files);
    const every = Array.from({ length: 16 ** 3 }, (_, c) => [c % 16, Math.floor(c / 16) % 16, Math.floor(c / 256)]);
    expect(disagreements(every, (codes) => runCascade(levels, codes, 4, sim), 4, "nearest-away")).toBe(0);
    expect(disagreements(every, (codes) => runCascade(levels, codes, 4, byTable, 0), 4, "nearest-away")).toBeGreaterThan(1000);
  });
});

describe("the reader uses only what docs/reference/chip-files.md documents", () => {
  // Every JSON field the reader above reads, as the doc spells it.
  const FIELDS = [
    "levels",
    "inDigits",
    "workers",
    "rounding",
    "unit",
    "inputOffset",
    "outputOffset",
    "divisor",
    "cells",
    "result",
    "name",
    "design",
    "bias",
    "vmax",
    "ports",
    "weight",
    "worker",
    "position",
    "cell",
    "output",
    "constant",
    "max",
    "groups",
    "outputs",
    "table",
  ];
  const PHASES = [
    "pipeline",
    "role",
    "source",
    "activation",
    "detector",
    "function",
    "amplitudePerLevel",
    "biasInput",
    "modes",
    "inputs",
    "outputs",
    "outputModes",
    "elements",
    "index",
    "matrix",
    "gain",
    "outputPhases",
    "step",
    "offset",
    "reference",
    "levels",
  ];

  it("names every field the reader reads", () => {
    for (const f of [...FIELDS, ...PHASES]) expect(doc, f).toMatch(new RegExp("`" + f + '`|"' + f + '"'));
  });

  it("imports nothing of the chip code", () => {
    const self = readFileSync("tests/docs/chip-reader.test.ts", "utf8");
    const imports = [...self.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
    expect(imports.filter((p) => /aggregate|netlist|verify|compiler/.test(p))).toEqual([]);
  });
});
