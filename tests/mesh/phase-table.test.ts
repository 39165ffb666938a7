import { describe, expect, it } from "vitest";
import { ginibre, haarUnitary } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { decomposeMatrix, decomposeUnitary } from "../../compiler/mesh/decompose.ts";
import { quantizeStage } from "../../compiler/mesh/quantize.ts";
import type { PhaseTable, PipelineStep } from "../../netlist/ir.ts";
import { CSV_COLUMNS } from "../../netlist/formats/phase-table-csv.ts";
import { PhaseTableError, buildPhaseTable, parsePhaseTable, phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";

function sampleTable(): PhaseTable {
  const rng = createRng(17);
  const u = decomposeUnitary(haarUnitary(4, rng), { mesh: "clements", name: "U, first" });
  const w = quantizeStage(decomposeMatrix(ginibre(3, 5, rng), { mesh: "reck", name: "W" }), 10).stage;
  const steps: PipelineStep[] = [
    { name: "src", role: "source", workers: 2, digits: 2, levels: 4, amplitudePerLevel: 0.25 },
    u,
    { name: "act", role: "activation", function: "leaky-relu", params: { slope: 0.125 }, modes: 4 },
    w,
    { name: "det", role: "detector", levels: 4, step: 0.5, offset: 0, modes: 3 },
  ];
  return buildPhaseTable(steps);
}

/** Split one CSV line (RFC 4180 quotes). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = "",
    q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") out.push(cur), (cur = "");
    else cur += ch;
  }
  out.push(cur);
  return out;
}

describe("phase table JSON", () => {
  it("round-trips exactly (every number, every field) and is byte-stable", () => {
    const t = sampleTable();
    const text = phaseTableToJson(t);
    expect(parsePhaseTable(text)).toEqual(JSON.parse(JSON.stringify(t)));
    expect(phaseTableToJson(parsePhaseTable(text))).toBe(text);
    expect(phaseTableToJson(sampleTable())).toBe(text);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n").slice(0, 3)).toEqual(["{", '  "format": "optinc.phases/1",', '  "convention": {']);
    // one element per line, keys in the documented order
    expect(text).toMatch(/\n {8}\{"index":0,"column":0,"kind":"mzi","modes":\[0,1\],"theta":[^,]+,"phi":[^,]+,"matrix":/);
    expect(text).toMatch(
      /"kind":"attenuator","modes":\[0\],"theta":[^,]+,"phi":[^,]+,"sigma":\[[^\]]+\],"dac":\{"bits":10,"theta":\d+,"phi":\d+\},"matrix"/,
    );
  });
  it("refuses to write non-finite numbers", () => {
    const t = sampleTable();
    (t.pipeline[1] as { gain: number }).gain = Number.NaN;
    expect(() => phaseTableToJson(t)).toThrow(/pipeline\[1\]\.gain is NaN/);
    const t2 = sampleTable();
    (t2.pipeline[3] as { elements: { theta: number }[] }).elements[2].theta = Number.POSITIVE_INFINITY;
    expect(() => phaseTableToJson(t2)).toThrow(/pipeline\[3\]\.elements\[2\]\.theta is Infinity/);
  });
  it("reports invalid JSON at line:col and structural problems by path", () => {
    const good = phaseTableToJson(sampleTable());
    const err = (text: string): PhaseTableError => {
      try {
        parsePhaseTable(text, "t.phases.json");
      } catch (e) {
        expect(e).toBeInstanceOf(PhaseTableError);
        return e as PhaseTableError;
      }
      throw new Error("expected a PhaseTableError");
    };
    expect(err('{\n  "format": 1,,\n}').message).toMatch(/^t\.phases\.json:2:15: invalid JSON/);
    expect(err(good.replace('"optinc.phases/1"', '"optinc.phases/2"')).message).toMatch(/format: expected one of "optinc.phases\/1"/);
    expect(err(good.replace('"index":1,', '"index":7,')).message).toMatch(/pipeline\[1\]\.elements\[1\]\.index: expected 1/);
    expect(err(good.replace(/"theta":[^,]+,/, '"theta":"x",')).message).toMatch(
      /pipeline\[1\]\.elements\[0\]\.theta: expected a finite number, got string "x"/,
    );
    // Tree MZIs may join any two modes a < b (trees = mzi); a reversed pair is an error.
    expect(err(good.replace('"modes":[0,1]', '"modes":[1,0]')).message).toMatch(/expected modes \[a, b\] with a < b, got \[1, 0\]/);
    expect(err(good.replace('"role": "activation"', '"role": "dance"')).message).toMatch(/pipeline\[2\]\.role: expected one of/);
    expect(err(good.replace(/"matrix":\[\[\[[^\]]+\]/, '"matrix":[[5')).message).toMatch(
      /elements\[0\]\.matrix\[0\]\[0\]: expected an array, got number 5/,
    );
  });
});

describe("phase table CSV", () => {
  it("handles stages with hundreds of thousands of elements (no argument-spread limits)", () => {
    const elements = Array.from({ length: 200_000 }, (_, i) => ({
      kind: "phase" as const,
      index: i,
      column: i,
      modes: [0] as [number],
      phi: 0,
      matrix: [[[1, 0]]] as [[[number, number]]],
    }));
    const stage = {
      name: "big",
      role: "unitary" as const,
      mesh: "none",
      modes: 1,
      inputs: 1,
      outputs: 1,
      gain: 1,
      elements,
      outputPhases: [0],
      convention: "MZ-in" as const,
    };
    const csv = phaseTableToCsv(buildPhaseTable([stage]));
    expect(csv.split("\n").length).toBe(1 + 1 + 200_000 + 1 + 1 + 1);
  });

  it("has the documented header and one row per element / output phase / gain / step", () => {
    const t = sampleTable();
    const lines = phaseTableToCsv(t).trimEnd().split("\n");
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    const rows = lines.slice(1).map(splitCsv);
    rows.forEach((r) => expect(r.length).toBe(CSV_COLUMNS.length));
    const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    let expected = 0;
    for (const s of t.pipeline) expected += "elements" in s ? 1 + s.elements.length + s.modes + 1 : 1;
    expect(rows.length).toBe(expected);
    expect(rows.map((r) => r[col("kind")]).filter((k) => ["source", "activation", "detector"].includes(k))).toEqual([
      "source",
      "activation",
      "detector",
    ]);
    expect(rows[1][col("stage")]).toBe("U, first"); // quoted in the file, intact after splitting
    // every element row carries exactly the JSON numbers
    const u = t.pipeline[1] as { elements: { theta: number; phi: number; matrix: number[][][] }[] };
    const elementRows = rows.filter((r) => r[col("step")] === "1" && r[col("kind")] === "mzi");
    elementRows.forEach((r, i) => {
      expect(Number(r[col("theta")])).toBe(u.elements[i].theta);
      expect(Number(r[col("phi")])).toBe(u.elements[i].phi);
      expect(Number(r[col("m10_im")])).toBe(u.elements[i].matrix[1][0][1]);
    });
    const w = rows.filter((r) => r[col("step")] === "3");
    expect(w.find((r) => r[col("kind")] === "gain")![col("m00_re")]).toBe(String((t.pipeline[3] as { gain: number }).gain));
    expect(w.filter((r) => r[col("kind")] === "attenuator").every((r) => r[col("dac_bits")] === "10" && r[col("sigma_re")] !== "")).toBe(
      true,
    );
    expect(w.filter((r) => r[col("kind")] === "output_phase").length).toBe(5);
    expect(rows.find((r) => r[col("kind")] === "activation")![col("params")]).toBe("function=leaky-relu;modes=4;params.slope=0.125");
  });
});
