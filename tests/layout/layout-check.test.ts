// `optinc layout` checked by KLayout: the paper-4x8 quick start's divide0 cell design is read,
// passes the DRC deck with 0 violations, and its extracted connectivity equals the netlist for
// every netlist cell; the drawn phase-shifter and waveguide lengths equal the .spi of
// --length-phases, and every route is a whole number of periods. Each check is shown failing: a
// layout with two ports flipped mismatches the netlist (its routes cut into short pieces, which
// the check joins, but for one piece moved off its joint), and a file with one violation of each
// rule fails the deck. Every KLayout script of this file runs in one KLayout start
// (scripts/klayout/batch.py, about 2 s of CPU a start): beforeAll writes every input first.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it as vitestIt } from "vitest";
import { compiledExample, compiledVariant, flatPam4, laidOutExample, writeLayoutInputs } from "../helpers/examples.ts";
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
import { type CheckResult, expectCleanChip, KlayoutBatch } from "./klayout.ts";
import { badDeckLibrary, flatLibrary, reviewLibrary, writerLibrary } from "./planted-gds.ts";
import { netlistPortSpec } from "../../netlist/sim/propagate.ts";
import { circuitLookup } from "../../netlist/die/die.ts";
import { FULL } from "../helpers/tier.ts";

const it = itWith(KLAYOUT, "klayout");
const root = mkdtempSync(join(tmpdir(), "optinc-layout-"));
const compiled = join(root, "out");
const batch = new KlayoutBatch();
let circuit: Circuit;
let check: CheckResult;
/** The crossing cells every path through each netlist cell meets, as the layout plans them
 * (layout/junctions.ts), by GDS cell name. */
let planned: Record<string, number>;
let faulted: ReturnType<typeof plantFaults>;
/** divide0's die as drawn by default and with `--heater-clearance 20`, mm². */
let areas: { base: number; narrow: number; clearance: number };

/** wg_length (µm) of every instance of the --length-phases .spi, by "<gds cell>/<instance>". */
function spiLengths(c: Circuit): Map<string, number> {
  const out = new Map<string, number>();
  let sub = "";
  for (const line of writeSpice(c, { phases: "length" }).split("\n")) {
    const s = /^\.subckt (\S+)/.exec(line);
    if (s) sub = s[1]!;
    // an unheated section is drawn by the route through it (layout/unheated.ts), not as a cell
    const m = / unheated=1 /.test(line) ? null : /^ (\S+) .* wg_length=([0-9.e-]+)(u?) /.exec(line);
    if (m) out.set(`${netlistCellName(c, sub)}/${m[1]}`, m[3] ? Number(m[2]) : Number(m[2]) * 1e6);
  }
  return out;
}

/** Each netlist cell's crossing cells per path, as KLayout counts them (or the layout plans them). */
function perCell(cells: Record<string, { max_cells: number }>): Record<string, number> {
  return Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, v.max_cells]));
}

/** The crossing cells per path of each netlist cell of the drawn divide0, by GDS cell name, as the
 * layout plans them (layout/junctions.ts): the TypeScript side of KLayout's count. */
function plannedCells(c: Circuit, chip: ReturnType<typeof layoutChip>): Record<string, number> {
  const design = chip.designs.get("paper_4x8.divide0")!;
  return Object.fromEntries([...design.netlists].map(([name, cell]) => [netlistCellName(c, name), cell.pathCells!]));
}

/** The planted faults of the crossing, flipped-connection and touching-route tests, each in its own
 * netlist cell of one layout (faulted.gds), checked with a crossing limit one below the most the
 * layout plans (a KLayout run costs 5–8 s): each test reads only its cells. */
