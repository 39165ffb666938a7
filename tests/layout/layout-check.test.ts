// `optinc layout` checked by KLayout: the paper-4x8 quick start's divide0 cell design is read,
// passes the DRC deck with 0 violations, and its extracted connectivity equals the netlist for
// every netlist cell; the drawn phase-shifter and waveguide lengths equal the .spi of
// --length-phases, and every route is a whole number of periods. Each check is shown failing: a
// layout with two ports flipped mismatches the netlist (its routes cut into short pieces, which
// the check joins, but for one piece moved off its joint), and a file with one violation of each
// rule fails the deck.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it as vitestIt } from "vitest";
import { compiledExample, laidOutExample, writeLayoutInputs } from "../helpers/examples.ts";
import { writeGds } from "../../layout/gds-write.ts";
import { netlistCellName } from "../../layout/design.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { writeSpice } from "../../netlist/formats/spice-write.ts";
import { layoutChip } from "../../layout/chip.ts";
import { LAYER_MAPS } from "../../layout/layers.ts";
import { toLibrary } from "../../layout/library.ts";
import { DEFAULT_LENGTH_ENCODING } from "../../netlist/formats/spice-dialect.ts";
import { layoutCompiled, readCompiled } from "../../pipeline/layout/layout.ts";
import { itWith, KLAYOUT } from "../netlist/tools.ts";
import { checkLayout, klayoutPython, runKlayout, type CheckResult } from "./klayout.ts";
import { netlistPortSpec } from "../../netlist/sim/propagate.ts";
import { circuitLookup } from "../../netlist/die/die.ts";
import { FULL } from "../helpers/tier.ts";

const it = itWith(KLAYOUT, "klayout");
const root = mkdtempSync(join(tmpdir(), "optinc-layout-"));
const compiled = join(root, "out");
let circuit: Circuit;
let check: CheckResult;

/** A GDS rectangle on `layer` (datatype 0), corners in µm, for the hand-made files below. */
function box(layer: number, x0: number, y0: number, x1: number, y1: number) {
  const points: [number, number][] = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
  return { kind: "boundary" as const, layer, datatype: 0, points };
}
/** A rectangle of waveguide silicon (layer 1). */
const si = (x0: number, y0: number, x1: number, y1: number) => box(1, x0, y0, x1, y1);

/** wg_length (µm) of every instance of the --length-phases .spi, by "<gds cell>/<instance>". */
function spiLengths(c: Circuit): Map<string, number> {
  const out = new Map<string, number>();
  let sub = "";
  for (const line of writeSpice(c, { phases: "length" }).split("\n")) {
    const s = /^\.subckt (\S+)/.exec(line);
    if (s) sub = s[1]!;
    const m = /^ (\S+) .* wg_length=([0-9.e-]+)(u?) /.exec(line);
    if (m) out.set(`${netlistCellName(c, sub)}/${m[1]}`, m[3] ? Number(m[2]) : Number(m[2]) * 1e6);
  }
  return out;
}

/** The check's crossings per path (scripts/klayout/check_layout.py). */
function crossingPaths(r: CheckResult) {
  return (
    r as unknown as { crossings_per_path: { max_cells: number; max_crossings: number; cells: Record<string, { max_cells: number }> } }
  ).crossings_per_path;
}

/** Run `f` once, on first use, and keep its value. */
function once<T>(f: () => T): () => T {
  let v: { value: T } | undefined;
  return () => (v ??= { value: f() }).value;
}

beforeAll(() => {
  const r = compiledExample("paper-4x8");
  writeLayoutInputs(r, compiled);
  const d = layoutCompiled(compiled, { pdk: "ebeam", cell: "divide0" });
  writeFileSync(join(root, "divide0.gds"), d.gds);
  circuit = readNetlistJson(readFileSync(join(compiled, "paper_4x8.divide0.netlist.json"), "utf8"));
  if (KLAYOUT.available) check = checkLayout(join(root, "divide0.gds"), compiled);
}, 600_000); // compile, layout and a KLayout run: about 15 s alone, minutes on a loaded machine

