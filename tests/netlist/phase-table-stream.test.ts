// Streamed phase tables: the chunk generators give the writers' exact bytes, and a file written
// through writeChunks reads back line by line (readPhaseTableFile) to the same table that
// parsePhaseTable gives on the whole text — elements, empty element lists and non-stage steps.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ginibre, haarUnitary } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { decomposeMatrix, decomposeUnitary } from "../../compiler/mesh/decompose.ts";
import { quantizeStage } from "../../compiler/mesh/quantize.ts";
import type { PipelineStep } from "../../netlist/ir.ts";
import { phaseTableCsvChunks } from "../../netlist/formats/phase-table-csv.ts";
import {
  buildPhaseTable,
  parsePhaseTable,
  phaseTableJsonChunks,
  phaseTableToCsv,
  phaseTableToJson,
  PhaseTableError,
} from "../../netlist/formats/phase-table.ts";
import { fileLines, readPhaseTableFile, writeChunks } from "../../netlist/formats/phase-table-stream.ts";

function table() {
  const rng = createRng(11);
  const u = decomposeUnitary(haarUnitary(6, rng), { mesh: "clements", name: "U" });
  const w = quantizeStage(decomposeMatrix(ginibre(3, 5, rng), { mesh: "reck", name: "W" }), 10).stage;
  const empty = { ...decomposeUnitary(haarUnitary(1, rng), { mesh: "clements", name: "one" }) };
  const steps: PipelineStep[] = [
    { name: "src", role: "source", workers: 2, digits: 3, levels: 4, amplitudePerLevel: 0.1 } as PipelineStep,
    u,
    empty,
    w,
  ];
  return buildPhaseTable(steps);
}

describe("streamed phase tables", () => {
  const dir = mkdtempSync(join(tmpdir(), "optinc-stream-"));

  it("chunks join to the writers' text; the file reads back to the parsed table", () => {
    const t = table();
    expect([...phaseTableJsonChunks(t)].join("")).toBe(phaseTableToJson(t));
    expect([...phaseTableCsvChunks(t)].join("")).toBe(phaseTableToCsv(t));
    const path = join(dir, "t.phases.json");
    writeChunks(path, phaseTableJsonChunks(t));
    expect(readFileSync(path, "utf8")).toBe(phaseTableToJson(t));
    const back = readPhaseTableFile(path);
    expect(back).toEqual(parsePhaseTable(phaseTableToJson(t)));
    expect((back.pipeline[1] as { elements: unknown[] }).elements.length).toBeGreaterThan(10);
  });

  it("reads lines across its 4 MB blocks and multi-byte characters", () => {
    const path = join(dir, "lines.txt");
    const long = "é".repeat(3_000_000); // 6 MB of 2-byte characters: a block ends inside one
    writeChunks(path, ["a\n", long, "\nb"]);
    expect([...fileLines(path)]).toEqual(["a", long, "b"]);
  });

  it("a broken element line is a located PhaseTableError", () => {
    const path = join(dir, "bad.phases.json");
    const lines = phaseTableToJson(table()).split("\n");
    const at = lines.findIndex((l) => l.includes('{"index":2,'));
    lines[at] = lines[at]!.replace('"index":2', '"index":');
    writeFileSync(path, lines.join("\n"));
    expect(() => readPhaseTableFile(path, "bad.phases.json")).toThrow(PhaseTableError);
    try {
      readPhaseTableFile(path, "bad.phases.json");
    } catch (e) {
      expect((e as PhaseTableError).line).toBe(at + 1);
    }
  });
});
