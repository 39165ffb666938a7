// `optinc layout`: the compiled circuits of an output directory → one GDSII library (the chip and
// every cell design), the heater pad map and a summary. Reads only emitted files: every
// `<name>.netlist.json` and, for a closed-form aggregator, its `<name>.chip.json` files.
import { CROSSING_LOSS_DB } from "../../layout/cells.ts";
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { ChipFileError, inCascadeOrder, readChipJson } from "../../aggregate/chip-file.ts";
import { LAYOUT } from "../../codes/catalogue.ts";
import { notText } from "../../math/not-text.ts";
import { readInputTextSync } from "../../runtime/input-file.ts";
import { NetlistReadError } from "../../netlist/formats/read-error.ts";
import type { PortMapPad } from "../../netlist/ir.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { DEFAULT_LENGTH_ENCODING, type LengthEncoding } from "../../netlist/formats/spice-dialect.ts";
import { layoutChip, writePadMap, type ChipInput, type ChipStats } from "../../layout/chip.ts";
import { LayoutError } from "../../layout/layout-error.ts";
import { writeGds } from "../../layout/gds-write.ts";
import { LAYER_MAPS, type PdkName } from "../../layout/layers.ts";
import { toLibrary } from "../../layout/library.ts";
import { chipSvg, esc } from "../../layout/svg.ts";

/** Stable codes of layout's input problems (codes/catalogue.ts, OPT8xxx). */
export const LAYOUT_CODES = LAYOUT;

export class LayoutInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
    readonly where: { file: string; line: number; column: number } | null = null,
  ) {
    super(message);
  }
}

export interface LayoutOptions {
  pdk: PdkName;
  /** Draw one cell design only (its stem, e.g. `add0` or `paper_4x8.add0`). */
  cell?: string;
  length?: LengthEncoding;
  /** Also draw the chip picture for the compile report (inline SVG: `reportSvg`). */
  reportSvg?: boolean;
  /** Sub-circuit ports in their neighbours' order (layout/port-order.ts; on unless false, docs/design/layout.md §7.3). */
  portOrder?: boolean;
  /** A heater strip's gap to the next cell's Si in its column, µm (default 20, the thermal gap; docs/design/layout.md §4.2). */
  heaterClearance?: number;
  /** Heater columns staggered where that gives a smaller cell (layout/stagger.ts; on unless false). */
  stagger?: boolean;
}

export interface LayoutOutput {
  name: string;
  gds: Uint8Array;
  padMap: string;
  /** The pad map's entries of each design's copies, by design stem (for its port map). */
  padsByDesign: Map<string, PortMapPad[]>;
  summary: string;
  /** The HTML summary with the chip picture. */
  html: string;
  /** Each design's netlist as drawn (crossings included), by design stem. */
  drawn: Map<string, string>;
  stats: ChipStats;
  topCell: string;
  /** The chip picture to sit inline in report.html, when asked for (LayoutOptions.reportSvg). */
  reportSvg: string | null;
}

const MAX_BYTES = 256 * 1024 * 1024;

/** An emitted file's text through the one input reader (runtime/input-file.ts): regular, bounded, strict UTF-8. */
function readText(path: string): string {
  const r = readInputTextSync(path, MAX_BYTES);
  if ("text" in r) return r.text;
  const bad = notText(path, basename(path), r);
  if (bad) throw new LayoutInputError(bad.code, bad.message, bad.hint, bad.where);
  throw new LayoutInputError(
    LAYOUT_CODES.notFound,
    `${path}: cannot read (${r.error === "ENOENT" ? "no such file" : r.error})`,
    "pass the output directory of optinc compile",
    { file: path, line: 1, column: 1 },
  );
}

/** Read the compiled directory (or one netlist file) into the chip description. */
export function readCompiled(target: string): ChipInput {
  return readCompiledAt(target).input;
}

/** The chip description and the directory its files are in (a file's own directory). */
function readCompiledAt(target: string): { input: ChipInput; dir: string } {
  let dir = target;
  let files: string[];
  try {
    if (statSync(target).isDirectory()) files = readdirSync(target).sort();
    else {
      dir = join(target, "..");
      files = [basename(target)];
    }
  } catch {
    throw new LayoutInputError(
      LAYOUT_CODES.notFound,
      `${target}: no such file or directory`,
      "pass the output directory of optinc compile",
    );
  }
  return { input: chipInput(target, files, (f) => join(dir, f), readText), dir };
}

/**
 * The chip description from a compiled output set: its netlists and chip files, by file name
 * (`path` names a file in messages, `text` reads it).
 */