describe("the quick start's layout figures in README.md and docs/layout.md", () => {
  // (npm run test:full checks the whole chip in KLayout: tests/e2e/layout-examples.test.ts)
  vitestIt("5 copies of 3 designs, 1065 heaters, 1193 bumps, 35 optical I/O, 661 crossings, 49 mm², longest path 11.68 mm", () => {
    const s = laidOutExample("paper-4x8").stats;
    // The report counts what the layout draws: one heater per phase shifter of every copy.
    expect(compiledExample("paper-4x8").report.hardware.phaseShifters).toBe(s.heaters);
    expect([s.copies, s.designs, s.heaters, s.pads, s.signalBumps, s.groundBumps, s.opticalIo, s.crossings]).toEqual([
      5, 3, 1065, 1193, 1065, 128, 35, 661,
    ]);
    const readme = readFileSync("README.md", "utf8");
    expect(readme).toContain(
      `(${s.copies} cell copies of ${s.designs} designs,\n${s.heaters} heaters, ${s.crossings} waveguide crossings, ${s.dieAreaMm2.toFixed(0)} mm² in this first`,
    );
    const doc = readFileSync("docs/layout.md", "utf8");
    const mzi = compiledExample("paper-4x8").report.hardware.mzi;
    const row = `| paper-4x8 (quick start) | ${s.designs} / ${s.copies} | ${(s.dieWidthUm / 1000).toFixed(2)} × ${(s.dieHeightUm / 1000).toFixed(2)} | ${s.dieAreaMm2.toFixed(1)} | ${mzi} | ${(s.dieAreaMm2 / mzi).toFixed(3)} | ${s.heaters} | ${s.pads} (${s.signalBumps} + ${s.groundBumps}) of ${s.bumpSites} | ${s.opticalIo} | ${s.crossings} | ${s.longestPathMm.toFixed(2)} mm, ${s.longestPathLossDb.toFixed(2)} dB |`;
    expect(doc).toContain(row);
  });
});

