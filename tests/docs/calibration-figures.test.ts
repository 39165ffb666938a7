// docs/studies/calibration.md §4 and §6 hold the calibration-from-readings studies (scripts/lab-study.ts:
// 100 or 30 dies per row, 25 minutes per departure class), too slow to re-run in a test. Their
// guard is a sample: docs/figures/lab-samples.json (scripts/lab-samples.ts) records the first dies of
// every row, die by die. Here every row of both tables must have its sample and agree with it (a row
// whose dies were all exact has an exact sample, one with none exact has none, no sampled die is a
// false pass where the row counts none, the readings per MZI: no sampled die over the row's most by 2 %, the row not 12 % over the sample's most), and the samples must be what
// the code computes now: one cheap row in `npm test`, every row under OPTINC_FULL=1 (`npm run
// test:full`). A change that moves calibration moves a sample, and the study has to be re-run.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type LabSample, type LabSamplesFile, labSamples, sampleRows } from "../../scripts/lab-samples-core.ts";
import { READINGS_PER_MZI } from "../../compiler/calibrate/lab/budget.ts";
import { compiledExample } from "../helpers/examples.ts";
import { FULL } from "../helpers/tier.ts";

const DOC = readFileSync("docs/studies/calibration.md", "utf8");
const FILE = JSON.parse(readFileSync("docs/figures/lab-samples.json", "utf8")) as LabSamplesFile;

interface DocRow {
  where: string;
  design: string;
  departure: string;
  exact: [number, number];
  accepted: [number, number];
  falsePasses: number;
  readingsPerMzi: number;
}

const count = (cell: string): [number, number] => {
  const m = /^(\d+)\/(\d+)/.exec(cell.trim());
  if (!m) throw new Error(`not a count: ${cell}`);
  return [Number(m[1]), Number(m[2])];
};

/** The rows of every markdown table whose header starts with `head` (§6 has two), as cells by column name. */
function table(doc: string, head: string): Record<string, string>[] {
  const lines = doc.split("\n");
  const starts = lines.flatMap((l, i) => (l.startsWith(head) ? [i] : []));
  if (starts.length === 0) throw new Error(`no table headed ${head}`);
  const rows: Record<string, string>[] = [];
  for (const at of starts) {
    const cols = lines[at]!.split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    for (let i = at + 2; i < lines.length && lines[i]!.startsWith("|"); i++) {
      const cells = lines[i]!.split("|")
        .slice(1, -1)
        .map((c) => c.trim());
      rows.push(Object.fromEntries(cols.map((c, k) => [c, cells[k] ?? ""])));
    }
  }
  return rows;
}

/** §4's, §5's and §6's rows. */
function docRows(doc: string): DocRow[] {
  const of = (where: string, design: string, departure: string, r: Record<string, string>): DocRow => ({
    where,
    design,
    departure,
    exact: count(r["exact from readings"]!),
    accepted: count(r["accepted on readings"]!),
    falsePasses: Number(r["false passes"]),
    readingsPerMzi: Number(r["readings / MZI"]),
  });
  const s9 = table(doc, "| cell design | MZIs | exact from readings |").map((r) =>
    of("§4", r["cell design"]!.replace(/ \(robust\)$/, ""), "none", r),
  );
  const s12 = table(doc, "| departure | cell design | exact from readings |").map((r) =>
    of("§6", `paper_4x8.${r["cell design"]}`, r.departure!, r),
  );
  const examples = table(doc, "| example | cell design | copies |").map((r) => of("§5", r["cell design"]!, "none", r));
  return [...s9, ...examples, ...s12];
}

/** §5's per-example summary, recomputed from its per-design rows: where the two disagree. */
function summaryDisagreements(doc: string): string[] {
  const rows = table(doc, "| example | cell design | copies |");
  const out: string[] = [];
  for (const sum of table(doc, "| example | cell designs | cell copies |")) {
    const mine = rows.filter((r) => r.example === sum.example);
    const copies = mine.map((r) => Number(r.copies));
    const mzis = mine.map((r, i) => copies[i]! * Number(r.MZIs));
    const total = mzis.reduce((a, b) => a + b, 0);
    const exact = mine.map((r) => count(r["exact from readings"]!)).reduce((a, [k, n]) => [a[0] + k, a[1] + n], [0, 0]);
    const readings = Math.round(mine.reduce((a, r, i) => a + mzis[i]! * Number(r["readings / MZI"]), 0) / total);
    const lab = mine.reduce((a, r, i) => a + copies[i]! * Number.parseFloat(r["lab time / die"]!), 0);
    const falsePasses = mine.reduce((a, r) => a + Number(r["false passes"]), 0);
    const want: [string, string][] = [
      ["cell designs", String(mine.length)],
      ["cell copies", String(copies.reduce((a, b) => a + b, 0))],
      ["MZIs on the chip", String(total)],
      ["dies exact from readings", `${exact[0]}/${exact[1]}`],
      ["false passes", String(falsePasses)],
      ["readings / MZI", String(readings)],
      ["lab time / chip", `${lab.toFixed(1)} s`],
    ];
    for (const [col, v] of want)
      if (!sum[col]!.startsWith(v)) out.push(`${sum.example}: ${col} is ${sum[col]} in the summary, ${v} from its rows`);
  }
  return out;
}