function chipInput(target: string, files: string[], path: (f: string) => string, text: (path: string) => string): ChipInput {
  const netlists = files.filter((f) => f.endsWith(".netlist.json"));
  if (!netlists.length)
    throw new LayoutInputError(
      LAYOUT_CODES.noNetlist,
      `${target}: no *.netlist.json here`,
      "run optinc compile first and pass the directory it wrote",
    );
  const designs = netlists.map((f) => {
    try {
      return { stem: f.slice(0, -".netlist.json".length), circuit: readNetlistJson(text(path(f)), path(f)) };
    } catch (e) {
      if (e instanceof NetlistReadError)
        throw new LayoutInputError(LAYOUT_CODES.badNetlist, `${e.what} (${e.code})`, e.fix, {
          file: e.file,
          line: e.line,
          column: e.column,
        });
      throw e;
    }
  });
  const chips = inCascadeOrder(files.filter((f) => f.endsWith(".chip.json"))).map((f) => {
    try {
      const c = readChipJson(text(path(f)), path(f));
      return {
        name: c.name,
        copies: c.chip.cells.map((cell, i) => ({ name: cell.name, design: c.designs[i]! })),
        units: 1,
        workers: c.chip.workers,
        divisor: c.unit.divisor,
      };
    } catch (e) {
      if (e instanceof ChipFileError)
        throw new LayoutInputError(LAYOUT_CODES.badChip, e.reason, "re-run optinc compile to regenerate the chip file", {
          file: e.file,
          line: e.line,
          column: e.col,
        });
      throw e;
    }
  });
  const spec = designs.map((d) => d.circuit.info.spec_name).find((s) => typeof s === "string") as string | undefined;
  const units = cascadeUnits(chips);
  return {
    name: spec ?? designs[0]!.circuit.name,
    designs,
    chips: chips.map(({ name, copies }) => ({ name, copies, units: units.get(name) ?? 1 })),
  };
}

/**
 * The units of each level of a cascade (docs/reference/chip-files.md §4), from its chip files alone: the top
 * level's divisor is the worker count N and level 1's `workers` the radix r, and level l has
 * ⌈(units of level l − 1) / r⌉ units, level 0 being the N workers. A single chip file is one unit.
 */
export function cascadeUnits(chips: { name: string; workers: number; divisor: number }[]): Map<string, number> {
  const level = (name: string): number => Number(/\.L(\d+)$/.exec(name)?.[1] ?? 0);
  const levels = chips.filter((c) => level(c.name) > 0).sort((a, b) => level(a.name) - level(b.name));
  const out = new Map<string, number>();
  if (levels.length < 2) return out;
  const radix = levels[0]!.workers;
  let inputs = levels.at(-1)!.divisor;
  for (const c of levels) {
    inputs = Math.ceil(inputs / radix);
    out.set(c.name, c === levels.at(-1) ? 1 : inputs);
  }
  return out;
}

/** Lay out a compile's output set before it is written (optinc compile --layout): its files by name. */
export function layoutFiles(dir: string, files: ReadonlyMap<string, string>, opts: LayoutOptions): LayoutOutput {
  const input = chipInput(
    dir,
    [...files.keys()].sort(),
    (f) => join(dir, f),
    (p) => files.get(basename(p))!,
  );
  return layoutInput(input, opts, dir);
}

/** Lay out a compiled directory: pure after reading, deterministic bytes. */
export function layoutCompiled(target: string, opts: LayoutOptions): LayoutOutput {
  const { input, dir } = readCompiledAt(target);
  return layoutInput(input, opts, dir);
}