describe("optinc layout checked by KLayout (paper-4x8, cell divide0)", () => {
  it("reads the file, 0 DRC violations, connectivity equal to the netlist in every netlist cell", () => {
    expect(check.read.dbu).toBe(0.001);
    expect(check.drc).toMatchObject({
      "si.width<0.5": 0,
      "si.space<0.2": 0,
      "metal.width<5.0": 0, // EBeam M2_router
      "metal.space<8.0": 0,
      "padopen.space<10.0": 0, // EBeam MLOpen
      devrec_overlap: 0,
      heater_not_wired: 0,
      "m2_over_m1<3": 0,
      "bend_radius<5": 0,
      pad_over_waveguide: 0,
      outside_floorplan: 0,
      heater_off_waveguide: 0,
      heater_over_other_si: 0,
      die_too_large: 0,
      "crossings_per_path>23": 0,
      "m2_along_waveguide>10": 0, // each signal lead leaves its contact sideways (layout/leads.ts)
    });
    // The placement breaks one of the reviewer's rules (docs/layout.md, "DRC deck"): heaters sit
    // within 20 µm of their MZI's other arm and their column neighbours. Every other rule passes.
    const known = ["thermal_gap<20"];
    expect(check.drc_violations).toBe(known.reduce((a, k) => a + check.drc[k]!, 0));
    expect(check.connectivity.cells_checked).toBe(Object.keys(circuit.netlists).length);
    for (const [cell, r] of Object.entries(check.connectivity.cells)) expect(r.mismatches, `${cell}: ${r.examples.join("; ")}`).toBe(0);
    const top = check.connectivity.cells[circuit.top]!;
    expect(top.instances).toBe(Object.keys(circuit.netlists[circuit.top]!.instances).length);
    expect(Object.values(check.connectivity.cells).reduce((a, r) => a + r.crossings, 0)).toBeGreaterThan(0);
  });

  it("reports the most crossing cells on one path between two pins, and fails a limit below it", () => {
    const paths = crossingPaths(check);
    // a path through the top cell passes its sub-circuits: it meets at least as many as any of them
    const top = paths.cells[circuit.top]!.max_cells;
    expect(top).toBe(paths.max_cells);
    expect(paths.max_crossings).toBeGreaterThan(0);
    expect(paths.max_crossings).toBeLessThanOrEqual(top);
    // the faulted run below (a flipped connection, touching routes) was checked with a limit one
    // below the most: each netlist cell whose paths exceed it gives one marker
    const { bad, limit } = faulted();
    expect(limit).toBe(top - 1);
    const over = Object.values(crossingPaths(bad).cells).filter((c) => c.max_cells > limit).length;
    expect(bad.drc[`crossings_per_path>${limit}`]).toBe(over);
    expect(over).toBeGreaterThan(0);
  });

  it("draws every phase shifter and waveguide as long as the .spi of --length-phases says, and every route a whole number of periods", () => {
    const spi = spiLengths(circuit);
    expect(spi.size).toBeGreaterThan(50);
    let worst = 0;
    for (const [key, len] of spi) {
      const drawn = check.lengths.arms[key];
      expect(drawn, key).toBeTypeOf("number");
      worst = Math.max(worst, Math.abs(drawn! - len));
    }
    expect(Object.keys(check.lengths.arms).length).toBe(spi.size);
    expect(worst).toBeLessThanOrEqual(0.0005); // the 1 nm grid
    expect(check.lengths.paths_checked).toBeGreaterThan(100);
    expect(check.lengths.max_residual_nm).toBeLessThan(2);
  });

  // The planted faults of the next two tests sit in one layout, each in its own netlist cell, and
  // one KLayout run checks them all (a run costs 5–8 s): each test reads only its cells.
  const faulted = once(() => {
    // Routes cut into pieces of at most 60 points (as a deep mesh's long tracks are,
    // layout/route-shape.ts): every other cell matches, so the check joins the pieces.
    const flipped = structuredClone(circuit);
    const nl = flipped.netlists.step_circuit!;
    [nl.ports.in0, nl.ports.in1] = [nl.ports.in1!, nl.ports.in0!];
    const dir = join(root, "flipped");
    mkdirSync(dir);
    writeFileSync(join(dir, "paper_4x8.divide0.netlist.json"), writeNetlistJson(flipped));
    const chip = layoutChip(readCompiled(dir), DEFAULT_LENGTH_ENCODING, undefined, 60);
    const cells = [...chip.designs.get("paper_4x8.divide0")!.netlists];
    // the first netlist cell with a cut route: its piece after the cut moves 1 nm, to overlap the
    // piece before it instead of meeting it
    const cuts = cells.map(([name, cell]) => {
      const routes = cell.shapes.flatMap((sh) => (sh.kind === "route" ? [sh.nm] : []));
      const at = routes.findIndex((nm, i) => i > 0 && nm[0] === routes[i - 1]!.at(-2) && nm[1] === routes[i - 1]!.at(-1));
      return { name, piece: routes[at] };
    });
    const moved = cuts.find((c) => c.piece && c.name !== "step_circuit")!;
    expect(moved).toBeDefined();
    moved.piece![0]! -= 1;
    // Two faults that change no connection: a route drawn twice joins the same two pins, and a stub
    // over a coupler joins none. Only the tiled route-shorts check (check_layout.py route_shorts) sees them.
    const free = cells.filter(([name]) => ![circuit.top, "step_circuit", moved.name].includes(name));
    const [twiceName, twice] = free.find(([, c]) => c.shapes.some((s) => s.kind === "route"))!;
    const route = twice.shapes.find((s) => s.kind === "route")!;
    twice.shapes.push({ ...route });
    const [overName, over] = free.find(([name, c]) => name !== twiceName && c.refs.some((r) => r.cell.name.startsWith("coupler_")))!;
    const coupler = over.refs.find((r) => r.cell.name.startsWith("coupler_"))!;
    const cx = Math.round((coupler.at[0] + (coupler.cell.bbox.x0 + coupler.cell.bbox.x1) / 2) * 1000);
    const cy = Math.round((coupler.at[1] + (coupler.cell.bbox.y0 + coupler.cell.bbox.y1) / 2) * 1000);
    over.shapes.push({ kind: "route", layer: "si", width: 0.5, nm: Int32Array.from([cx, cy - 6000, cx, cy + 6000]) });
    const gds = join(root, "faulted.gds");
    writeFileSync(gds, writeGds(toLibrary("paper_4x8_divide0", chip.top, LAYER_MAPS.ebeam)));
    const limit = crossingPaths(check).max_cells - 1;
    const bad = checkLayout(gds, compiled, { max_crossings: String(limit) }); // compared with the true netlists
    const cut = cuts.filter((c) => c.piece && c.name !== moved.name).length; // cut and whole
    return { bad, limit, cut, names: { moved: moved.name, twice: twiceName, over: overName } };
  });

  it("fails when one connection is flipped: two ports of a sub-circuit swapped in the drawn layout", () => {
    const { bad, cut, names } = faulted();
    expect(cut).toBeGreaterThan(0);
    const step = bad.connectivity.cells[`${circuit.top}__step_circuit`]!;
    expect(step.mismatches).toBe(4); // port:in0 and port:in1 each missing once and extra once
    expect(step.examples.join(" ")).toMatch(/port:in0/);
    const moved = bad.connectivity.cells[netlistCellName(circuit, names.moved)]!;
    expect(moved.mismatches).toBeGreaterThan(0);
    expect(moved.examples.join(" ")).toMatch(/touches 0 pins|open ends/);
  });

  it("fails when two routes touch, and when a route runs over a device", () => {
    const { bad, names } = faulted();
    const cells = bad.connectivity.cells;
    const touching = cells[netlistCellName(circuit, names.twice)]!;
    expect(touching.examples.join(" ")).toMatch(/^routes \S+ and \S+ touch near \(/);
    expect(touching.mismatches).toBeGreaterThanOrEqual(1);
    const crossed = cells[netlistCellName(circuit, names.over)]!;
    expect(crossed.examples.join(" ")).toMatch(/\b[12] overlaps of routes with devices/); // its two coupler arms
    expect(crossed.examples.join(" ")).toMatch(/touches 0 pins/); // its two free ends
    // every other cell matches, and the four faulted cells make up the whole count
    const planted = ["step_circuit", names.moved, names.twice, names.over].map((n) => netlistCellName(circuit, n));
    for (const [name, r] of Object.entries(cells)) if (!planted.includes(name)) expect(r.mismatches, name).toBe(0);
    expect(bad.connectivity.mismatches).toBe(planted.reduce((a, n) => a + cells[n]!.mismatches, 0));
    expect(bad.drc_violations).toBe(bad.drc["thermal_gap<20"]! + bad.drc[`crossings_per_path>${faulted().limit}`]!); // as the true layout, and the limit below
  });

  it("fails each DRC rule on a file that breaks it", () => {
    // a 34 µm bump pad with its 30 µm opening, lower left corner at (x, y)
    const pad = (x: number, y: number) => [box(12, x, y, x + 34, y + 34), box(13, x + 2, y + 2, x + 32, y + 32)];
    const gds = writeGds({
      name: "BAD",
      structures: [
        {
          name: "bad",
          elements: [
            si(0, 0, 10, 0.5),
            si(0, 0.6, 10, 1.1), // 0.1 µm gap
            si(20, 0, 30, 0.3), // 0.3 µm wide
            si(40, 0, 80, 0.5),
            {
              kind: "boundary",
              layer: 13,
              datatype: 0,
              points: [
                [45, -20],
                [80, -20],
                [80, 20],
                [45, 20],
              ],
            }, // pad opening over a waveguide
            {
              kind: "path",
              layer: 1,
              datatype: 0,
              width: 0.5,
              points: [
                [100, 0],
                [102, 0],
                [103.4, 0.6],
                [104, 2],
              ],
            }, // 2 µm bend
            si(500, 0, 510, 0.5), // outside the floor plan
            box(11, 110, -20, 140, -16), // a heater with no metal: not wired
            box(11, 150, -20, 190, -16), // a heater whose one contact lands 1 µm on it
            box(12, 148, -21, 151, -15), // ... 3 µm of M2: too narrow, and only 1 µm over M1
            box(12, 110, 10, 120, 20),
            box(12, 126, 10, 136, 20), // M2 6 µm from M2
            box(68, 150, 5, 170, 15),
            box(68, 165, 10, 185, 25), // device boxes overlapping
            box(68, 185, 10, 195, 20), // ... and one abutting the second (shares an edge: allowed)
            // a shared ground: two heaters, one ground bar over their input ends up to one pad,
            // each output end on a lead of its own to its own pad (wired: no marker)
            box(11, 10, 100, 50, 104),
            box(11, 10, 200, 50, 204),
            box(12, 10, 96, 20, 260),
            ...pad(0, 260),
            box(12, 40, 98, 70, 106),
            ...pad(70, 85),
            box(12, 40, 198, 70, 206),
            ...pad(70, 185),
            // the same with the two signals shorted by one bar: neither heater has a lead of its own
            box(11, 150, 100, 190, 104),
            box(11, 150, 200, 190, 204),
            box(12, 150, 96, 160, 260),
            ...pad(120, 260),
            box(12, 180, 98, 190, 215),
            ...pad(180, 215),
            // a heater with its own signal and a ground contact that reaches no pad
            box(11, 220, 100, 260, 104),
            box(12, 220, 98, 230, 120),
            ...pad(220, 120),
            box(12, 250, 98, 260, 106),
            // the deck runs in 1 mm tiles from the cell's left edge (x = -10): a gap and a narrow
            // strip that straddle the tile boundary at x = 990 count once each
            si(985, 0, 995, 0.5),
            si(985, 0.6, 995, 1.1), // 0.1 µm gap
            si(985, 10, 995, 10.3), // 0.3 µm wide
            {
              kind: "boundary",
              layer: 99,
              datatype: 0,
              points: [
                [-10, -30],
                [300, -30],
                [300, 400],
                [-10, 400],
              ],
            },
          ],
        },
      ],
    });
    const file = join(root, "bad.gds");
    writeFileSync(file, gds);
    const empty = join(root, "empty");
    mkdirSync(empty);
    const r = checkLayout(file, empty);
    expect(r.drc["si.space<0.2"]).toBe(2);
    expect(r.drc["si.width<0.5"]).toBe(2);
    expect(r.drc.pad_over_waveguide).toBeGreaterThan(0);
    expect(r.drc["bend_radius<5"]).toBeGreaterThan(0);
    expect(r.drc.outside_floorplan).toBeGreaterThan(0);
    // the EBeam rules (pdk=ebeam, the default) and the heater wiring
    expect(r.drc["metal.width<5.0"]).toBe(1);
    expect(r.drc["metal.space<8.0"]).toBe(1);
    expect(r.drc["m2_over_m1<3"]).toBe(1);
    // the heater with no metal, the one with a single contact, the two whose signals are shorted,
    // and the one whose ground reaches no pad; the two on a shared ground with their own signals pass
    expect(r.drc.heater_not_wired).toBe(5);
    expect(r.drc_where.heater_not_wired!.filter((w) => /\(10000,(100|200)000;/.test(w))).toEqual([]);
    expect(r.drc.devrec_overlap).toBe(1);
    expect(Object.keys(r.drc_where).length).toBeGreaterThan(2);
    // Two more KLayout starts, about 2 s each: the full tier. The generic layer map's deck states
    // the project's metal rules (3 µm / 4 µm) and no M2-over-M1 rule; the tiles run on two
    // processes by default (split_map), and one process finds the same.
    if (FULL) {
      const generic = checkLayout(file, empty, { pdk: "generic" });
      expect(Object.keys(generic.drc)).toEqual(expect.arrayContaining(["metal.width<3.0", "metal.space<4.0", "padopen.space<4.0"]));
      expect(Object.keys(generic.drc)).not.toContain("metal.width<5.0");
      const one = checkLayout(file, empty, { jobs: "1" });
      expect(one.drc).toEqual(r.drc);
      expect(one.drc_where).toEqual(r.drc_where);
    }
  });
});

describe("the reviewer's rules (docs/layout.md, DRC deck), each broken once in a hand-made file", () => {
  /** A 100 µm heater at (x, y) over its own 0.5 µm waveguide (unless `wg` is false), wired as the
   * EBeam wg_heater is: a 10 µm M2 contact on each end, each lead up to a bump of its own. */
  const shifter = (x: number, y: number, wg = true) => [
    ...(wg ? [si(x, y - 0.25, x + 100, y + 0.25)] : []),
    box(11, x, y - 2, x + 100, y + 2),
    box(12, x, y - 3, x + 10, y + 3),
    box(12, x + 2.5, y + 3, x + 7.5, y + 60),
    box(12, x - 12, y + 60, x + 22, y + 94),
    box(13, x - 10, y + 62, x + 20, y + 92),
    box(12, x + 90, y - 3, x + 100, y + 3),
    box(12, x + 92.5, y + 3, x + 97.5, y + 60),
    box(12, x + 78, y + 60, x + 112, y + 94),
    box(13, x + 80, y + 62, x + 110, y + 92),
  ];
  let r: CheckResult;
  let small: CheckResult;
  beforeAll(() => {
    if (!KLAYOUT.available) return;
    const file = join(root, "review.gds");
    writeFileSync(
      file,
      writeGds({
        name: "REVIEW",
        structures: [
          {
            name: "review",
            elements: [
              ...shifter(0, 0), // passes every rule
              ...shifter(200, 0, false),
              si(200, -0.25, 250, 0.25), // its waveguide runs half its length: heater_off_waveguide
              ...shifter(400, 0),
              si(449.75, -40, 450.25, 40), // another waveguide under the heater: heater_over_other_si
              si(600, -0.25, 700, 0.25),
              box(12, 605, -3, 625, 3), // M2 along the waveguide for 20 µm: m2_along_waveguide
              box(12, 655, -10, 660, 10), // M2 across it (allowed)
              box(12, 680, -3, 690, 3), // M2 along it for 10 µm, as the PDK's contact (allowed)
              ...shifter(0, 200),
              si(0, 212, 100, 212.5), // a waveguide 10 µm from the heater: thermal_gap
              ...shifter(200, 200),
              si(200, 227, 300, 227.5), // 25 µm from it (allowed)
              box(99, -100, -100, 900, 400),
            ],
          },
        ],
      }),
    );
    const empty = join(root, "review-empty");
    mkdirSync(empty);
    r = checkLayout(file, empty);
    if (FULL) small = checkLayout(file, empty, { die_max: "0.4x0.9", thermal_gap: "5" }); // a KLayout start, about 2 s
  }, 120_000);

  it("counts each broken rule exactly once, and nothing else", () => {
    expect(Object.fromEntries(Object.entries(r.drc).filter(([, n]) => n > 0))).toEqual({
      heater_off_waveguide: 1,
      heater_over_other_si: 1,
      "m2_along_waveguide>10": 1,
      "thermal_gap<20": 1,
    });
    expect(r.drc_where["thermal_gap<20"]).toEqual([expect.stringMatching(/gap 10\.00 um$/)]);
    expect(r.drc_where["m2_along_waveguide>10"]).toEqual([expect.stringMatching(/ 20\.0 um$/)]);
    expect(r.drc.die_too_large).toBe(0);
    expect((r as unknown as { die_max_mm: number[] }).die_max_mm).toEqual([26, 33]);
  });

  // the full tier: its second KLayout run costs about 2 s
  if (FULL)
    it("the die limit and the thermal gap are options: a 0.4 × 0.9 mm limit fails the 1 × 0.5 mm die, a 5 µm gap passes the 10 µm", () => {
      expect(small.drc.die_too_large).toBe(1);
      expect(small.drc["thermal_gap<5"]).toBe(0);
    });
});

describe("the flat width and space check of the waveguide layer (scripts/klayout/flat_si_check.py)", () => {
  it("counts a planted 0.1 µm gap and a 0.3 µm strip as violations, passes a 0.2 µm gap, and sorts a route vertex's grid step and markers in a crossing core into their classes", () => {
    const file = join(root, "flat.gds");
    writeFileSync(
      file,
      writeGds({
        name: "FLAT",
        structures: [
          // a crossing's device box, centre (72, 2): its core is 68.5..75.5 × -1.5..5.5
          { name: "crossing", elements: [{ ...si(0, 0, 4, 4), layer: 68 }] },
          {
            name: "flat",
            elements: [
              si(0, 0, 10, 0.5),
              si(0, 0.6, 10, 1.1),
              si(20, 0, 30, 0.3),
              si(40, 0, 50, 0.5),
              si(40, 0.7, 50, 1.2),
              // the quick start's route vertex at (5206.145, 2640.302) µm moved by whole µm: its
              // outline steps 1 nm where the path turns by 0.2° on a 45° diagonal (its ends lie on
              // exact 45° segments, so their flush ends are square on the grid)
              {
                kind: "path",
                layer: 1,
                datatype: 0,
                width: 0.5,
                points: [
                  [54.849, 41.951],
                  [56.322, 40.478],
                  [57.796, 38.994],
                  [59.296, 37.494],
                ],
              },
              { kind: "sref", cell: "crossing", at: [70, 0] },
              si(71, 1.5, 73, 1.8),
              si(70.5, 2.5, 73, 3),
              si(70.5, 3.1, 73, 3.6),
            ],
          },
        ],
      }),
    );
    const out = join(root, "flat.json");
    runKlayout("scripts/klayout/flat_si_check.py", { gds: file, out });
    type Check = {
      markers: number;
      classes: Record<string, number>;
      closest_by_class_um: Record<string, number | null>;
      where: Record<string, string[]>;
    };
    const r = JSON.parse(readFileSync(out, "utf8")) as Record<string, Check> & { violations: number };
    // the path's two inner points each step 1 nm; the 0.5 µm across them is 0.2–1 nm short (grid)
    expect(r["space<0.2"]!.classes).toEqual({ crossing_core: 1, pin_joint: 0, route_vertex: 2, grid: 0, other: 1 });
    expect(r["space<0.2"]!.closest_by_class_um.other).toBeCloseTo(0.1, 6);
    expect(r["space<0.2"]!.where.other).toEqual([expect.stringMatching(/^0\.000,0\.500 d=0\.1000/)]);
    expect(r["width<0.5"]!.classes).toEqual({ crossing_core: 1, pin_joint: 0, route_vertex: 2, grid: 9, other: 1 });
    expect(r["width<0.5"]!.closest_by_class_um.grid).toBeGreaterThan(0.499);
    expect(r["width<0.5"]!.where.route_vertex).toContain("flat 56.145,40.301 step 1.0 nm");
    expect(r["width<0.5"]!.where.other).toEqual([expect.stringMatching(/^20\.000,0\.000 d=0\.3000/)]);
    expect(r.violations).toBe(2);
  });
});

describe("opt_in labels, read back by KLayout (docs/layout.md, Labels)", () => {
  /** Every text of a cell on each layer/datatype, as KLayout reads the file (one KLayout start). */
  const texts = (gds: string, cell: string, layers: [number, number][]): string[][] =>
    JSON.parse(
      klayoutPython(
        `ly = pya.Layout(); ly.read(${JSON.stringify(gds)}); c = ly.cell(${JSON.stringify(cell)})\nprint(json.dumps([sorted(s.text.string for s in c.shapes(ly.layer(l, d)).each() if s.is_text()) for l, d in ${JSON.stringify(layers)}]))`,
      ),
    ) as string[][];

  it("every input port's grating coupler carries opt_in_TE_1550_device_<design>_<port>, every output its port name", () => {
    const spec = netlistPortSpec(circuit.netlists[circuit.top]!, circuitLookup(circuit));
    const text = LAYER_MAPS.ebeam.text;
    const want = [...spec.inputs.map((p) => `opt_in_TE_1550_device_${circuit.top}_${p}`), ...spec.outputs].sort();
    expect(spec.inputs.length).toBeGreaterThan(0);
    const [onText, onOther] = texts(join(root, "divide0.gds"), circuit.top, [text, [text[0] + 1, text[1]]]);
    expect(onText).toEqual(want);
    // The check can fail: on another layer there are none.
    expect(onOther).toEqual([]);
  });
});
