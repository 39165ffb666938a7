// Property test: mutated valid specs never crash the checker; every diagnostic points inside the file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import type { Diagnostic } from "../../dsl/diagnostics.ts";
import { formatOptinc } from "../../dsl/format.ts";
import { loadSpec } from "../../dsl/load.ts";
import { memoryIo } from "../helpers/io.ts";
import { exampleFiles, readExample } from "./helpers.ts";

const SEEDS = exampleFiles().map((f) => ({ file: f, text: readExample(f) }));
const WEIRD_NUMBERS = [
  "1e999",
  "-1e999",
  "-5",
  "0",
  "-0",
  "NaN",
  "Infinity",
  "99999999999999999999999",
  "1e-400",
  "٤٢",
  "１２",
  "1_",
  "0x10",
  "3.",
  ".5",
  "1e",
  "4.5",
  "1__0",
  "2e308",
  "-",
  "+7",
  "1.2.3",
];

type Mutation =
  | { kind: "delete" | "duplicate"; at: number }
  | { kind: "swap"; at: number; with: number }
  | { kind: "number"; at: number; value: string }
  | { kind: "insert"; at: number; value: string }
  | { kind: "truncate"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom("delete" as const, "duplicate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant("number" as const), at: fc.nat(), value: fc.constantFrom(...WEIRD_NUMBERS) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 4 }),
      fc.constantFrom("{", "}", "[", "]", "=", ",", "/", ":", "\r", "\t", "\u2028", "#", "\u0000", "'", '"', "- ", "aggregator"),
    ),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

/** Split into tokens and the whitespace between them, so mutations act on whole tokens. */
function pieces(text: string): string[] {
  return text.match(/\s+|[{}[\],=:]|[^\s{}[\],=:]+/g) ?? [];
}

function apply(text: string, muts: Mutation[]): string {
  let p = pieces(text);
  for (const m of muts) {
    if (p.length === 0) break;
    const i = m.at % p.length;
    if (m.kind === "delete") p.splice(i, 1);
    else if (m.kind === "duplicate") p.splice(i, 0, p[i]!);
    else if (m.kind === "swap") {
      const j = m.with % p.length;
      [p[i], p[j]] = [p[j]!, p[i]!];
    } else if (m.kind === "number") {
      const nums = p.map((s, k) => (/^[+-]?\d/.test(s) ? k : -1)).filter((k) => k >= 0);
      const k = nums.length ? nums[m.at % nums.length]! : i;
      p[k] = m.value;
    } else if (m.kind === "insert") p.splice(i, 0, m.value);
    else p = pieces(p.join("").slice(0, m.at % (p.join("").length + 1)));
  }
  return p.join("");
}

function expectInside(d: Diagnostic, text: string): void {
  const lines = text.split(/\r?\n/);
  expect(d.code).toMatch(/^OPT\d{4}$/);
  expect(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines.length, `line ${d.line} of ${lines.length}`).toBe(true);
  const len = lines[d.line - 1]!.length;
  expect(Number.isInteger(d.column) && d.column >= 1 && d.column <= len + 1, `column ${d.column} of ${len + 1} on line ${d.line}`).toBe(
    true,
  );
  expect(d.message.length).toBeGreaterThan(0);
}

const input = fc.record({ seed: fc.constantFrom(...SEEDS), muts: fc.array(mutation, { minLength: 1, maxLength: 4 }) });

describe("fuzz: mutated specs", () => {
  it("loadSpec never throws; diagnostics lie inside the file; checked iff no errors", () => {
    fc.assert(
      fc.property(input, ({ seed, muts }) => {
        const text = apply(seed.text, muts);
        const r = loadSpec(seed.file, text);
        for (const d of r.diagnostics) expectInside(d, text);
        expect(r.checked !== undefined).toBe(!r.diagnostics.some((d) => d.severity === "error"));
      }),
      { seed: 42, numRuns: 1500 },
    );
  });

  it("fmt output of any parsable mutant is idempotent and means the same", () => {
    const optinc = SEEDS.filter((s) => s.file.endsWith(".optinc"));
    fc.assert(
      fc.property(fc.constantFrom(...optinc), fc.array(mutation, { minLength: 1, maxLength: 3 }), (seed, muts) => {
        const text = apply(seed.text, muts);
        const once = formatOptinc(seed.file, text);
        if (once.text === undefined) return;
        expect(formatOptinc(seed.file, once.text).text).toBe(once.text);
        const a = loadSpec(seed.file, text);
        const b = loadSpec(seed.file, once.text);
        expect(b.checked?.spec).toEqual(a.checked?.spec);
        expect(b.diagnostics.map((d) => d.code)).toEqual(a.diagnostics.map((d) => d.code));
        // Comments survive formatting.
        const comments = (t: string) => (t.match(/(#|\/\/)[^\r\n]*/g) ?? []).length; // as the lexer reads them
        expect(comments(once.text)).toBe(comments(text));
      }),
      { seed: 42, numRuns: 600 },
    );
  });

  const dir = mkdtempSync(join(tmpdir(), "optinc-fuzz-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("`optinc check` on mutants exits 0 or 1 and never reports an internal error", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(input, fc.boolean(), async ({ seed, muts }, json) => {
        const text = apply(seed.text, muts);
        const file = join(dir, `m${n++}${seed.file.slice(seed.file.lastIndexOf("."))}`);
        writeFileSync(file, text);
        const io = memoryIo();
        const code = await main(json ? ["--json", "check", file] : ["check", file], io);
        expect([0, 1]).toContain(code);
        expect(io.err()).not.toContain("internal error");
        if (json) {
          const env = JSON.parse(io.out());
          expect(env).toMatchObject({ schemaVersion: 2, command: "check", ok: code === 0 });
          for (const d of env.diagnostics) expectInside(d, text);
        }
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});
