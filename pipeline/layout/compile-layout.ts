// `optinc compile --layout`: the compile's output set laid out before it is written (the same
// layout as `optinc layout`, pipeline/layout/layout.ts), its files joining the set, and what the report
// shows of it: report.json's `layout` and report.html's "Layout" section (the chip picture, die
// area, heaters and pads, optical I/O, crossings, longest path). docs/reference/layout-files.md §7.
import type { ChipStats } from "../../layout/chip.ts";
import type { LayoutSection } from "../../verify/report/types.ts";
import { withPads } from "../../netlist/formats/port-map.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { pathLossBudget, type PathLoss } from "../../layout/path-loss.ts";
import { layoutFiles, layoutRows } from "./layout.ts";

/** One design's optical loss as drawn (layout/path-loss.ts): its most lossy whole optical path. */
export interface DesignLoss {
  design: string;
  worst: PathLoss;
}

/** report.json `layout`: the layout summary's figures and the file they describe. */
export interface LayoutSummary extends ChipStats {
  gds: string;
  pdk: "ebeam";
  topCell: string;
  /** The loss budget of the drawn designs: routes, crossings and junctions on each design's most lossy path. */
  lossBudget: DesignLoss[];
}

export interface CompileLayout {
  /** `<name>.gds`, `<name>.pads.json`, `<name>.layout.json`, `<design>.drawn-netlist.json`, and
   * each `<design>.ports.json` again, with its `pads`. */
  files: Map<string, string | Uint8Array>;
  summary: LayoutSummary;
  section: LayoutSection;
}

/** Lay out the emitted netlists and chip files of a compile (`dir` names them in messages). */
export function layoutOfCompile(dir: string, name: string, emitted: ReadonlyMap<string, string>): CompileLayout {
  const out = layoutFiles(dir, emitted, { pdk: "ebeam", reportSvg: true });
  const files = new Map<string, string | Uint8Array>([
    [`${name}.gds`, out.gds],
    [`${name}.pads.json`, out.padMap],
    [`${name}.layout.json`, out.summary],
    ...[...out.drawn].map(([design, text]): [string, string] => [`${design}.drawn-netlist.json`, text]),
  ]);
  // each design's port map gains its copies' heater pads
  for (const [design, pads] of out.padsByDesign) {
    const ports = emitted.get(`${design}.ports.json`);
    if (ports !== undefined) files.set(`${design}.ports.json`, withPads(ports, pads));
  }
  const lossBudget = [...out.drawn].flatMap(([design, text]) => {
    const b = pathLossBudget(readNetlistJson(text));
    return b ? [{ design, worst: b.worst }] : [];
  });
  const summary: LayoutSummary = { gds: `${name}.gds`, pdk: "ebeam", topCell: out.topCell, ...out.stats, lossBudget };
  return { files, summary, section: layoutSection(summary, out.reportSvg!) };
}

/** The report's Layout section: every figure from the summary, in the words of docs/design/layout.md. */
export function layoutSection(s: LayoutSummary, svg: string): LayoutSection {
  return {
    svg,
    rows: [...layoutRows(s), ...lossRows(s.lossBudget)],
    caption: `${s.gds} (${s.pdk} layer map, top cell ${s.topCell}): every cell copy a box, sub-circuits inside it, routes as red lines (boxes only above 20,000 routes). Each heater has its own signal bump and shares its column's ground bump, in bump fields above and below each mesh; the pad map is ${s.gds.replace(/\.gds$/, ".pads.json")}, and each design's ports.json lists its own. Check the file with scripts/klayout/check_layout.py (docs/guide/layout.md).`,
  };
}

/** The loss budget rows: each design's most lossy path, and what its loss comes from. */
export function lossRows(budget: DesignLoss[]): { item: string; value: string }[] {
  const part = (p: PathLoss): string =>
    `${p.totalDb.toFixed(2)} dB (routes ${p.routeDb.toFixed(2)} dB over ${p.routeMm.toFixed(2)} mm, ${p.crossingCells} crossings and junctions ${p.crossingDb.toFixed(2)} dB)`;
  return budget.map((d) => ({
    item: `layout loss, ${d.design}: most lossy path`,
    value: part(d.worst),
  }));
}
