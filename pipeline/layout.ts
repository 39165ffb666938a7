// `optinc layout`: the compiled circuits of an output directory → one GDSII library (the chip and
// every cell design), the heater pad map and a summary. Reads only emitted files: every
// `<name>.netlist.json` and, for a closed-form aggregator, its `<name>.chip.json` files.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { ChipFileError, readChipJson } from "../aggregate/chip-file.ts";
import { LAYOUT } from "../codes/catalogue.ts";
import { NetlistReadError } from "../netlist/errors.ts";
import { readNetlistJson, writeNetlistJson } from "../netlist/json-io.ts";
import { DEFAULT_LENGTH_ENCODING, type LengthEncoding } from "../netlist/spice-dialect.ts";
import { layoutChip, writePadMap, type ChipInput, type ChipStats } from "../layout/chip.ts";
import { LayoutError } from "../layout/design.ts";
import { writeGds } from "../layout/gds-write.ts";
import { LAYER_MAPS, type PdkName } from "../layout/layers.ts";
import { toLibrary } from "../layout/library.ts";
import { chipSvg } from "../layout/svg.ts";

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
}

export interface LayoutOutput {
  name: string;
  gds: Uint8Array;
  padMap: string;
  summary: string;
  /** The HTML summary with the chip picture. */
  html: string;
  /** Each design's netlist as drawn (crossings included), by design stem. */
  drawn: Map<string, string>;
  stats: ChipStats;
  topCell: string;
}

const MAX_BYTES = 256 * 1024 * 1024;

function readText(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new LayoutInputError(LAYOUT_CODES.notFound, `${path}: no such file`, "check the path");
  }
  if (!st.isFile() || st.size > MAX_BYTES)
    throw new LayoutInputError(
      LAYOUT_CODES.notFound,
      `${path}: not a regular file of at most ${MAX_BYTES / 1024 ** 2} MB`,
      "pass the output directory of optinc compile",
    );
  return readFileSync(path, "utf8");
}

/** Read the compiled directory (or one netlist file) into the chip description. */
export function readCompiled(target: string): ChipInput {
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
  const netlists = files.filter((f) => f.endsWith(".netlist.json"));
  if (!netlists.length)
    throw new LayoutInputError(
      LAYOUT_CODES.noNetlist,
      `${target}: no *.netlist.json here`,
      "run optinc compile first and pass the directory it wrote",
    );
  const designs = netlists.map((f) => {
    const path = join(dir, f);
    const text = readText(path);
    try {
      return { stem: f.slice(0, -".netlist.json".length), circuit: readNetlistJson(text, path) };
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
  const chips = files
    .filter((f) => f.endsWith(".chip.json"))
    .map((f) => {
      const path = join(dir, f);
      try {
        const c = readChipJson(readText(path), path);
        return { name: c.name, copies: c.chip.cells.map((cell, i) => ({ name: cell.name, design: c.designs[i]! })) };
      } catch (e) {
        if (e instanceof ChipFileError)
          throw new LayoutInputError(LAYOUT_CODES.badChip, e.message, "re-run optinc compile to regenerate the chip file", {
            file: e.file,
            line: e.line,
            column: e.col,
          });
        throw e;
      }
    });
  const spec = designs.map((d) => d.circuit.info.spec_name).find((s) => typeof s === "string") as string | undefined;
  return { name: spec ?? designs[0]!.circuit.name, designs, chips };
}

/** Lay out a compiled directory: pure after reading, deterministic bytes. */
export function layoutCompiled(target: string, opts: LayoutOptions): LayoutOutput {
  const input = readCompiled(target);
  try {
    const chip = layoutChip(input, opts.length ?? DEFAULT_LENGTH_ENCODING, opts.cell);
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
    return { name, gds, padMap: writePadMap(name, chip.padMap), summary, html, drawn, stats: chip.stats, topCell: chip.top.name };
  } catch (e) {
    if (e instanceof LayoutError)
      throw new LayoutInputError(
        opts.cell && /no cell design/.test(e.message) ? LAYOUT_CODES.noSuchCell : LAYOUT_CODES.cannotDraw,
        e.message,
        opts.cell ? "pass a design stem listed above with --cell" : "lay out a circuit compiled by optinc compile",
      );
    throw e;
  }
}

/** The HTML summary: the figures and the chip picture (layout/svg.ts). */
export function layoutHtml(
  name: string,
  stats: ChipStats,
  svg: string,
  designs: { design: string; widthUm: number; heightUm: number; crossings: number; routes: number }[],
): string {
  const esc = (t: string): string => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const rows: [string, string][] = [
    ["die", `${(stats.dieWidthUm / 1000).toFixed(2)} × ${(stats.dieHeightUm / 1000).toFixed(2)} mm = ${stats.dieAreaMm2.toFixed(1)} mm²`],
    ["cell designs / copies", `${stats.designs} / ${stats.copies}`],
    ["heaters / bond pads", `${stats.heaters} / ${stats.pads} (pad map: .pads.json)`],
    ["optical I/O", String(stats.opticalIo)],
    ["waveguide crossings", String(stats.crossings)],
    [
      "longest waveguide path",
      `${stats.longestPathMm.toFixed(2)} mm, ${stats.longestPathLossDb.toFixed(2)} dB at ${stats.lossDbPerCm} dB/cm (assumed)`,
    ],
    ["routes; largest distance from whole periods", `${stats.routes}; ${stats.maxRouteResidualNm.toFixed(2)} nm`],
  ];
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${esc(name)} layout</title>`,
    "<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}svg{max-width:100%;height:auto}</style></head><body>",
    `<h1>${esc(name)}: layout</h1>`,
    `<p>Written by <code>optinc layout</code>; docs/layout.md explains every number. Check the GDSII file with <code>klayout -b -r scripts/klayout/check_layout.py</code>.</p>`,
    `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>`,
    `<h2>Chip</h2>`,
    svg,
    `<h2>Designs</h2>`,
    `<table><tr><th>design</th><th>width µm</th><th>height µm</th><th>crossings</th><th>routes</th></tr>${designs.map((d) => `<tr><td>${esc(d.design)}</td><td>${d.widthUm.toFixed(0)}</td><td>${d.heightUm.toFixed(0)}</td><td>${d.crossings}</td><td>${d.routes}</td></tr>`).join("")}</table>`,
    "</body></html>",
    "",
  ].join("\n");
}
