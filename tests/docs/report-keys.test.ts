// docs/reference/report.md documents the keys of a closed-form report.json, and a closed-form report writes
// exactly those (the page named `cascade.overheadVsBaseUnits` and identity keys on cell
// netlists that a closed-form compile never writes, and left `chips[]`, `cells[].lossBand` and
// `onn.fullInputSpace` out). Two small compiles: a flat chip chosen by route = auto (structure),
// and a radix-2 cascade with PAM-2 cells inside a PAM-4 link at `calibrated` (conversion, yield,
// decisionBound, cascade). Each check is shown to fail on a planted change of the page.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";

/** Maps (names, bins, pass names) and nested formats whose keys are not fields of report.json. */
const NOT_FIELDS = new Set(["spec", "errorHistogram", "timing"]);

type Keys = Map<string, Set<string>>;

/** Keys to the second level: "" → top-level keys, "onn" → onn's keys, "cells[]" → its elements' keys. */
function reportKeys(reports: Record<string, unknown>[]): Keys {
  const keys: Keys = new Map();
  const add = (parent: string, k: string) => {
    if (!keys.has(parent)) keys.set(parent, new Set());
    keys.get(parent)!.add(k);
  };
  for (const r of reports)
    for (const [k, v] of Object.entries(r)) {
      add("", k);
      if (NOT_FIELDS.has(k) || v === null || typeof v !== "object") continue;
      const elements = Array.isArray(v) ? v : [v];
      for (const e of elements)
        if (e && typeof e === "object" && !Array.isArray(e)) for (const kk of Object.keys(e)) add(Array.isArray(v) ? `${k}[]` : k, kk);
    }
  return keys;
}

/** The list between the closed-form-keys markers: `- \`parent\`: \`k\`, …` ("(top level)" is ""). */
function documentedKeys(doc: string): Keys {
  const block = doc.slice(doc.indexOf("<!-- closed-form-keys:begin -->"), doc.indexOf("<!-- closed-form-keys:end -->"));
  const keys: Keys = new Map();
  for (const m of block.matchAll(/^- (\(top level\)|`([^`]+)`): (.*)$/gm))
    keys.set(m[2] ?? "", new Set([...m[3]!.matchAll(/`([^`]+)`/g)].map((k) => k[1]!)));
  return keys;
}

/** `parent.key` entries in `a` that `b` lacks. */
function minus(a: Keys, b: Keys): string[] {
  return [...a].flatMap(([p, ks]) => [...ks].filter((k) => !b.get(p)?.has(k)).map((k) => (p ? `${p}.${k}` : k)));
}

