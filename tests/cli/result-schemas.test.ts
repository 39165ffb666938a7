// Each command's `result` has a JSON Schema (cli/result-schemas.ts) inside the envelope's. Here:
// the shapes that tests elsewhere do not produce (closed-form verify, verify of a cell on a measured
// die, die and calibrate of both die formats, layout) are produced by the CLI and validated; planted
// faults fail; and docs/cli.md's result table names every command and every key each shape requires.
import { Ajv2020 } from "ajv/dist/2020.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { COMMAND_NAMES } from "../../cli/envelope.ts";
import { ENVELOPE_SCHEMA } from "../../cli/envelope-schema.ts";
import { RESULT_SHAPES } from "../../cli/result-schemas.ts";
import { memoryIo } from "../helpers/io.ts";

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
    ];
    const seen = new Set<string>();
    for (const [what, args] of runs) {
      const r = await run(args);
      expect(r.doc.result, what).not.toBeNull();
      expect(validate(r.doc), `${what}: ${JSON.stringify(validate.errors)}`).toBe(true);
      seen.add(`${r.doc.command}:${Object.keys(r.doc.result!).sort().join(",")}`);
    }
    // Seven runs, seven distinct shapes (the two dies share one, with different `die` documents).
    expect(seen.size).toBe(6);
    validate(compiled.doc);
    expect(validate.errors).toBeNull();
  });

  it("a planted fault fails: an undocumented key, a missing key, a wrong constant", () => {
    const good = compiled.doc;
    expect(validate(good)).toBe(true);
    const extra = { ...good, result: { ...good.result, surprise: 1 } };
    const missing = { ...good, result: { outDir: "x" } };
    const verifyWrong = { ...good, command: "verify", result: { format: "optinc.verify/2", route: "closed-form", pass: true, result: {} } };
    const verifyRight = { ...verifyWrong, result: { ...verifyWrong.result, format: "optinc.verify/1" } };
    const empty = { ...good, command: "calibrate", result: {} };
    for (const bad of [extra, missing, verifyWrong, empty]) expect(validate(bad), JSON.stringify(bad.result).slice(0, 80)).toBe(false);
    expect(validate(verifyRight)).toBe(true);
    // Another command's shape does not pass as this one's.
    expect(validate({ ...good, command: "layout" })).toBe(false);
  });
});

/** The keys a command's shapes require that its docs/cli.md row does not name. */
function missingKeys(command: (typeof COMMAND_NAMES)[number], row: string): string[] {
  return RESULT_SHAPES[command].flatMap((s) => ((s.required as string[]) ?? []).filter((k) => !new RegExp(`\\b${k}\\b`).test(row)));
}

describe("docs/cli.md's result table", () => {
  const doc = readFileSync("docs/cli.md", "utf8");
  const rows = new Map(
    doc
      .split("\n")
      .map((l) => /^\| `([a-z]+)` \| (.*) \|$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );

  it("has a row for every command, naming every key each of its shapes requires", () => {
    for (const c of COMMAND_NAMES) {
      const row = rows.get(c);
      expect(row, `docs/cli.md has no result row for ${c}`).toBeDefined();
      expect(missingKeys(c, row!), c).toEqual([]);
    }
  });

  it("a row that drops a key is caught (the check can fail)", () => {
    expect(missingKeys("verify", rows.get("verify")!.replace(/\broute\b/g, "path"))).toContain("route");
    expect(missingKeys("layout", "`{ files, stats }`")).toEqual(["topCell"]);
  });
});
