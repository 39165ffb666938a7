// Each command's `result` has a JSON Schema (cli/result-schemas.ts) inside the envelope's. Here:
// the shapes that tests elsewhere do not produce (closed-form verify, verify of a cell on a measured
// die, verify --tolerance, die and calibrate of both die formats, layout, allreduce --models with
// --chart and --astra) are produced by the CLI and validated; planted faults fail; docs/reference/cli.md's
// result table names every command and every key each shape allows, and docs/reference/report.md's verify
// section every key of verify's shapes, nested ones included.
import { Ajv2020 } from "ajv/dist/2020.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { COMMAND_NAMES } from "../../cli/envelope.ts";
import { ENVELOPE_SCHEMA } from "../../cli/envelope-schema.ts";
import { RESULT_SHAPES } from "../../cli/result-schemas.ts";
import { writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { memoryIo } from "../helpers/io.ts";
import { tinyCircuit } from "../verify/circuit/tiny-pipeline.ts";

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(ENVELOPE_SCHEMA);

async function run(
  args: string[],
): Promise<{ code: number; doc: { ok: boolean; command: string; result: Record<string, unknown> | null } }> {
  const io = memoryIo();
  const code = await main(["--json", ...args], io);
  return { code, doc: JSON.parse(io.out()) };
}

describe("--json result shapes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "optinc-result-shapes-"));
  const at = (f: string): string => join(dir, f);
  writeFileSync(at("cf.optinc"), "aggregator cf {\n  workers = 2\n  precision = 2 bits\n  levels = 4\n}\n");
  const out = at("out");
  const compiled = await run(["compile", at("cf.optinc"), "-o", out]);
  // A hand-built trained-route circuit (no report.json beside it).
  writeFileSync(at("tiny.netlist.json"), writeNetlistJson(tinyCircuit()));
  const chipVerified = await run(["verify", out]);

  it("the CLI's closed-form, die, calibrate and layout results validate", async () => {
    expect(compiled.code).toBe(0);
    const runs: [string, string[]][] = [
      ["verify chip", ["verify", out]],
      ["die v1", ["die", out, "--cell", "divide0", "--technology", "foundry", "-o", at("d1.die.json")]],
      ["die v2", ["die", out, "--cell", "divide0", "--technology", "foundry", "--fabricated", "-o", at("d2.die.json")]],
      ["verify cell on a measured die", ["verify", at("out/cf.divide0.netlist.json"), "--measured", at("d1.die.json")]],
      ["calibrate v1", ["calibrate", out, "--cell", "divide0", "--measured", at("d1.die.json"), "-o", at("c1")]],
      ["calibrate v2", ["calibrate", out, "--cell", "divide0", "--measured", at("d2.die.json"), "-o", at("c2")]],
      ["layout", ["layout", out, "-o", at("chip.gds")]],
      ["verify trained with trials", ["verify", at("tiny.netlist.json"), "--phase-noise", "0.05", "--trials", "2"]],
      ["verify trained --tolerance", ["verify", at("tiny.netlist.json"), "--tolerance", "--trials", "2"]],
      ["verify chip with trials", ["verify", out, "--phase-noise", "0.01", "--trials", "2"]],
      ["verify chip --power", ["verify", out, "--power", "--laser-mw", "1e12"]],
      [
        "allreduce --models --chart --astra",
        ["allreduce", "--workers", "4", "--models", "all", "--chart", at("c.svg"), "--astra", at("astra"), "--exec-elements", "1024"],
      ],
    ];
    const seen = new Set<string>();
    for (const [what, args] of runs) {
      const r = await run(args);
      expect(r.doc.result, what).not.toBeNull();
      expect(validate(r.doc), `${what}: ${JSON.stringify(validate.errors)}`).toBe(true);
      seen.add(`${r.doc.command}:${Object.keys(r.doc.result!).sort().join(",")}`);
    }
    // Twelve runs, ten distinct key sets (the two dies share one, with different `die` documents;
    // the chip with and without trials another).
    expect(seen.size).toBe(10);
    validate(compiled.doc);
    expect(validate.errors).toBeNull();
  });

  it("a planted fault fails: an undocumented key, a missing key, a wrong constant", () => {
    const good = compiled.doc;
    expect(validate(good)).toBe(true);
    const extra = { ...good, result: { ...good.result, surprise: 1 } };
    const missing = { ...good, result: { outDir: "x" } };
    const empty = { ...good, command: "calibrate", result: {} };
    // Inside verify's closed-form `result`: a wrong constant, a cell without its loss band, a cell with an extra field.
    const chip = chipVerified.doc as unknown as { result: { format: string; result: { cells: Record<string, unknown>[] } } };
    expect(validate(chip)).toBe(true);
    const withCell = (f: (c: Record<string, unknown>) => Record<string, unknown>, format = "optinc.verify/1") => ({
      ...chip,
      result: { ...chip.result, format, result: { ...chip.result.result, cells: [f(chip.result.result.cells[0]!)] } },
    });
    const verifyWrong = withCell((c) => c, "optinc.verify/2");
    const noBand = withCell(({ band: _, ...c }) => c);
    const extraInCell = withCell((c) => ({ ...c, surprise: 1 }));
    expect(validate(withCell((c) => c))).toBe(true);
    for (const bad of [extra, missing, verifyWrong, noBand, extraInCell, empty])
      expect(validate(bad), JSON.stringify(bad.result).slice(0, 80)).toBe(false);
    // Another command's shape does not pass as this one's.
    expect(validate({ ...good, command: "layout" })).toBe(false);
  });
});