/** The key paths the field table's first column names, on rows not marked `trained` (layout: --layout only). */
function tableKeys(doc: string): [string, string][] {
  const out: [string, string][] = [];
  const start = doc.indexOf("| field | meaning |");
  const table = doc.slice(start, doc.indexOf("\n\n", start));
  for (const m of table.matchAll(/^\| (closed-form )?(`[^|]*?) \|/gm)) {
    const names = [...m[2]!.matchAll(/`([^`]+)`/g)].map((n) => n[1]!);
    const first = names[0]!;
    if (!/^[a-z][A-Za-z]*(\[\])?(\.[A-Za-z*]+(\[\])?)*$/.test(first) || first === "layout") continue;
    const parentOf = (path: string) => (path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "");
    for (const n of names) {
      const path = n.startsWith(".")
        ? `${parentOf(first)}${n}`
        : n.includes(".") || n === first
          ? n
          : `${parentOf(first)}${parentOf(first) ? "." : ""}${n}`;
      const clean = path.replace(/\[\]$/, "");
      out.push([parentOf(clean), clean.slice(clean.lastIndexOf(".") + 1)]);
    }
  }
  return out;
}

/** Table keys (not marked trained) that the closed-form list lacks. */
function undocumentedInList(doc: string, list: Keys): string[] {
  return tableKeys(doc)
    .filter(([p, k]) => !list.get(p)?.has(k))
    .map(([p, k]) => (p ? `${p}.${k}` : k));
}

describe("docs/reference/report.md's closed-form report.json keys", async () => {
  const dir = mkdtempSync(join(tmpdir(), "optinc-report-keys-"));
  const specs = {
    flat: "aggregator flat {\n  workers = 2\n  precision = 2 bits\n  levels = 4\n}\n",
    cascade:
      "aggregator casc {\n  workers = 3\n  precision = 2 bits\n  levels = 4\n  inner_levels = 2\n  cascade { radix = 2 }\n  technology { preset = calibrated }\n}\n",
  };
  const reports: Record<string, unknown>[] = [];
  const cellInfos: Record<string, unknown>[] = [];
  for (const [name, text] of Object.entries(specs)) {
    writeFileSync(join(dir, `${name}.optinc`), text);
    const io = memoryIo();
    const code = await main(["--json", "compile", join(dir, `${name}.optinc`), "-o", join(dir, name)], io);
    const doc = JSON.parse(io.out());
    if (code !== 0) throw new Error(`compile ${name}: ${io.out()}`);
    reports.push(doc.result.report);
    cellInfos.push(JSON.parse(readFileSync(join(dir, name, `${doc.result.report.cells[0].design}.netlist.json`), "utf8")).info);
  }
  const doc = readFileSync("docs/reference/report.md", "utf8");
  const written = reportKeys(reports);
  const listed = documentedKeys(doc);

  it("the compiles reach every optional section (so the comparison covers them)", () => {
    for (const k of ["conversion", "yield", "cascade", "decisionBound", "structure", "tolerance"])
      expect(
        reports.some((r) => r[k] !== null),
        k,
      ).toBe(true);
    expect(reports.every((r) => r.route === "closed-form")).toBe(true);
  });

  it("every key the page lists is written, and every key written is listed", () => {
    expect(listed.size).toBeGreaterThan(5);
    expect(minus(listed, written), "listed, never written").toEqual([]);
    expect(minus(written, listed), "written, not listed").toEqual([]);
  });

  it("every key a row of the field table names for closed-form reports is in the list", () => {
    expect(undocumentedInList(doc, listed)).toEqual([]);
  });

  it("a closed-form cell's netlist has the info keys the Identity section gives it, and not the trained ones", () => {
    const para = /A closed-form cell's netlist carries no (.*?): its `info` has (.*?) and the cell's function/s.exec(doc);
    expect(para).not.toBeNull();
    const names = (s: string) => [...s.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
    for (const info of cellInfos) {
      for (const k of names(para![1]!)) expect(info, k).not.toHaveProperty(k);
      for (const k of names(para![2]!)) expect(info, k).toHaveProperty(k);
    }
  });

  it("fails when the page drifts: a key dropped from the list, an unwritten key added, a row naming an unwritten key", () => {
    const dropped = documentedKeys(doc.replace("`fullInputSpace`, ", "").replace(", `fullInputSpace`", ""));
    expect(minus(written, dropped)).toEqual(["onn.fullInputSpace"]);
    const added = documentedKeys(doc.replace("- `cascade`: `units`,", "- `cascade`: `overheadVsBaseUnits`, `units`,"));
    expect(minus(added, written)).toEqual(["cascade.overheadVsBaseUnits"]);
    const row = doc.replace("| trained `cascade.overheadVsBaseUnits` |", "| `cascade.overheadVsBaseUnits` |");
    expect(undocumentedInList(row, listed)).toEqual(["cascade.overheadVsBaseUnits"]);
    const sibling = doc.replace("| closed-form `cells[].vmax`, `thresholds`,", "| closed-form `cells[].vmax`, `thresholdCount`,");
    expect(undocumentedInList(sibling, listed)).toEqual(["cells[].thresholdCount"]);
  });
});
