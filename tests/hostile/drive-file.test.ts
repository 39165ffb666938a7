// Hostile drive files (<name>.drive.json, read by `verify --measured` beside a calibrated netlist):
// each is refused with exit 2, OPT6211, the file:line:col of the offending token (the value that does
// not fit, the end of a truncated file, a NaN) and a message
// that says whether the file is unreadable or does not fit the die; nothing in the directory
// changes. The well-formed file passes (the cases can fail).
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";

async function run(args: string[]): Promise<{ code: number; err: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, err: io.err() };
}

const hashDir = (dir: string): string =>
  createHash("sha256")
    .update(
      readdirSync(dir)
        .sort()
        .map((f) => `${f}:${readFileSync(join(dir, f), "utf8")}`)
        .join("\n"),
    )
    .digest("hex");

/** 1-based line:col of the first occurrence of `needle` in `text`, moved on by `skip` characters. */
function where(text: string, needle: string, skip = 0): string {
  const at = text.indexOf(needle) + skip;
  const before = text.slice(0, at).split("\n");
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

describe("hostile drive files", async () => {
  const root = mkdtempSync(join(tmpdir(), "optinc-drive-"));
  const at = (f: string): string => join(root, f);
  writeFileSync(at("cf.optinc"), "aggregator cf {\n  workers = 2\n  precision = 2 bits\n  levels = 4\n}\n");
  expect((await run(["compile", at("cf.optinc"), "-o", at("out")])).code).toBe(0);
  const die = at("d.die.json");
  expect((await run(["die", at("out"), "--cell", "divide0", "--technology", "foundry", "--fabricated", "-o", die])).code).toBe(0);
  expect((await run(["calibrate", at("out"), "--cell", "divide0", "--measured", die, "-o", at("cal")])).code).toBe(0);
  const good = readFileSync(at("cal/cf.divide0.drive.json"), "utf8");
  const firstCode = /"(sum\/[^"]+)": (\d+)/.exec(good)!;

  const cases: [string, string, (text: string) => string, RegExp][] = [
    [
      "truncated",
      good.slice(0, good.length / 2),
      (t) => `${t.split("\n").length}:`,
      /not readable: invalid JSON: the file ends (too early|inside a string)/,
    ],
    [
      "a NaN code",
      good.replace(`"${firstCode[1]}": ${firstCode[2]}`, `"${firstCode[1]}": NaN`),
      (t) => where(t, "NaN"),
      /not readable: invalid JSON/,
    ],
    [
      "a code out of range",
      good.replace(`"${firstCode[1]}": ${firstCode[2]}`, `"${firstCode[1]}": 99999999`),
      (t) => where(t, "99999999"),
      /code 99999999 outside 0\.\.65535/,
    ],
    [
      "another circuit",
      good.replace('"circuit": "cf_divide0"', '"circuit": "cf_add0"'),
      (t) => where(t, '"cf_add0"'),
      /drive codes of circuit "cf_add0"/,
    ],
    ["another DAC", good.replace('"bits": 16', '"bits": 12'), (t) => where(t, '"bits": ', 8), /12-bit DAC, the die's is 16-bit/],
    [
      "a missing code",
      good.replace(new RegExp(`\\s*"${firstCode[1]!.replace("/", "\\/")}": ${firstCode[2]},`), ""),
      (t) => where(t, '"codes": ', 9),
      /no code/,
    ],
    ["an array", "[]\n", () => "1:1", /holds no JSON object/],
  ];

  it("the calibrated drive file passes: the cases below start from a valid file", async () => {
    const r = await run(["verify", at("cal/cf.divide0.netlist.json"), "--measured", die]);
    expect(r.code, r.err).toBe(0);
  });

  for (const [what, text, loc, message] of cases)
    it(`${what}: exit 2, OPT6211 at its line:col, nothing changed`, async () => {
      const dir = at(`cal-${what.replace(/\W+/g, "-")}`);
      cpSync(at("cal"), dir, { recursive: true });
      writeFileSync(join(dir, "cf.divide0.drive.json"), text);
      const before = hashDir(dir);
      const r = await run(["verify", join(dir, "cf.divide0.netlist.json"), "--measured", die]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain(`cf.divide0.drive.json:${loc(text)}`);
      expect(r.err).toMatch(/error\[OPT6211\]/);
      expect(r.err).toMatch(message);
      expect(hashDir(dir)).toBe(before);
    });
});
