// Monitor photodiodes of a closed-form cell (design for calibration), as its circuit
// info states them. The lab calibration (compiler/calibrate/lab/) reads photodiodes on terminators the
// cell already discards light into: every attenuator's dump `e<i>_dump` (its θ fringe, and the meter
// of the row it feeds) and, per meta-MZI pair, the fan-in dump `to<i>` where the pair interferes. A
// photodiode on a terminator adds no loss, so every simulation is unchanged by them.
//
// Info entries (written by compile for spec `calibration { monitors = auto }` on a closed-form cell;
// absent otherwise, so a design without monitors keeps the bytes it had before monitors existed):
//   monitors        string   "auto"
//   monitor_sites   string   the monitored terminators, comma-separated, each "<top instance>/<terminator>"
//                            ("threshold/e4_dump"; a terminator inside a sub-circuit instance is
//                            "<top instance>/<instance>__<terminator>")
// The port map (netlist/formats/port-map.ts) and the compile report list them; readers other than compile
// take the absence of `monitors` to mean a design without monitor photodiodes.
import type { Circuit, Netlist, PortMapMonitor } from "../ir.ts";

export type MonitorKind = "dump" | "tree";

/** What calibration reads each kind of monitor for. */
export const MONITOR_READS: Readonly<Record<MonitorKind, string>> = {
  dump: "theta fringe and row meter",
  tree: "meta-MZI",
};

/** The kind of a monitor site from its terminator's name: an attenuator dump, or a fan-in (tree) dump. */
export function monitorKind(site: string): MonitorKind {
  return site.endsWith("_dump") ? "dump" : "tree";
}

/** The info entries of a cell's monitors (none for an empty list: the info stays as it was). */
export function writeMonitorInfo(sites: readonly string[]): Record<string, string> {
  if (sites.length === 0) return {};
  for (const s of sites)
    if (!/^[^/,]+\/[^/,]+$/.test(s)) throw new Error(`monitor site "${s}" is not "<instance>/<terminator>" without commas`);
  return { monitors: "auto", monitor_sites: sites.join(",") };
}

/** The monitor sites a circuit's info lists ([] when it has none: `monitors` absent). */
export function readMonitorInfo(info: Readonly<Record<string, unknown>>): string[] {
  if (info.monitors === undefined) return [];
  if (info.monitors !== "auto") throw new Error(`info monitors must be "auto" when present, got ${JSON.stringify(info.monitors)}`);
  const s = info.monitor_sites;
  if (typeof s !== "string" || s === "") throw new Error('info monitors = "auto" needs a non-empty monitor_sites string');
  return s.split(",");
}

/** Monitor counts by kind. */
export function monitorCounts(sites: readonly string[]): { count: number; dumps: number; fanIn: number } {
  const dumps = sites.filter((s) => monitorKind(s) === "dump").length;
  return { count: sites.length, dumps, fanIn: sites.length - dumps };
}

/**
 * The circuit's monitors with the netlist terminator each sits on, for the port map. Throws when a
 * listed site is not a terminator of the circuit (an info block edited out of step with the netlist).
 */
export function circuitMonitors(circuit: Circuit): PortMapMonitor[] {
  const top = circuit.netlists[circuit.top];
  if (!top) throw new Error(`circuit "${circuit.name}": top netlist "${circuit.top}" is missing`);
  return readMonitorInfo(circuit.info).map((name) => {
    const [part, leaf] = name.split("/") as [string, string];
    const where = terminatorOf(circuit, top, part, leaf);
    if (!where) throw new Error(`circuit "${circuit.name}": info monitor_sites lists ${name}, which is not a terminator of the circuit`);
    const kind = monitorKind(leaf);
    return { name, kind, netlist: where.netlist, terminator: where.instance, reads: MONITOR_READS[kind] };
  });
}

/** The netlist and instance of terminator `leaf` (a flattened path, "a__b") under top instance `part`. */
function terminatorOf(circuit: Circuit, top: Netlist, part: string, leaf: string): { netlist: string; instance: string } | undefined {
  let netlist = top.instances[part]?.component;
  const path = leaf.split("__");
  for (let i = 0; netlist !== undefined && i < path.length; i++) {
    const n = circuit.netlists[netlist];
    const inst = n?.instances[path[i]!];
    if (!inst) return undefined;
    if (i === path.length - 1) return inst.component === "terminator" ? { netlist, instance: path[i]! } : undefined;
    netlist = inst.component;
  }
  return undefined;
}