type Schema = Record<string, unknown>;

/** The keys a schema allows, top level only or (`deep`) in nested objects, arrays and anyOf too. */
function schemaKeys(s: Schema, deep: boolean, out = new Set<string>()): Set<string> {
  const props = (s.properties ?? {}) as Record<string, Schema>;
  for (const [k, v] of Object.entries(props)) {
    out.add(k);
    if (deep) schemaKeys(v, deep, out);
  }
  if (deep) {
    if (s.items) schemaKeys(s.items as Schema, deep, out);
    for (const alt of (s.anyOf ?? []) as Schema[]) schemaKeys(alt, deep, out);
  }
  return out;
}

/** The keys of a command's shapes (top level, or `deep`) that `text` does not name. */
function missingKeys(command: (typeof COMMAND_NAMES)[number], text: string, deep = false): string[] {
  const keys = new Set(RESULT_SHAPES[command].flatMap((s) => [...schemaKeys(s, deep)]));
  return [...keys].filter((k) => !new RegExp(`\\b${k}\\b`).test(text));
}

describe("docs/reference/cli.md's result table", () => {
  const doc = readFileSync("docs/reference/cli.md", "utf8");
  const rows = new Map(
    doc
      .split("\n")
      .map((l) => /^\| `([a-z]+)` \| (.*) \|$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );

  it("has a row for every command, naming every key each of its shapes allows", () => {
    for (const c of COMMAND_NAMES) {
      const row = rows.get(c);
      expect(row, `docs/reference/cli.md has no result row for ${c}`).toBeDefined();
      expect(missingKeys(c, row!), c).toEqual([]);
    }
  });

  it("a row that drops a key is caught (the check can fail)", () => {
    expect(missingKeys("verify", rows.get("verify")!.replace(/\broute\b/g, "path"))).toContain("route");
    expect(missingKeys("layout", "`{ files, stats }`")).toEqual(["topCell"]);
    expect(missingKeys("allreduce", rows.get("allreduce")!.replace(/\bastra\b/g, "ASTRA"))).toEqual(["astra"]);
  });
});

describe("docs/reference/report.md's verify --json section", () => {
  const doc = readFileSync("docs/reference/report.md", "utf8");
  const start = doc.indexOf("### 1.7 JSON output (`--json`)");
  const section = doc.slice(start, doc.indexOf("\n## ", start));

  it("names every key of verify's three shapes, nested ones included", () => {
    expect(start).toBeGreaterThan(0);
    expect(missingKeys("verify", section, true)).toEqual([]);
  });

  it("a key the section leaves out is caught (the check can fail)", () => {
    expect(missingKeys("verify", section.replace(/\bwrongDigits\b/g, "wrong"), true)).toEqual(["wrongDigits"]);
    expect(missingKeys("verify", section.replace(/\bworstDb\b/g, "worst"), true)).toEqual(["worstDb"]);
  });
});