/** Where a docs row and its sample disagree. */
function disagreements(rows: DocRow[], samples: LabSample[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const s = samples.find((x) => x.design === r.design && x.departure === r.departure);
    const name = `${r.where} ${r.departure} ${r.design}`;
    if (!s) {
      out.push(`${name}: no sample`);
      continue;
    }
    // The heaviest die belongs to the rows that ran that many dies (§5's examples table runs fewer).
    const heavy = s.heaviest && s.heaviest.die < r.exact[1] ? s.heaviest : undefined;
    const dies = heavy ? [...s.perDie, heavy] : s.perDie;
    const exact = dies.map((d) => d.exact === d.cases);
    const accepted = dies.map((d) => d.accepted);
    if (r.exact[0] === r.exact[1] && exact.includes(false)) out.push(`${name}: every die exact in the docs, a sampled die is not`);
    if (r.exact[0] === 0 && exact.includes(true)) out.push(`${name}: no die exact in the docs, a sampled die is`);
    if (r.accepted[0] === r.accepted[1] && accepted.includes(false))
      out.push(`${name}: every die accepted in the docs, a sampled die is not`);
    if (r.accepted[0] === 0 && accepted.includes(true)) out.push(`${name}: no die accepted in the docs, a sampled die is`);
    if (r.falsePasses === 0 && dies.some((d) => d.accepted && d.exact !== d.cases)) out.push(`${name}: a sampled die is a false pass`);
    // The row states the most a die of it took; dies beyond the sample may take more (re-reads,
    // closing passes after a refusal: crosstalk divide0's sampled dies 229.0, its row's most 256, die
    // 12 refused after its closing passes), none of the sample more than the row. Closing passes run
    // while they fit the budget (compiler/calibrate/lab/closing.ts), so a row with a refused die may
    // state up to the budget; a row whose every die is accepted stays within 12 % of its sample. Where
    // the row's most is a die beyond the first ones (lab-samples-core.ts HEAVIEST), that die is
    // sampled too and the row states its readings.
    const perMzi = Math.max(...dies.map((d) => d.readings)) / s.mzis;
    const most = r.accepted[0] < r.accepted[1] ? Math.max(1.12 * perMzi, READINGS_PER_MZI) : 1.12 * perMzi;
    if (perMzi > 1.02 * r.readingsPerMzi || r.readingsPerMzi > most)
      out.push(`${name}: ${r.readingsPerMzi} readings per MZI in the docs, at most ${perMzi.toFixed(1)} in the sample`);
    if (heavy && Math.round(heavy.readings / s.mzis) !== r.readingsPerMzi)
      out.push(
        `${name}: ${r.readingsPerMzi} readings per MZI in the docs, die ${heavy.die} took the row's most, ${(heavy.readings / s.mzis).toFixed(1)}`,
      );
  }
  for (const s of samples)
    if (!rows.some((r) => r.design === s.design && r.departure === s.departure))
      out.push(`sample ${s.departure} ${s.design}: no row in the docs`);
  return out;
}

