// optinc export: re-emit one format from an output directory, in process.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { emitArtifacts } from "../../netlist/formats/emit-all.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import { phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { memoryIo } from "../helpers/io.ts";
import { onnTable } from "./fixtures.ts";

async function compiledDir(): Promise<{ dir: string; files: Map<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), "optinc-export-"));
  const files = emitArtifacts(onnTable(), "onn");
  files.set("onn.phases.json", phaseTableToJson(onnTable()));
  commitFiles(dir, files);
  return { dir, files };
}

describe("optinc export", () => {
  it("re-emits each format byte-identically into another directory", async () => {
    const { dir, files } = await compiledDir();
    for (const [format, names] of [
      ["yaml", ["onn.pic.yml"]],
      ["spi", ["onn.spi", "onn_main.spi", "onn.lsf"]],
      ["json", ["onn.netlist.json"]],
      ["ngspice", ["onn.ngspice.cir"]],
      ["ports", ["onn.ports.json"]],
    ] as const) {
      const out = mkdtempSync(join(tmpdir(), "optinc-export-out-"));
      const io = memoryIo();
      expect(await main(["export", dir, "--format", format, "-o", out], io)).toBe(0);
      expect(readdirSync(out).sort()).toEqual([...names].sort());
      for (const n of names) expect(readFileSync(join(out, n), "utf8")).toBe(files.get(n));
    }
  });

  it("writes phases (json + csv) and length-encoded SPICE; --json reports the files", async () => {
    const { dir } = await compiledDir();
    const io = memoryIo();
    // Beside the netlist is the default, but not over the phase table it reads: -o elsewhere.
    expect(await main(["--json", "export", dir, "--format", "phases"], memoryIo())).toBe(2);
    expect(await main(["--json", "export", dir, "--format", "phases", "-o", join(dir, "phases-out")], io)).toBe(0);
    expect(JSON.parse(io.out()).result.files).toEqual(["onn.phases.json", "onn.phases.csv"]);
    const io2 = memoryIo();
    expect(await main(["export", join(dir, "onn.netlist.json"), "--format", "spi", "--length-phases", "--neff", "2.35"], io2)).toBe(0);
    const spi = readFileSync(join(dir, "onn.spi"), "utf8");
    expect(spi).toContain("n_eff = 2.35");
    expect(spi).toContain("ebeam_wg_integral_1550");
  });

  it("reports missing inputs (exit 2) and broken netlists with file:line:col (exit 1)", async () => {
    const empty = mkdtempSync(join(tmpdir(), "optinc-export-empty-"));
    let io = memoryIo();
    expect(await main(["export", empty, "--format", "yaml"], io)).toBe(2);
    expect(io.err()).toMatch(/OPT5001/);
    io = memoryIo();
    expect(await main(["export", join(empty, "nope"), "--format", "yaml"], io)).toBe(2);
    io = memoryIo();
    expect(await main(["export", empty, "--format", "gds"], io)).toBe(2);
    const { dir } = await compiledDir();
    const path = join(dir, "onn.netlist.json");
    writeFileSync(path, readFileSync(path, "utf8").replace('"component":"coupler"', '"component":7'));
    io = memoryIo();
    expect(await main(["export", dir, "--format", "spi"], io)).toBe(1);
    expect(io.err()).toMatch(/OPT5005/);
    expect(io.err()).toMatch(/onn\.netlist\.json:\d+:\d+/);
  });
});
