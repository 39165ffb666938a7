// `optinc decompose` in-process (main + memoryIo), on files in a temp directory.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { type CMat, frobenius, maxAbsDiff, sub, toArrays } from "../../math/cmat.ts";
import { ginibre, haarUnitary } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import type { PhaseStage } from "../../netlist/ir.ts";
import { parsePhaseTable } from "../../netlist/formats/phase-table.ts";
import { memoryIo } from "../helpers/io.ts";
import { maxDiff, rebuildFromPhasesJson } from "./independent-rebuild.ts";

const dir = mkdtempSync(join(tmpdir(), "optinc-decompose-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ NO_COLOR: "1" }, dir);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

const csvCell = (re: number, im: number): string => (im === 0 ? String(re) : `${re}${im < 0 ? "-" : "+"}${Math.abs(im)}j`);
function toCsv(m: CMat): string {
  const rows: string[] = [];
  for (let i = 0; i < m.rows; i++)
    rows.push(Array.from({ length: m.cols }, (_, j) => csvCell(m.re[i * m.cols + j], m.im[i * m.cols + j])).join(","));
  return rows.join("\n") + "\n";
}

function emittedStage(name: string, sub_ = "."): PhaseStage {
  return parsePhaseTable(readFileSync(join(dir, sub_, `${name}.phases.json`), "utf8")).pipeline[0] as PhaseStage;
}

describe("optinc decompose", () => {
  it("unitary JSON → Clements mesh files that reconstruct the input", async () => {
    const u = haarUnitary(8, createRng(1));
    writeFileSync(join(dir, "u8.json"), JSON.stringify(toArrays(u)));
    const r = await run(["decompose", "u8.json"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("8×8 unitary → clements mesh");
    expect(r.out).toMatch(/MZIs 28, depth 8 columns/);
    expect(r.out).toContain("wrote u8.phases.json, u8.phases.csv");
    const st = emittedStage("u8");
    expect(st.role).toBe("unitary");
    expect(maxAbsDiff(stageMatrix(st), u)).toBeLessThan(1e-13);
    expect(readFileSync(join(dir, "u8.phases.csv"), "utf8").split("\n")[0]).toMatch(/^step,stage,role,index,kind,/);
    expect(readdirSync(dir).filter((f) => f.startsWith(".optinc"))).toEqual([]); // temp dir cleaned up
  });

  it("complex non-square CSV → SVD stage (Reck), --json envelope, -o directory", async () => {
    const w = ginibre(3, 5, createRng(2));
    writeFileSync(join(dir, "w.csv"), toCsv(w));
    const r = await run(["--json", "decompose", "w.csv", "--mesh", "reck", "-o", "out"]);
    expect(r.code).toBe(0);
    const env = JSON.parse(r.out);
    expect(env.ok).toBe(true);
    expect(env.result).toMatchObject({
      path: "svd",
      mesh: "reck",
      shape: [3, 5],
      modes: 5,
      mzis: 13,
      attenuators: 3,
      files: ["out/w.phases.json", "out/w.phases.csv"],
    });
    expect(env.result.emitted.relativeError).toBeLessThan(1e-12);
    const text = readFileSync(join(dir, "out", "w.phases.json"), "utf8");
    const [rebuilt] = rebuildFromPhasesJson(text);
    expect(maxDiff(rebuilt, w.re, w.im)).toBeLessThan(1e-12 * frobenius(w));
  });

  it("--dac-bits quantizes and reports the error; output is byte-identical across runs", async () => {
    const u = haarUnitary(5, createRng(3));
    writeFileSync(join(dir, "q.json"), JSON.stringify(toArrays(u)));
    const a = await run(["decompose", "q.json", "--dac-bits", "6"]);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/quantization \(6 bits\): max phase error [\d.e-]+ rad/);
    const first = readFileSync(join(dir, "q.phases.json"), "utf8");
    const st = parsePhaseTable(first).pipeline[0] as PhaseStage;
    expect(st.elements.every((e) => e.dac?.bits === 6)).toBe(true);
    const err = maxAbsDiff(stageMatrix(st), u);
    expect(err).toBeGreaterThan(1e-4); // quantized, so not exact…
    // …and no further off than its phase errors allow: each phase enters as e^{iφ} in a product
    // of unitaries, so |ΔU| ≤ Σ |Δφ| over every phase (θ, φ and the output screen), each ≤ π/2^6.
    await run(["decompose", "q.json", "-o", "exact"]);
    const exact = parsePhaseTable(readFileSync(join(dir, "exact", "q.phases.json"), "utf8")).pipeline[0] as PhaseStage;
    const arc = (a: number, b: number) => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));
    const deltas: number[] = [];
    st.elements.forEach((e, i) => {
      const x = exact.elements[i]!;
      if (e.kind === "mzi" && x.kind === "mzi") deltas.push(arc(e.theta, x.theta), arc(e.phi, x.phi));
    });
    st.outputPhases.forEach((ph, i) => deltas.push(arc(ph, exact.outputPhases[i]!)));
    expect(deltas).toHaveLength(2 * 10 + 5);
    expect(Math.max(...deltas)).toBeLessThanOrEqual(Math.PI / 64 + 1e-12);
    expect(err).toBeLessThanOrEqual(deltas.reduce((a, b) => a + b, 0));
    await run(["decompose", "q.json", "--dac-bits", "6"]);
    expect(readFileSync(join(dir, "q.phases.json"), "utf8")).toBe(first);
  });

  it("a unitary given as a plain array with complex strings; --svd forces the SVD stage", async () => {
    writeFileSync(join(dir, "swap.json"), '[["0", "1j"],\n ["1j", 0]]');
    const r = await run(["--json", "decompose", "swap.json", "--svd"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).result).toMatchObject({ path: "svd", gain: 1 });
    const plain = await run(["decompose", "swap.json"]);
    expect(plain.out).toContain("2×2 unitary → clements mesh");
  });

  it("rejects non-square or non-unitary input to the unitary path (exit 1, OPT3106/OPT3107)", async () => {
    writeFileSync(join(dir, "rect.csv"), "1,2,3\n4,5,6\n");
    const a = await run(["decompose", "rect.csv", "--unitary"]);
    expect(a.code).toBe(1);
    expect(a.err).toContain("rect.csv:1:1: error[OPT3106]: a unitary mesh needs a square matrix, got 2×3");
    expect(a.err).toContain("drop --unitary");
    writeFileSync(join(dir, "sq.csv"), "1,2\n3,4\n");
    const b = await run(["decompose", "sq.csv", "--unitary"]);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/error\[OPT3107\]: matrix is not unitary: max \|U†U − I\| = [\d.e+]+ exceeds --tol/);
    const c = await run(["decompose", "sq.csv"]);
    expect(c.code).toBe(0);
    expect(c.out).toContain("2×2 matrix → SVD stage");
  });

  it("bad matrix content is reported at file:line:col with exit 1", async () => {
    writeFileSync(join(dir, "bad.csv"), "1, 2\n3, 4+x\n");
    const a = await run(["decompose", "bad.csv"]);
    expect(a.code).toBe(1);
    expect(a.err).toContain('bad.csv:2:4: error[OPT3104]: bad matrix entry "4+x" in row 2, column 2');
    expect(a.err).toContain("^^^");
    writeFileSync(join(dir, "ragged.csv"), "1,2\n3\n");
    expect((await run(["decompose", "ragged.csv"])).err).toContain("ragged.csv:2:1: error[OPT3105]");
    writeFileSync(join(dir, "bad.json"), '{"re": [[1, 0],\n        [0, true]]}');
    expect((await run(["decompose", "bad.json"])).err).toContain(
      "bad.json:2:13: error[OPT3104]: bad matrix entry at row 2, column 2: true",
    );
    writeFileSync(join(dir, "syntax.json"), '{"re": [[1, 0]');
    const s = await run(["decompose", "syntax.json"]);
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/syntax\.json:1:\d+: error\[OPT3103\]: invalid JSON/);
    expect(s.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it("usage errors exit 2: unknown mesh, bad --dac-bits, --unitary with --svd, unreadable or unknown file", async () => {
    expect((await run(["decompose", "u8.json", "--mesh", "butterfly"])).code).toBe(2);
    expect((await run(["decompose", "u8.json", "--dac-bits", "0"])).code).toBe(2);
    expect((await run(["decompose", "u8.json", "--dac-bits", "x"])).code).toBe(2);
    expect((await run(["decompose", "u8.json", "--unitary", "--svd"])).code).toBe(2);
    const missing = await run(["decompose", "nope.json"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("nope.json:1:1: error[OPT3101]: cannot read the matrix file 'nope.json': ENOENT");
    writeFileSync(join(dir, "m.txt"), "1\n");
    const ext = await run(["decompose", "m.txt"]);
    expect(ext.code).toBe(2);
    expect(ext.err).toContain("error[OPT3102]");
    const blocked = await run(["decompose", "u8.json", "-o", "m.txt"]); // a file, not a directory
    expect(blocked.code).toBe(2);
    expect(blocked.err).toContain("error[OPT0004]: output directory 'm.txt' exists and is not a directory");
  });

  it("reports relative reconstruction error for a large-scale non-unitary matrix", async () => {
    const w = ginibre(6, 6, createRng(9));
    for (let i = 0; i < w.re.length; i++) (w.re[i] *= 1e6), (w.im[i] *= 1e6);
    writeFileSync(join(dir, "big.json"), JSON.stringify(toArrays(w)));
    const r = await run(["--json", "decompose", "big.json"]);
    const res = JSON.parse(r.out).result;
    expect(res.reconstruction.relativeError).toBeLessThan(1e-13);
    const st = emittedStage("big");
    expect(frobenius(sub(stageMatrix(st), w)) / frobenius(w)).toBeLessThan(1e-13);
  });
});