describe("docs/studies/calibration.md §4 and §6 against their samples", () => {
  const rows = docRows(DOC);

  it("reads the tables: 4 designs in §4, 38 in §5's per-example table, 8 classes × 4 designs in §6", () => {
    expect(rows.filter((r) => r.where === "§4")).toHaveLength(4);
    expect(rows.filter((r) => r.where === "§5")).toHaveLength(38);
    expect(rows.filter((r) => r.where === "§6")).toHaveLength(32);
    expect(FILE.format).toBe("optinc.lab-samples/1");
  });

  it("every row agrees with its sample, and every sample has its row", () => {
    expect(disagreements(rows, FILE.samples)).toEqual([]);
  });

  it("the check fails on a doctored row and on a doctored sample", () => {
    const none = rows.find((r) => r.where === "§4" && r.design === "paper_4x8.divide0")!;
    const zero = { ...none, exact: [0, 100] as [number, number] };
    expect(
      disagreements(
        [zero],
        FILE.samples.filter((s) => s.design === none.design && s.departure === "none"),
      ),
    ).toEqual(["§4 none paper_4x8.divide0: no die exact in the docs, a sampled die is"]);
    const noneSample = FILE.samples.filter((s) => s.design === none.design && s.departure === "none");
    // A row whose every die is accepted, 20 % over its sample; a row with a refused die, over the budget.
    const more = { ...none, accepted: [none.accepted[1], none.accepted[1]] as [number, number], readingsPerMzi: none.readingsPerMzi * 1.2 };
    expect(disagreements([more], noneSample).join("\n")).toMatch(/readings per MZI/);
    const over = { ...none, accepted: [none.accepted[1] - 1, none.accepted[1]] as [number, number], readingsPerMzi: READINGS_PER_MZI + 1 };
    expect(disagreements([over], noneSample).join("\n")).toMatch(/readings per MZI/);
    expect(disagreements([{ ...over, readingsPerMzi: READINGS_PER_MZI }], noneSample)).toEqual([]);
    const s = FILE.samples.find((x) => x.design === none.design && x.departure === "none")!;
    const falsePass = { ...s, perDie: s.perDie.map((d, i) => (i === 0 ? { ...d, exact: d.cases - 1, accepted: true } : d)) };
    expect(disagreements([none], [falsePass]).join("\n")).toMatch(/false pass/);
    expect(disagreements(rows, FILE.samples.slice(1))[0]).toMatch(/no sample/);
    // A row whose most is a die beyond the first ones: without that die it is over its sample, and
    // the die stating other readings than the row is caught.
    const base = FILE.samples.find((x) => x.departure === "none" && x.design === "paper_4x8.add1")!;
    const most = Math.max(...base.perDie.map((d) => d.readings));
    const heavy = { ...base, heaviest: { ...base.perDie[0]!, readings: Math.round(1.3 * most), die: 50 } };
    const row = {
      ...rows.find((r) => r.where === "§4" && r.design === base.design)!,
      readingsPerMzi: Math.round((1.3 * most) / base.mzis),
    };
    expect(disagreements([row], [heavy])).toEqual([]);
    expect(disagreements([row], [{ ...heavy, heaviest: undefined }]).join("\n")).toMatch(/readings per MZI/);
    const fewer = { ...heavy, heaviest: { ...heavy.heaviest!, readings: heavy.heaviest!.readings - 2 * heavy.mzis } };
    expect(disagreements([row], [fewer]).join("\n")).toMatch(/took the row's most/);
  });

  it("§5's per-example summary is the sum of its rows, and fails on a doctored row", () => {
    expect(summaryDisagreements(DOC)).toEqual([]);
    const doctored = DOC.replace(/(\| eight-workers \| eight_workers\.L2\.divide0 \| )(\d+)/, (_, head, n) => `${head}${Number(n) + 1}`);
    expect(doctored).not.toBe(DOC);
    expect(summaryDisagreements(doctored).join("\n")).toMatch(/eight-workers: cell copies/);
  });

  it("the per-example table's copies are the compile's (paper-4x8; every example under OPTINC_FULL=1)", () => {
    const rows = table(DOC, "| example | cell design | copies |");
    const examples = [...new Set(rows.map((r) => r.example!))].filter((e) => FULL || e === "paper-4x8");
    for (const e of examples) {
      const copies = Object.fromEntries(compiledExample(e).report.cells.map((c) => [c.design, c.copies]));
      for (const r of rows.filter((x) => x.example === e)) expect(Number(r.copies), r["cell design"]).toBe(copies[r["cell design"]!]);
    }
  }, 300_000);

  it("the first die of paper-4x8's divide0 sample is what the code computes now", () => {
    const now = labSamples("paper-4x8", "none", (d) => d.endsWith(".divide0"), 1);
    const recorded = FILE.samples.filter((s) => s.example === "paper-4x8" && s.departure === "none" && s.design.endsWith(".divide0"));
    expect(now).toEqual(recorded.map((s) => ({ ...s, perDie: s.perDie.slice(0, 1) })));
  }, 60_000);

  if (process.env.OPTINC_FULL)
    it("every sample is what the code computes now (OPTINC_FULL=1)", () => {
      const now = sampleRows().flatMap((r) => labSamples(r.example, r.departure));
      expect(now).toEqual(FILE.samples);
    }, 3_600_000);
});