function plantFaults() {
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
  // A third, in the top cell: a 0.6 µm Si box (a polygon, no spine) half over a route's outline, at the middle of
  // its first straight segment of 2 µm or more. It lies outside every spine's Si, so the check
  // takes it for a shape of its own, which touches the route.
  const segment = (nm: Int32Array): number[] | undefined => {
    for (let i = 0; i + 3 < nm.length; i += 2) {
      const [x0, y0, x1, y1] = [nm[i]!, nm[i + 1]!, nm[i + 2]!, nm[i + 3]!];
      if ((x0 === x1 || y0 === y1) && Math.abs(x1 - x0) + Math.abs(y1 - y0) >= 2000) return [x0, y0, x1, y1];
    }
    return undefined;
  };
  const stray = cells.find(([name]) => name === circuit.top)![1]; // the other cells have a fault each
  const seg = stray.shapes.map((s) => (s.kind === "route" ? segment(s.nm) : undefined)).find((x) => x !== undefined)!;
  const [mx, my] = [(seg[0]! + seg[2]!) / 2000, (seg[1]! + seg[3]!) / 2000];
  const [ox, oy] = seg[0] === seg[2] ? [0.25, 0] : [0, 0.25]; // to the outline's edge, across the segment
  stray.shapes.push({ kind: "box", layer: "si", x0: mx + ox - 0.3, y0: my + oy - 0.3, x1: mx + ox + 0.3, y1: my + oy + 0.3 });
  const gds = join(root, "faulted.gds");
  writeFileSync(gds, writeGds(toLibrary("paper_4x8_divide0", chip.top, LAYER_MAPS.ebeam)));
  const cut = cuts.filter((c) => c.piece && c.name !== moved.name).length; // cut and whole
  const limit = Math.max(...Object.values(planned)) - 1; // one below the most the true layout plans
  return {
    gds,
    limit,
    cut,
    planned: plannedCells(flipped, chip),
    names: { moved: moved.name, twice: twiceName, over: overName, stray: circuit.top },
  };
}

/** The batch's planted job: it imports the reviewer's rules, changes their thermal gap and fails. */
const PLANTED_FAILURE = `import sys
sys.path.insert(0, dir)
import review_rules
review_rules.THERMAL_GAP = 5.0
raise RuntimeError("planted failure")`;

/** What KLayout reads of the GDSII writer's small library (planted-gds.ts writerLibrary). */
const READBACK = `ly = pya.Layout(); ly.read(gds)
top = ly.cell("top"); leaf = ly.cell("leaf")
shapes = {str(ly.get_info(li)): [str(s) for s in leaf.shapes(li).each()] for li in ly.layer_indexes() if not leaf.shapes(li).is_empty()}
insts = sorted((i.property(1), str(i.trans)) for i in top.each_inst())
json.dump({"dbu": ly.dbu, "cells": sorted(c.name for c in ly.each_cell()), "tops": [c.name for c in ly.top_cells()], "shapes": shapes, "insts": insts}, open(out, "w"))`;

/** The text layer of the EBeam map and the layer above it (where no label lies). */
const labelLayers: [number, number][] = [LAYER_MAPS.ebeam.text, [LAYER_MAPS.ebeam.text[0] + 1, LAYER_MAPS.ebeam.text[1]]];
/** Every text of the cell on each layer/datatype, as KLayout reads the file. */
const LABELS = `ly = pya.Layout(); ly.read(gds); c = ly.cell(cell)
json.dump([sorted(s.text.string for s in c.shapes(ly.layer(l, d)).each() if s.is_text()) for l, d in json.loads(layers)], open(out, "w"))`;

