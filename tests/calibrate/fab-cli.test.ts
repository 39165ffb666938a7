// optinc die --fabricated → calibrate --measured (v2) → verify --measured, in process, on
// paper-4x8's add1 cell: the calibrated chip is exact on its die and not on another one; a bad v2
// file exits 2 with its code.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { FAB } from "../../codes/catalogue.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import { phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { memoryIo } from "../helpers/io.ts";
import { paperCell } from "./fab-fixtures.ts";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe("optinc die --fabricated / calibrate / verify on a fabricated die", () => {
  it("calibrates a fabricated add1 copy to exact; its program fails on another die; a bad file exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optinc-fab-"));
    const { circuit, table } = paperCell("add1", 0.02);
    const files = new Map<string, string>([
      ["paper_4x8.add1.phases.json", phaseTableToJson(table)],
      ["paper_4x8.add1.phases.csv", phaseTableToCsv(table)],
      ...emitCircuit(circuit, "paper_4x8.add1"),
    ]);
    commitFiles(dir, files);
    const work = mkdtempSync(join(tmpdir(), "optinc-fab-work-"));
    const a = join(work, "a.json");
    const b = join(work, "b.json");
    expect((await run(["die", dir, "--cell", "add1", "--technology", "foundry", "--fabricated", "--seed", "5", "-o", a])).code).toBe(0);
    expect((await run(["die", dir, "--cell", "add1", "--technology", "foundry", "--fabricated", "--seed", "6", "-o", b])).code).toBe(0);
    expect(JSON.parse(readFileSync(a, "utf8")).format).toBe("optinc.die/2");
    expect((await run(["die", dir, "--cell", "add1", "--technology", "optimistic", "--fabricated", "-o", join(work, "x.json")])).code).toBe(
      2,
    );
    expect((await run(["verify", dir, "--measured", a])).code).toBe(1); // uncalibrated: offsets uniform on [0, 2π)
    const cal = join(work, "cal");
    const c = await run(["--verbose", "calibrate", dir, "--measured", a, "-o", cal]);
    expect(c.err).toContain("→ 100.00% calibrated (1024 cases)");
    expect(c.code).toBe(0);
    expect((await run(["verify", cal, "--measured", a])).code).toBe(0);
    expect((await run(["verify", cal, "--measured", b])).code).toBe(1);
    const bad = JSON.parse(readFileSync(a, "utf8"));
    bad.heaters[Object.keys(bad.heaters)[0]!].offsetRad = 7;
    writeFileSync(join(work, "bad.json"), JSON.stringify(bad));
    const r = await run(["calibrate", dir, "--measured", join(work, "bad.json"), "-o", join(work, "cal2")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(FAB.value);
  });
});
