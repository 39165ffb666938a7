// "Inconsistent machine output": every command, in success and in failure (usage errors included),
// prints exactly one JSON document that validates against the envelope schema (ajv), with ok
// matching the exit code and camelCase keys throughout, report.json included.
import { Ajv2020 } from "ajv/dist/2020.js";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENVELOPE_SCHEMA } from "../../cli/envelope-schema.ts";
import { expectSane, inParallel, optinc, optincInProcess } from "./harness.ts";
import { workspace, type Workspace } from "./fixtures.ts";

let ws: Workspace;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(ENVELOPE_SCHEMA);

beforeAll(async () => {
  ws = await workspace();
  writeFileSync(
    ws.path("u2.json"),
    JSON.stringify([
      [0, 1],
      [1, 0],
    ]),
  );
  writeFileSync(ws.path("bad.optinc"), "aggregator b { workers = 1 }\n");
  writeFileSync(ws.path("messy.optinc"), "aggregator   m{workers=4}\n");
});
afterAll(() => ws?.cleanup());

/** Keys that hold maps (names, histogram bins, pass names) rather than fields. */
const MAP_KEYS = new Set(["models", "errorHistogram", "histogram", "timing", "locations", "assumptions"]);

/** Every object key is camelCase (map-valued fields excepted). */
function camelCaseKeys(x: unknown, path: string, bad: string[]): void {
  if (Array.isArray(x)) x.forEach((v, i) => camelCaseKeys(v, `${path}[${i}]`, bad));
  else if (x && typeof x === "object") {
    for (const [k, v] of Object.entries(x)) {
      if (!/^[a-z][A-Za-z0-9]*$/.test(k)) bad.push(`${path}.${k}`);
      if (!MAP_KEYS.has(k)) camelCaseKeys(v, `${path}.${k}`, bad);
    }
  }
}

const RUNS: [string, string[], number][] = [
  ["check ok", ["check", "tiny.optinc"], 0],
  ["check spec error", ["check", "bad.optinc"], 1],
  ["check missing file", ["check", "nope.optinc"], 2],
  ["fmt ok", ["fmt", "messy.optinc"], 0],
  ["fmt --check not formatted", ["fmt", "--check", "messy.optinc"], 1],
  ["fmt usage (no file)", ["fmt"], 2],
  ["grammar ok", ["grammar", "-o", "g/grammar.html"], 0],
  ["grammar bad -o", ["grammar", "-o", "out"], 2],
  ["compile ok", ["compile", "tiny.optinc", "-o", "json-out", "--no-evaluate"], 0],
  ["compile spec error", ["compile", "bad.optinc", "-o", "json-bad"], 1],
  ["compile usage (bad seed)", ["compile", "tiny.optinc", "--seed", "-3"], 2],
  ["verify ok", ["verify", "out"], 0],
  ["verify threshold failure", ["verify", "out", "--phase-noise", "0.8", "--trials", "3"], 1],
  ["verify usage (no target)", ["verify"], 2],
  ["verify missing", ["verify", "nowhere"], 2],
  ["allreduce ok", ["allreduce", "--workers", "4", "--exec-elements", "1024"], 0],
  ["allreduce usage", ["allreduce", "--workers", "1"], 2],
  ["decompose ok", ["decompose", "u2.json", "-o", "dec"], 0],
  ["decompose bad file", ["decompose", "nope.json"], 2],
  ["export ok", ["export", "out", "--format", "yaml", "-o", "exp"], 0],
  ["export usage (--neff with yaml)", ["export", "out", "--format", "yaml", "--neff", "2.3"], 2],
  ["unknown command", ["frobnicate"], 2],
  ["unknown global option", ["--frobnicate"], 2],
];

const SPAWNED = new Set(["check spec error", "compile ok", "verify threshold failure", "unknown global option"]);

describe("--json: one envelope per run, every command, success and failure", () => {
  it(`${RUNS.length} runs validate against the schema, ok matches the exit code, keys are camelCase`, async () => {
    // Four runs go through the real bundle, so a stray write to the process's stdout would break
    // their one document; the others run main in-process (the envelope is written through its io).
    const runs = await inParallel(
      RUNS.map(
        ([what, args]) =>
          () =>
            SPAWNED.has(what) ? optinc(["--json", ...args], { cwd: ws.dir }) : optincInProcess(["--json", ...args], { cwd: ws.dir }),
      ),
    );
    for (const [i, [what, , code]] of RUNS.entries()) {
      const r = runs[i]!;
      expectSane(r, what);
      expect(r.code, `${what}\n${r.stderr}`).toBe(code);
      const doc = JSON.parse(r.stdout); // exactly one document: JSON.parse fails on two
      expect(validate(doc), `${what}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(doc.ok, what).toBe(code === 0);
      // ok: false always comes with an error saying why.
      expect(
        doc.diagnostics.some((d: { severity: string }) => d.severity === "error"),
        what,
      ).toBe(code !== 0);
      const bad: string[] = [];
      camelCaseKeys(doc, "$", bad);
      expect(bad, what).toEqual([]);
    }
  });

  it("the closed-form route (the default): compile and verify print valid envelopes with camelCase keys", async () => {
    writeFileSync(ws.path("cf.optinc"), "aggregator cf {\n  workers = 2\n  precision = 2 bits\n  levels = 2\n}\n");
    for (const [args, code] of [
      [["compile", "cf.optinc", "-o", "cf-out", "--no-evaluate"], 0],
      [["verify", "cf-out"], 0],
      [["verify", "cf-out", "--phase-noise", "3", "--trials", "3"], 1],
    ] as const) {
      const r = await optinc(["--json", ...args], { cwd: ws.dir });
      expectSane(r, args.join(" "));
      expect(r.code, r.stderr).toBe(code);
      const doc = JSON.parse(r.stdout);
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc.ok).toBe(code === 0);
      expect(doc.diagnostics.some((d: { severity: string }) => d.severity === "error")).toBe(code !== 0);
      const bad: string[] = [];
      camelCaseKeys(doc, "$", bad);
      expect(bad).toEqual([]);
    }
  });

  it("report.json uses the same case style (schemaVersion 2, camelCase keys)", () => {
    const report = JSON.parse(readFileSync(ws.path("out", "tiny.report.json"), "utf8"));
    expect(report.schemaVersion).toBe(2);
    const bad: string[] = [];
    camelCaseKeys(report, "$", bad);
    expect(bad).toEqual([]);
  });

  it("verify and allreduce errors use the common style (error[OPTxxxx], = hint:), not error[JSON_SYNTAX] / fix:", async () => {
    writeFileSync(ws.path("broken.netlist.json"), '{\n  "top": "a",\n  oops\n}');
    for (const args of [
      ["verify", "broken.netlist.json"],
      ["allreduce", "--netlist", "broken.netlist.json"],
    ]) {
      const r = await optinc(args, { cwd: ws.dir });
      expectSane(r, args.join(" "));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^broken\.netlist\.json:3:\d+: error\[OPT6004\]: invalid JSON/m);
      expect(r.stderr).toContain("= hint:");
      expect(r.stderr).not.toMatch(/error\[[A-Z_]+\]|fix:/);
    }
  });
});
