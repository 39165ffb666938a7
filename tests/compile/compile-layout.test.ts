// optinc compile --layout: the chip's layout joins the output set (the same GDSII bytes as
// `optinc layout` on the written directory), report.json carries its figures, and report.html
// shows the chip picture with die area, heaters, pads, optical I/O, crossings and longest path.
// The figures are compared with what `optinc layout` prints, by a check that is shown failing on
// a wrong figure and on a report without the section. Without --layout nothing of it is written.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";

const SPEC = "aggregator w {\n  workers = 2\n  precision = 2 bits\n  route = closed-form\n}\n"; // 2 cells, 158 heaters: small and quick

interface Pad {
  heater: string;
  name: string;
  copy: string;
  channel: number;
  signal: { name: string; x: number; y: number };
  ground: { name: string; x: number; y: number };
}

interface Stats {
  dieWidthUm: number;
  dieHeightUm: number;
  dieAreaMm2: number;
  designs: number;
  copies: number;
  heaters: number;
  pads: number;
  signalBumps: number;
  groundBumps: number;
  bumpSites: number;
  bumpPitchUm: number;
  heaterClearanceUm: number;
  staggeredColumns: number;
  opticalIo: number;
  crossings: number;
  junctions: number;
  longestPathMm: number;
  longestPathLossDb: number;
}

/** The figures the Layout section must show for these stats, formatted here, not by optinc. */
function expected(s: Stats): Record<string, string> {
  return {
    die: `${(s.dieWidthUm / 1000).toFixed(2)} × ${(s.dieHeightUm / 1000).toFixed(2)} mm = ${s.dieAreaMm2.toFixed(1)} mm²`,
    "cell designs / copies": `${s.designs} / ${s.copies}`,
    "heaters / flip-chip bumps": `${s.heaters} / ${s.pads} (${s.signalBumps} signal + ${s.groundBumps} ground, of ${s.bumpSites} sites at ${s.bumpPitchUm} µm pitch)`,
    "heater clearance / staggered heater columns": `${s.heaterClearanceUm} µm / ${s.staggeredColumns}`,
    "optical I/O (grating couplers, bias lasers)": `${s.opticalIo}`,
    "waveguide crossings / loss-matched junctions": `${s.crossings} / ${s.junctions} at 0.043 dB each`,
    "longest waveguide path": `${s.longestPathMm.toFixed(2)} mm, ${s.longestPathLossDb.toFixed(2)} dB at 2 dB/cm (assumed)`,
  };
}

/** Every figure of the report's Layout section that differs from `want` (or why there is none). */
function wrongFigures(html: string, want: Record<string, string>): string[] {
  const sec = /<section><h2>Layout<\/h2>(.*?)<\/section>/s.exec(html)?.[1];
  if (!sec) return ["no Layout section"];
  if (!/<svg class="chip"[^>]*>/.test(sec)) return ["no chip picture"];
  const shown = new Map([...sec.matchAll(/<tr><td>(.*?)<\/td><td class="num">(.*?)<\/td><\/tr>/g)].map((m) => [m[1]!, m[2]!]));
  return Object.entries(want).flatMap(([k, v]) =>
    shown.get(k.replace(/&/g, "&amp;")) === v ? [] : [`${k}: shows ${shown.get(k)}, expected ${v}`],
  );
}