beforeAll(() => {
  // divide0 of paper-4x8 in its link's base: a PAM-4 cell whose routes are long enough to cut.
  const r = compiledVariant("paper-4x8", flatPam4);
  writeLayoutInputs(r, compiled);
  const d = layoutCompiled(compiled, { pdk: "ebeam", cell: "divide0" });
  writeFileSync(join(root, "divide0.gds"), d.gds);
  const narrow = layoutCompiled(compiled, { pdk: "ebeam", cell: "divide0", heaterClearance: 8.75 });
  writeFileSync(join(root, "divide0-clear875.gds"), narrow.gds);
  areas = { base: d.stats.dieAreaMm2, narrow: narrow.stats.dieAreaMm2, clearance: d.stats.heaterClearanceUm };
  circuit = readNetlistJson(readFileSync(join(compiled, "paper_4x8.divide0.netlist.json"), "utf8"));
  planned = plannedCells(circuit, layoutChip(readCompiled(compiled), DEFAULT_LENGTH_ENCODING, "divide0"));
  faulted = plantFaults();
  const empty = join(root, "empty"); // no netlists: the deck alone
  mkdirSync(empty);
  const libs = { bad: badDeckLibrary(), review: reviewLibrary(), flat: flatLibrary(), writer: writerLibrary() };
  for (const [name, lib] of Object.entries(libs)) writeFileSync(join(root, `${name}.gds`), writeGds(lib));
  if (!KLAYOUT.available) return;
  // first, a job that fails after changing a module the deck imports: the others still run, each
  // with that module afresh (its limit would otherwise turn the reviewer's thermal_gap<20 into <5)
  batch.python("planted_failure", PLANTED_FAILURE, { dir: join(process.cwd(), "scripts/klayout") });
  batch.check("divide0", join(root, "divide0.gds"), compiled);
  // the whole quick start, every design: the EBeam Si rules where its S-bends meet ±45° segments
  writeFileSync(join(root, "quickstart.gds"), laidOutExample("paper-4x8").gds);
  const quick = join(root, "quickstart-netlists");
  writeLayoutInputs(compiledExample("paper-4x8"), quick);
  batch.check("quickstart", join(root, "quickstart.gds"), quick);
  batch.check("faulted", faulted.gds, compiled, { max_crossings: String(faulted.limit) }); // against the true netlists
  batch.check("clear875", join(root, "divide0-clear875.gds"), compiled);
  batch.check("bad", join(root, "bad.gds"), empty);
  batch.check("review", join(root, "review.gds"), empty);
  // the same file cut into 13 µm tiles: every rule, and the M2-over-Si pieces that the tiles find
  // in parts and join (the 20 µm lead along its waveguide crosses at least one tile edge)
  batch.check("review_small_tiles", join(root, "review.gds"), empty, { tile: "13" });
  batch.add("flat", "scripts/klayout/flat_si_check.py", { gds: join(root, "flat.gds") });
  batch.python("readback", READBACK, { gds: join(root, "writer.gds") });
  batch.python("labels", LABELS, { gds: join(root, "divide0.gds"), cell: circuit.top, layers: JSON.stringify(labelLayers) });
  // The full tier's three more runs of the deck (before the batch, a KLayout start each): the
  // generic layer map's, the tiles on one process, the reviewer's rules with other limits.
  if (FULL) {
    batch.check("bad_generic", join(root, "bad.gds"), empty, { pdk: "generic" });
    batch.check("bad_one_process", join(root, "bad.gds"), empty, { jobs: "1" });
    batch.check("review_small", join(root, "review.gds"), empty, { die_max: "0.4x0.9", thermal_gap: "5" });
  }
  batch.run();
  check = batch.json<CheckResult>("divide0");
}, 600_000); // compile, layouts, one KLayout run (its other scripts took 14 s of test time at load average 4–5; the whole quick start's check about 30 s more)

