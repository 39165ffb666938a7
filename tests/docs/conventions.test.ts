// The worked examples and figures of docs/reference/conventions.md, produced by the code they describe.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";

const doc = readFileSync("docs/reference/conventions.md", "utf8");
const dir = mkdtempSync(join(tmpdir(), "optinc-conventions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("docs/reference/conventions.md §7: the Hadamard example at 8 DAC bits", () => {
  const h = Math.SQRT1_2;
  writeFileSync(
    join(dir, "h2.json"),
    JSON.stringify([
      [h, h],
      [h, -h],
    ]),
  );

  it("optinc decompose h2.json --dac-bits 8 writes the stage and the CSV rows the doc shows", async () => {
    const io = memoryIo({ NO_COLOR: "1" }, dir);
    expect(await main(["decompose", "h2.json", "--dac-bits", "8"], io)).toBe(0);
    const json = readFileSync(join(dir, "h2.phases.json"), "utf8");
    // The doc abbreviates the convention strings; the pipeline block is verbatim.
    const block = json.slice(json.indexOf('  "pipeline": ['));
    expect(doc).toContain(block.trimEnd());
    const csv = readFileSync(join(dir, "h2.phases.csv"), "utf8").trimEnd().split("\n");
    const header = csv[0]!;
    expect(header.split(",")).toHaveLength(24);
    expect(doc).toContain(`Header (${header.split(",").length} columns):`);
    expect(doc).toContain("```\n" + header + "\n```");
    expect(doc).toContain("```\n" + csv.slice(1).join("\n") + "\n```");
  });
});

describe("docs/reference/conventions.md §8: decompose input and checks", () => {
  it("the --tol default is 1e-10", async () => {
    const io = memoryIo();
    await main(["decompose", "--help"], io);
    expect(io.out().replace(/\s+/g, " ")).toMatch(/--tol <x> unitarity tolerance: max \|U†U − I\| accepted as unitary \(default: 1e-10\)/);
    expect(doc).toContain("`max|U†U − I| ≤ --tol` (default 1e-10)");
  });
});