function layoutInput(input: ChipInput, opts: LayoutOptions, dir: string): LayoutOutput {
  try {
    const chip = layoutChip(
      input,
      opts.length ?? DEFAULT_LENGTH_ENCODING,
      opts.cell,
      undefined,
      opts.portOrder ?? true,
      opts.heaterClearance,
      opts.stagger ?? true,
    );
    const name = opts.cell ? `${input.name}_${opts.cell}` : input.name;
    const gds = writeGds(toLibrary(name.replace(/[^\x20-\x7e]/g, "_"), chip.top, LAYER_MAPS[opts.pdk]));
    const designs = [...chip.designs].map(([stem, d]) => ({
      design: stem,
      cell: d.top.name,
      widthUm: d.top.bbox.x1 - d.top.bbox.x0,
      heightUm: d.top.bbox.y1 - d.top.bbox.y0,
      crossings: d.crossings,
      routes: d.segments.length,
    }));
    const summary =
      JSON.stringify(
        { format: "optinc.layout/1", chip: name, topCell: chip.top.name, pdk: opts.pdk, stats: chip.stats, designs },
        null,
        1,
      ) + "\n";
    const html = layoutHtml(name, chip.stats, chipSvg(chip.top), designs);
    const drawn = new Map([...chip.designs].map(([stem, d]) => [stem, writeNetlistJson(d.drawn)]));
    const stemOf = new Map([...chip.designs].map(([stem, d]) => [d.top, stem]));
    const designOf = new Map(chip.top.refs.map((r) => [r.name, stemOf.get(r.cell)!]));
    const padsByDesign = new Map<string, PortMapPad[]>([...chip.designs.keys()].map((stem) => [stem, []]));
    for (const e of chip.padMap) padsByDesign.get(designOf.get(e.copy)!)!.push(e);
    return {
      name,
      gds,
      padMap: writePadMap(name, chip.padMap),
      padsByDesign,
      summary,
      html,
      drawn,
      stats: chip.stats,
      topCell: chip.top.name,
      reportSvg: opts.reportSvg ? chipSvg(chip.top, 1200, false) : null,
    };
  } catch (e) {
    if (e instanceof LayoutError)
      throw new LayoutInputError(
        opts.cell && /no cell design/.test(e.message) ? LAYOUT_CODES.noSuchCell : LAYOUT_CODES.cannotDraw,
        e.message,
        opts.cell ? "pass a design stem listed above with --cell" : "lay out a circuit compiled by optinc compile",
        // The design's own netlist file, when one design cannot be drawn.
        e.design !== undefined ? { file: join(dir, `${e.design}.netlist.json`), line: 1, column: 1 } : null,
      );
    throw e;
  }
}

/** The chip's figures as the HTML summary and the compile report show them (docs/reference/layout-files.md §4). */
export function layoutRows(s: ChipStats): { item: string; value: string }[] {
  const mm = (um: number): string => (um / 1000).toFixed(2);
  return [
    { item: "die", value: `${mm(s.dieWidthUm)} × ${mm(s.dieHeightUm)} mm = ${s.dieAreaMm2.toFixed(1)} mm²` },
    { item: "cell designs / copies", value: `${s.designs} / ${s.copies}` },
    {
      item: "heaters / flip-chip bumps",
      value: `${s.heaters} / ${s.pads} (${s.signalBumps} signal + ${s.groundBumps} ground, of ${s.bumpSites} sites at ${s.bumpPitchUm} µm pitch)`,
    },
    { item: "heater clearance / staggered heater columns", value: `${s.heaterClearanceUm} µm / ${s.staggeredColumns}` },
    { item: "optical I/O (grating couplers, bias lasers)", value: String(s.opticalIo) },
    { item: "waveguide crossings / loss-matched junctions", value: `${s.crossings} / ${s.junctions} at ${CROSSING_LOSS_DB} dB each` },
    {
      item: "longest waveguide path",
      value: `${s.longestPathMm.toFixed(2)} mm, ${s.longestPathLossDb.toFixed(2)} dB at ${s.lossDbPerCm} dB/cm (assumed)`,
    },
  ];
}

/** The HTML summary: the figures and the chip picture (layout/svg.ts). */
export function layoutHtml(
  name: string,
  stats: ChipStats,
  svg: string,
  designs: { design: string; widthUm: number; heightUm: number; crossings: number; routes: number }[],
): string {
  const rows: [string, string][] = [
    ...layoutRows(stats).map((r): [string, string] => [r.item, r.value]),
    ["routes; largest distance from whole periods", `${stats.routes}; ${stats.maxRouteResidualNm.toFixed(2)} nm`],
  ];
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${esc(name)} layout</title>`,
    "<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}svg{max-width:100%;height:auto}</style></head><body>",
    `<h1>${esc(name)}: layout</h1>`,
    `<p>Written by <code>optinc layout</code>; docs/design/layout.md explains every number. Check the GDSII file with <code>klayout -b -r scripts/klayout/check_layout.py</code>.</p>`,
    `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>`,
    `<h2>Chip</h2>`,
    svg,
    `<h2>Designs</h2>`,
    `<table><tr><th>design</th><th>width µm</th><th>height µm</th><th>crossings</th><th>routes</th></tr>${designs.map((d) => `<tr><td>${esc(d.design)}</td><td>${d.widthUm.toFixed(0)}</td><td>${d.heightUm.toFixed(0)}</td><td>${d.crossings}</td><td>${d.routes}</td></tr>`).join("")}</table>`,
    "</body></html>",
    "",
  ].join("\n");
}