describe("the quick start's layout figures in docs/studies/layout.md", () => {
  // (npm run test:full checks the whole chip in KLayout: tests/e2e/layout-examples.test.ts)
  vitestIt("9 copies of 4 designs, 872 heaters, 1010 bumps, 83 optical I/O, 398 crossings, 64 mm², longest path 8.86 mm", () => {
    const s = laidOutExample("paper-4x8").stats;
    // The report counts what the layout draws: one heater per phase shifter of every copy.
    expect(compiledExample("paper-4x8").report.hardware.phaseShifters).toBe(s.heaters);
    expect([s.copies, s.designs, s.heaters, s.pads, s.signalBumps, s.groundBumps, s.opticalIo, s.crossings]).toEqual([
      9, 4, 872, 1010, 872, 138, 83, 398,
    ]);
    const doc = readFileSync("docs/studies/layout.md", "utf8");
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
      "si.ebeam_width<0.06": 0, // the EBeam PDK's Si rules, as the PDK's deck runs them
      "si.ebeam_space<0.07": 0,
      spine_without_si: 0, // every waveguide spine (1/99) lies in its Si outline
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
      "thermal_gap<20": 0, // the staggered heater columns keep the gap (layout/stagger.ts)
    });
    expect(check.drc_violations).toBe(0);
    expect(check.connectivity.cells_checked).toBe(Object.keys(circuit.netlists).length);
    for (const [cell, r] of Object.entries(check.connectivity.cells)) expect(r.mismatches, `${cell}: ${r.examples.join("; ")}`).toBe(0);
    const top = check.connectivity.cells[circuit.top]!;
    expect(top.instances).toBe(Object.keys(circuit.netlists[circuit.top]!.instances).length);
    expect(Object.values(check.connectivity.cells).reduce((a, r) => a + r.crossings, 0)).toBeGreaterThan(0);
  });

  it("the whole quick start chip: 0 markers of every rule, the EBeam Si width and space included, connectivity equal in every cell", () => {
    const q = batch.json<CheckResult>("quickstart");
    expectCleanChip(q);
    expect(q.connectivity.cells_checked).toBe(20);
  });

  it("at the default 20 µm clearance keeps the thermal gap; at --heater-clearance 8.75 (the planted fault) heaters fall under it, on a smaller die", () => {
    const narrow = batch.json<CheckResult>("clear875");
    expect(areas.clearance).toBe(20);
    expect(check.drc["thermal_gap<20"]).toBe(0);
    // the contrast: the check finds the heaters the narrower clearance puts under the gap, and nothing else
    expect(narrow.drc["thermal_gap<20"]).toBeGreaterThan(0);
    expect(narrow.drc_violations, JSON.stringify(narrow.drc)).toBe(narrow.drc["thermal_gap<20"]);
    expect(narrow.connectivity.mismatches).toBe(0);
    expect(narrow.connectivity.cells_checked).toBe(check.connectivity.cells_checked);
    expect(areas.narrow).toBeLessThan(areas.base);
  });

  it("reports the most crossing cells on one path between two pins, as many as the layout plans, and fails a limit below it", () => {
    const paths = check.crossings_per_path;
    // KLayout's count on the drawn file, cell by cell, equals the layout's own plan (two independent
    // computations); the faulted layout's own plan differs from the true one (its ports flipped)
    // and KLayout follows it in the cells the faults leave whole
    expect(perCell(paths.cells)).toEqual(planned);
    const fault = perCell(batch.json<CheckResult>("faulted").crossings_per_path.cells);
    const whole = Object.keys(planned).filter((k) => k !== netlistCellName(circuit, faulted.names.moved));
    expect(whole.filter((k) => fault[k] !== planned[k])).not.toEqual([]);
    for (const k of whole) expect(fault[k], k).toBe(faulted.planned[k]);
    // a path through the top cell passes its sub-circuits: it meets at least as many as any of them
    const top = paths.cells[circuit.top]!.max_cells;
    expect(top).toBe(paths.max_cells);
    expect(paths.max_crossings).toBeGreaterThan(0);
    expect(paths.max_crossings).toBeLessThanOrEqual(top);
    // the faulted run below (a flipped connection, touching routes) was checked with a limit one
    // below the most: each netlist cell whose paths exceed it gives one marker
    const bad = batch.json<CheckResult>("faulted");
    const { limit } = faulted;
    expect(limit).toBe(top - 1);
    const over = Object.values(bad.crossings_per_path.cells).filter((c) => c.max_cells > limit).length;
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

  it("fails when one connection is flipped: two ports of a sub-circuit swapped in the drawn layout", () => {
    const bad = batch.json<CheckResult>("faulted");
    const { cut, names } = faulted;
    expect(cut).toBeGreaterThan(0);
    const step = bad.connectivity.cells[`${circuit.top}__step_circuit`]!;
    expect(step.mismatches).toBe(4); // port:in0 and port:in1 each missing once and extra once
    expect(step.examples.join(" ")).toMatch(/port:in0/);
    const moved = bad.connectivity.cells[netlistCellName(circuit, names.moved)]!;
    expect(moved.mismatches).toBeGreaterThan(0);
    expect(moved.examples.join(" ")).toMatch(/touches 0 pins|open ends/);
  });

  it("fails when two routes touch, and when a route runs over a device", () => {
    const bad = batch.json<CheckResult>("faulted");
    const { names } = faulted;
    const cells = bad.connectivity.cells;
    const touching = cells[netlistCellName(circuit, names.twice)]!;
    expect(touching.examples.join(" ")).toMatch(/^routes \S+ and \S+ touch near \(/);
    expect(touching.mismatches).toBeGreaterThanOrEqual(1);
    const strayed = cells[netlistCellName(circuit, names.stray)]!;
    expect(strayed.examples.join(" ")).toMatch(/^routes \S+ and \S+ touch near \(/);
    expect(strayed.mismatches).toBe(1); // the box is no route: the connections all match
    const crossed = cells[netlistCellName(circuit, names.over)]!;
    expect(crossed.examples.join(" ")).toMatch(/\b[12] overlaps of routes with devices/); // its two coupler arms
    expect(crossed.examples.join(" ")).toMatch(/touches 0 pins/); // its two free ends
    // every other cell matches, and the five faulted cells make up the whole count
    const planted = ["step_circuit", names.moved, names.twice, names.over, names.stray].map((n) => netlistCellName(circuit, n));
    for (const [name, r] of Object.entries(cells)) if (!planted.includes(name)) expect(r.mismatches, name).toBe(0);
    expect(bad.connectivity.mismatches).toBe(planted.reduce((a, n) => a + cells[n]!.mismatches, 0));
    expect(bad.drc_violations).toBe(bad.drc["thermal_gap<20"]! + bad.drc[`crossings_per_path>${faulted.limit}`]!); // as the true layout, and the limit below
  });

  it("fails each DRC rule on a file that breaks it", () => {
    const r = batch.json<CheckResult>("bad");
    expect(r.drc["si.space<0.2"]).toBe(3);
    expect(r.drc["si.width<0.5"]).toBe(2);
    // the EBeam Si rules: the 5 nm spike fails the 60 nm width (the project's rule, which counts
    // edges facing over 20 nm at least, misses it), the waveguides 60 nm apart the 70 nm space
    expect(r.drc["si.ebeam_width<0.06"]).toBe(1);
    expect(r.drc_where["si.ebeam_width"]).toEqual([expect.stringMatching(/^bad \(2021\d\d,3015\d\d;20224\d,30159\d\)$/)]);
    // the spike's notch on its far side fails the space rule too
    expect(r.drc["si.ebeam_space<0.07"]).toBe(2);
    expect(r.drc_where["si.ebeam_space"]).toEqual([
      expect.stringMatching(/^bad \(20223\d,3015\d\d;2022\d\d,3016\d\d\)$/),
      "bad (200000,320500;210000,320560)",
    ]);
    expect(r.drc_where["si.space"]).toContain("bad (200000,320500;210000,320560)");
    expect(r.drc.spine_without_si).toBe(1);
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
    // The full tier's two runs: the generic layer map's deck states the project's metal rules
    // (3 µm / 4 µm) and no M2-over-M1 rule; the tiles run on two processes by default (split_map),
    // and one process finds the same.
    if (FULL) {
      const generic = batch.json<CheckResult>("bad_generic");
      expect(Object.keys(generic.drc)).toEqual(expect.arrayContaining(["metal.width<3.0", "metal.space<4.0", "padopen.space<4.0"]));
      expect(Object.keys(generic.drc)).not.toContain("metal.width<5.0");
      expect(Object.keys(generic.drc)).not.toContain("si.ebeam_width<0.06");
      const one = batch.json<CheckResult>("bad_one_process");
      expect(one.drc).toEqual(r.drc);
      expect(one.drc_where).toEqual(r.drc_where);
    }
  });
});

describe("the reviewer's rules (docs/design/layout.md §10.2), each broken once in a hand-made file", () => {
  it("counts each broken rule exactly once, and nothing else", () => {
    const r = batch.json<CheckResult>("review");
    expect(Object.fromEntries(Object.entries(r.drc).filter(([, n]) => n > 0))).toEqual({
      heater_off_waveguide: 1,
      heater_over_other_si: 1,
      "m2_along_waveguide>10": 1,
      "thermal_gap<20": 1,
    });
    expect(r.drc_where["thermal_gap<20"]).toEqual([expect.stringMatching(/gap 10\.00 um$/)]);
    expect(r.drc_where["m2_along_waveguide>10"]).toEqual([expect.stringMatching(/ 20\.0 um$/)]);
    expect(r.drc.die_too_large).toBe(0);
    // the tiles' size changes nothing; planted fault: metal_along counting the edge pieces unjoined
    // finds the long lead as two pieces of 13 µm or less (no marker) and more crossings
    const small = batch.json<CheckResult>("review_small_tiles");
    expect(small.drc_tiles).toBeGreaterThan(1000);
    expect(small.drc).toEqual(r.drc);
    expect(small.drc_where).toEqual(r.drc_where);
    expect(small.metal_over_si.crossings).toBe(r.metal_over_si.crossings);
    expect(r.metal_over_si.crossings).toBeGreaterThan(1);
    expect((r as unknown as { die_max_mm: number[] }).die_max_mm).toEqual([26, 33]);
  });

  // the full tier: a second run of the deck on the file, about 2 s
  if (FULL)
    it("the die limit and the thermal gap are options: a 0.4 × 0.9 mm limit fails the 1 × 0.5 mm die, a 5 µm gap passes the 10 µm", () => {
      const small = batch.json<CheckResult>("review_small");
      expect(small.drc.die_too_large).toBe(1);
      expect(small.drc["thermal_gap<5"]).toBe(0);
    });
});

describe("the flat width and space check of the waveguide layer (scripts/klayout/flat_si_check.py)", () => {
  it("counts a planted 0.1 µm gap and a 0.3 µm strip as violations, passes a 0.2 µm gap, and sorts a route vertex's grid step and markers in a crossing core into their classes", () => {
    type Check = {
      markers: number;
      classes: Record<string, number>;
      closest_by_class_um: Record<string, number | null>;
      where: Record<string, string[]>;
    };
    const r = batch.json<Record<string, Check> & { violations: number }>("flat");
    // the path's two inner points each step 1 nm; the 0.5 µm across them is 0.2–1 nm short (grid)
    expect(r["space<0.2"]!.classes).toEqual({ crossing_core: 1, pin_joint: 0, route_vertex: 2, grid: 0, other: 1 });
    expect(r["space<0.2"]!.closest_by_class_um.other).toBeCloseTo(0.1, 6);
    expect(r["space<0.2"]!.where.other).toEqual([expect.stringMatching(/^0\.000,0\.500 d=0\.1000/)]);
    expect(r["width<0.5"]!.classes).toEqual({ crossing_core: 1, pin_joint: 0, route_vertex: 2, grid: 9, other: 1 });
    expect(r["width<0.5"]!.closest_by_class_um.grid).toBeGreaterThan(0.499);
    expect(r["width<0.5"]!.where.route_vertex).toContain("flat 56.145,40.301 step 1.0 nm");
    expect(r["width<0.5"]!.where.other).toEqual([expect.stringMatching(/^20\.000,0\.000 d=0\.3000/)]);
    // The EBeam Si rules, flat and as the PDK's deck runs them: the path's vertices are where
    // KLayout's conversion leaves its steps, each a spike that fails the 60 nm width and 70 nm
    // space (what optinc's outlines, written as polygons, never carry); nothing else fails them
    type Ebeam = Record<string, { markers: number; where: string[] }>;
    const ebeam = (r as unknown as { ebeam: Ebeam }).ebeam;
    expect(ebeam["ebeam_width<0.06"]!.markers).toBe(2);
    expect(ebeam["ebeam_space<0.07"]!.markers).toBe(2);
    expect(ebeam["ebeam_width<0.06"]!.where).toContain("(56103,40301;56145,40343)");
    expect(r.violations).toBe(2 + 4);
  });
});

describe("opt_in labels, read back by KLayout (docs/reference/layout-files.md §2.4)", () => {
  it("every input port's grating coupler carries opt_in_TE_1550_device_<design>_<port>, every output its port name", () => {
    const spec = netlistPortSpec(circuit.netlists[circuit.top]!, circuitLookup(circuit));
    const text = LAYER_MAPS.ebeam.text;
    const want = [...spec.inputs.map((p) => `opt_in_TE_1550_device_${circuit.top}_${p}`), ...spec.outputs].sort();
    expect(spec.inputs.length).toBeGreaterThan(0);
    expect(labelLayers[0]).toEqual(text);
    const [onText, onOther] = batch.json<string[][]>("labels");
    expect(onText).toEqual(want);
    // The check can fail: on another layer there are none.
    expect(onOther).toEqual([]);
  });
});

describe("the GDSII writer (layout/gds-write.ts) read back by KLayout", () => {
  it("reads back in KLayout: cells, shapes, texts, instances with names and transforms", () => {
    const r = batch.json<{ dbu: number; cells: string[]; tops: string[]; shapes: Record<string, string[]>; insts: string[][] }>("readback");
    expect(r.dbu).toBe(0.001);
    expect(r.cells).toEqual(["leaf", "top"]);
    expect(r.tops).toEqual(["top"]);
    expect(r.shapes["1/0"]).toEqual(["path (0,0;10653,0;20000,3250) w=500 bx=0 ex=0 r=false", "box (0,0;2000,1000)"]);
    expect(r.shapes["1/10"]).toEqual(["text ('o1',r0 0,0)"]);
    expect(r.insts).toEqual([
      ["a", "r0 5000,7500"],
      ["b", "r90 -3001,0"],
    ]);
  });
});

describe("scripts/klayout/batch.py runs every KLayout script of this file in one start", () => {
  it("reports a failing job as failed with its error, and runs every other job with the modules it imports afresh", () => {
    const failed = batch.statusOf("planted_failure");
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/RuntimeError: planted failure/);
    expect(() => batch.json("planted_failure")).toThrow(/planted failure/);
    for (const name of batch.names().filter((n) => n !== "planted_failure"))
      expect(batch.statusOf(name), name).toMatchObject({ ok: true, error: null });
    // the failed job set review_rules.THERMAL_GAP to 5; the deck after it read the module's 20
    for (const name of ["divide0", "review"]) {
      const keys = Object.keys(batch.json<CheckResult>(name).drc);
      expect(keys).toContain("thermal_gap<20");
      expect(keys).not.toContain("thermal_gap<5");
    }
  });
});