describe("optinc compile --layout", () => {
  const root = mkdtempSync(join(tmpdir(), "optinc-compile-layout-"));
  writeFileSync(join(root, "w.optinc"), SPEC);
  const out = join(root, "out");
  const plain = join(root, "plain");
  let html = "";
  let report: { layout: Stats & { gds: string }; artifacts: string[] };
  let stats: Stats;

  beforeAll(async () => {
    const io = memoryIo({ NO_COLOR: "1" }, root);
    expect(await main(["--verbose", "compile", "w.optinc", "-o", out, "--layout", "--no-evaluate"], io), io.err()).toBe(0);
    expect(io.err()).toMatch(/layout: w\.gds, die [\d.]+ × [\d.]+ mm = [\d.]+ mm², \d+ heaters, \d+ pads/);
    html = readFileSync(join(out, "w.report.html"), "utf8");
    report = JSON.parse(readFileSync(join(out, "w.report.json"), "utf8"));
    const lio = memoryIo({ NO_COLOR: "1" }, root);
    expect(await main(["--json", "layout", out, "-o", join(root, "again.gds")], lio), lio.err()).toBe(0);
    stats = JSON.parse(lio.out()).result.stats;
    expect(await main(["compile", "w.optinc", "-o", plain, "--no-evaluate"], memoryIo({ NO_COLOR: "1" }, root))).toBe(0);
  }, 300_000);

  it("writes the layout with the output set: the same GDSII bytes as optinc layout on the written directory", () => {
    for (const f of ["w.gds", "w.pads.json", "w.layout.json", "w.add0.drawn-netlist.json"]) {
      expect(existsSync(join(out, f)), f).toBe(true);
      expect(report.artifacts).toContain(f);
    }
    expect(Buffer.compare(readFileSync(join(out, "w.gds")), readFileSync(join(root, "again.gds")))).toBe(0);
    expect(report.layout).toMatchObject({ ...stats, gds: "w.gds" });
    expect(stats.heaters).toBeGreaterThan(0);
    expect(stats.signalBumps).toBe(stats.heaters);
    expect(stats.pads).toBe(stats.signalBumps + stats.groundBumps);
  });

  it("shows the chip picture, area, heaters, pads, optical I/O, crossings and longest path in report.html", () => {
    expect(wrongFigures(html, expected(stats))).toEqual([]);
    expect(html).not.toMatch(/https?:\/\//i); // the inline picture keeps the report free of URLs
  });

  it("the figure check catches a wrong figure, and a report without the section", () => {
    const onePadMore = expected({ ...stats, pads: stats.pads + 1 });
    expect(wrongFigures(html, onePadMore)).toEqual([expect.stringMatching(/^heaters \/ flip-chip bumps: shows/)]);
    const tampered = html.replace(`${stats.dieAreaMm2.toFixed(1)} mm²`, `${(stats.dieAreaMm2 * 2).toFixed(1)} mm²`);
    expect(wrongFigures(tampered, expected(stats))).toEqual([expect.stringMatching(/^die: shows/)]);
    expect(wrongFigures(readFileSync(join(plain, "w.report.html"), "utf8"), expected(stats))).toEqual(["no Layout section"]);
  });

  it("adds each design's heater bumps to its ports.json, named as die and lab files name the heaters", () => {
    const padMap = JSON.parse(readFileSync(join(out, "w.pads.json"), "utf8")) as { heaters: Pad[] };
    const designs = readdirSync(out).filter((f) => f.endsWith(".ports.json"));
    expect(designs.length).toBe(report.layout.designs);
    const listed: Pad[] = [];
    for (const f of designs) {
      const withPads = readFileSync(join(out, f), "utf8");
      const ports = JSON.parse(withPads) as { pads: Pad[]; inputs: { carries?: { copy: string }[] }[] };
      // the port map of the compile without --layout, plus one "pads" line group, nothing else changed
      expect(withPads.replace(/ {2}"pads": \[\n(?: {4}.*\n)* {2}\],\n/, "")).toBe(readFileSync(join(plain, f), "utf8"));
      const copies = new Set(ports.inputs.flatMap((i) => i.carries ?? []).map((c) => c.copy));
      expect(new Set(ports.pads.map((p) => p.copy))).toEqual(copies);
      listed.push(...ports.pads);
    }
    expect(listed.sort((a, b) => a.channel - b.channel)).toEqual(padMap.heaters);
    expect(padMap.heaters.map((h) => h.channel)).toEqual(padMap.heaters.map((_, i) => i));
    expect(padMap.heaters.length).toBe(stats.heaters);
    // the die-file name read off the drawn path: copy / part / <element>_phi → part/<element>.phi
    const nameOf = (h: Pad): string => h.heater.slice(h.copy.length + 1).replace(/_(phi|theta)$/, ".$1");
    expect(padMap.heaters.filter((h) => h.name !== nameOf(h))).toEqual([]);
    expect(padMap.heaters.filter((h) => h.name.endsWith(".theta")).length).toBeGreaterThan(0);
    // one pad pair per heater of each copy: no two entries of a copy share a die-file name
    const keys = padMap.heaters.map((h) => `${h.copy} ${h.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("is off by default: no GDSII file, no layout in report.json", () => {
    expect(existsSync(join(plain, "w.gds"))).toBe(false);
    expect(JSON.parse(readFileSync(join(plain, "w.report.json"), "utf8")).layout).toBeUndefined();
  });
});
