// `optinc layout` on a small trained ONN (source, stages, bias lasers, activation, detector):
// the three files, byte-identical on a second run, a pad pair and a DAC channel per heater, clear
// errors that write nothing, and KLayout's checks on the trained route's single netlist.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import { emitArtifacts } from "../../netlist/formats/emit-all.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { memoryIo } from "../helpers/io.ts";
import { onnTable } from "../netlist/fixtures.ts";
import { itWith, KLAYOUT } from "../netlist/tools.ts";
import { checkLayout } from "./klayout.ts";
import { compiledVariant, flatPam4, writeLayoutInputs } from "../helpers/examples.ts";

async function compiledDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "optinc-layout-cli-"));
  commitFiles(dir, emitArtifacts(onnTable(), "onn"));
  return dir;
}

describe("optinc layout (CLI)", async () => {
  const dir = await compiledDir();
  const out = mkdtempSync(join(tmpdir(), "optinc-layout-out-"));
  const gds = join(out, "onn.gds");
  const io = memoryIo();
  const code = await main(["--json", "layout", dir, "-o", gds], io);

  it("writes the GDSII file, the pad map and the summary, the same bytes twice", async () => {
    expect(code, io.err()).toBe(0);
    const env = JSON.parse(io.out());
    expect(env.result.files).toEqual(["onn.gds", "onn.pads.json", "onn.layout.json", "onn.layout.html", "onn.onn.drawn-netlist.json"]);
    const html = readFileSync(join(out, "onn.layout.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).toMatch(/heaters \/ flip-chip bumps<\/th><td>\d+ \/ \d+ \(\d+ signal \+ \d+ ground/);
    const again = join(mkdtempSync(join(tmpdir(), "optinc-layout-out-")), "onn.gds");
    expect(await main(["layout", dir, "-o", again], memoryIo())).toBe(0);
    expect(Buffer.compare(readFileSync(gds), readFileSync(again))).toBe(0);
  });

  it("maps every heater to its own signal bump, a shared ground bump and its own DAC channel, and counts them in the summary", () => {
    const circuit = readNetlistJson(readFileSync(join(dir, "onn.netlist.json"), "utf8"));
    const phases = Object.values(circuit.netlists).reduce(
      (a, nl) => a + Object.values(nl.instances).filter((i) => i.component === "phase").length,
      0,
    );
    const pads = JSON.parse(readFileSync(join(out, "onn.pads.json"), "utf8"));
    type Bump = { name: string; x: number; y: number };
    const heaters = pads.heaters as { channel: number; signal: Bump; ground: Bump }[];
    expect(pads.format).toBe("optinc.pads/2");
    expect(heaters.length).toBe(phases);
    expect(heaters.map((h) => h.channel)).toEqual([...Array(phases).keys()]);
    expect(heaters.map((h) => h.signal.name)).toEqual(heaters.map((h) => `S${h.channel}`));
    const at = (b: Bump): string => `${b.x},${b.y}`;
    const grounds = new Set(heaters.map((h) => at(h.ground)));
    expect(new Set(heaters.map((h) => at(h.signal))).size).toBe(phases); // each heater's own
    expect(grounds.size).toBeLessThan(phases); // shared
    for (const h of heaters) expect(grounds.has(at(h.signal))).toBe(false);
    const s = JSON.parse(readFileSync(join(out, "onn.layout.json"), "utf8")).stats;
    expect(s).toMatchObject({ heaters: phases, signalBumps: phases, groundBumps: grounds.size, pads: phases + grounds.size });
    expect(s.bumpSites).toBeGreaterThanOrEqual(s.pads);
    expect(s.dieAreaMm2).toBeGreaterThan(0);
    expect(s.longestPathMm).toBeGreaterThan(0);
  });

  it("keeps the 20 µm heater clearance; staggers no column here, where the top's grating couplers set the height", async () => {
    const s = JSON.parse(readFileSync(join(out, "onn.layout.json"), "utf8")).stats;
    expect(s.heaterClearanceUm).toBe(20);
    expect(s.staggeredColumns).toBe(0);
    const whole = join(mkdtempSync(join(tmpdir(), "optinc-layout-out-")), "onn.gds");
    expect(await main(["layout", dir, "-o", whole, "--no-stagger"], memoryIo())).toBe(0);
    expect(Buffer.compare(readFileSync(gds), readFileSync(whole))).toBe(0);
  });

  it("--no-stagger stacks the quick start's add0 heater columns whole, on a larger die", async () => {
    const q = join(mkdtempSync(join(tmpdir(), "optinc-layout-q-")), "out");
    writeLayoutInputs(compiledVariant("paper-4x8", flatPam4), q);
    const stats = async (extra: string[]): Promise<{ staggeredColumns: number; heaters: number; dieAreaMm2: number }> => {
      const e = memoryIo();
      const file = join(mkdtempSync(join(tmpdir(), "optinc-layout-out-")), "q.gds");
      expect(await main(["--json", "layout", q, "-o", file, "--cell", "add0", ...extra], e), e.err()).toBe(0);
      return JSON.parse(e.out()).result.stats;
    };
    const [on, off] = [await stats([]), await stats(["--no-stagger"])];
    expect(on.staggeredColumns).toBeGreaterThan(0);
    expect(off.staggeredColumns).toBe(0);
    expect(off.heaters).toBe(on.heaters);
    expect(off.dieAreaMm2).toBeGreaterThan(on.dieAreaMm2);
  });

  it("reports bad arguments and inputs with a code and writes nothing", async () => {
    const none = join(mkdtempSync(join(tmpdir(), "optinc-layout-none-")), "x.gds");
    const cases: [string[], number, string][] = [
      [["layout", dir, "-o", "x.txt"], 2, "must end in .gds"],
      [["layout", join(dir, "missing"), "-o", none], 2, "OPT8001"],
      [["layout", out, "-o", none], 2, "OPT8002"],
      [["layout", dir, "-o", none, "--cell", "nope"], 2, "OPT8006"],
      [["layout", dir, "-o", none, "--heater-clearance", "5"], 2, '--heater-clearance must be a number in [8.75, 50], got "5"'],
      [["layout", dir, "-o", none, "--heater-clearance", "wide"], 2, "OPT0003"],
    ];
    for (const [args, exit, text] of cases) {
      const e = memoryIo();
      expect(await main(args, e), args.join(" ")).toBe(exit);
      expect(e.err()).toContain(text);
    }
    expect(existsSync(none)).toBe(false);
  });

  itWith(KLAYOUT, "klayout")(
    "KLayout: no DRC violation, the thermal gap's included, and the trained netlist's connectivity, cell by cell",
    () => {
      const r = checkLayout(gds, dir);
      // The staggered heater columns keep the reviewer's 20 µm beside every heater (docs/design/layout.md
      // §4.2), and every other rule holds, M2 along waveguides included.
      expect(r.drc["m2_along_waveguide>10"]).toBe(0);
      expect(r.drc["thermal_gap<20"]).toBe(0);
      expect(r.thermal.heaters).toBeGreaterThan(0);
      expect(r.drc_violations, JSON.stringify(r.drc)).toBe(0);
      expect(r.connectivity.cells_checked).toBeGreaterThan(1);
      expect(r.connectivity.mismatches, JSON.stringify(r.connectivity.cells)).toBe(0);
    },
  );
});
