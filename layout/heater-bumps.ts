// The electrical side of one placed netlist: each column's heaters get their leads (leads.ts) and
// the bump fields above and below the mesh (bumps.ts), one signal bump per heater and one ground
// per column (docs/design/layout.md §6).
import { boundsOf, pin, type BumpInfo, type HeaterBumps, type LayoutCell, type Shape } from "./cell.ts";
import { bumpField } from "./bumps.ts";
import { meshLeads, type HeaterColumn } from "./leads.ts";
import { snap, type Pt } from "./geometry.ts";

/**
 * Most heaters in a netlist whose grounds' fields are chosen: each try lays out the leads and both
 * fields again, once per column and direction (a closed-form sub-circuit has up to about 130
 * heaters; a trained mesh has thousands, and keeps every ground up).
 */
const GROUND_CHOICE_MAX = 1000;

/** Draw the leads and bump fields of the netlist's own heaters into `shapes`; their bumps, if any. */
export function heaterBumps(
  cols: ({ kind: "node"; node: number } | { kind: "dummy"; edge: number })[][],
  colX: number[],
  colW: number[],
  splitLen: number[],
  nodes: readonly { name: string; cell: LayoutCell | null }[],
  origin: Map<number, Pt>,
  mesh: { x0: number; y0: number; x1: number; y1: number },
  shapes: Shape[],
): BumpInfo | undefined {
  const columns: HeaterColumn[] = cols.map((items, c) => {
    const right = snap(colX[c]! + colW[c]!);
    const zone: [number, number] | undefined = splitLen[c] ? [snap(colX[c]! + splitLen[c]!), snap(right - splitLen[c]!)] : undefined;
    const heaters = items.flatMap((it) => {
      if (it.kind !== "node" || nodes[it.node]!.cell?.kind !== "phase") return [];
      const o = origin.get(it.node)!;
      const mirrored = zone !== undefined && o[0] >= zone[1] - 1e-6;
      return [{ name: nodes[it.node]!.name, x: o[0], y: o[1], length: pin(nodes[it.node]!.cell!, "o2").x, mirrored }];
    });
    return { x: colX[c]!, right, heaters, ...(zone ? { zone } : {}) };
  });
  const count = columns.reduce((a, c) => a + c.heaters.length, 0);
  if (!count) return undefined;
  // each column's ground goes to the field where it makes the netlist's box smaller (a ground lead
  // beside a column's lanes can add a jog track to their fan-out): one column at a time, while that helps
  const fields = (down: boolean[]) => {
    const leads = meshLeads(columns, down);
    // a top or bottom heater's lead runs beside its contact, past the cells: the fields start past it
    const m2 = boundsOf(leads.shapes, [], []);
    const top = bumpField(leads.up, 1, Math.max(mesh.y1, m2.y1), mesh.x0, mesh.x1);
    const bottom = bumpField(leads.down, -1, Math.min(mesh.y0, m2.y0), mesh.x0, mesh.x1);
    // the netlist's box with these fields (a field may run past the mesh)
    const w = Math.max(mesh.x1, top.right, bottom.right) - mesh.x0;
    return { leads, top, bottom, area: (mesh.y1 - mesh.y0 + top.height + bottom.height) * w };
  };
  // from all grounds up and from all down, the smaller
  let best: ReturnType<typeof fields> | undefined;
  const choose = count <= GROUND_CHOICE_MAX;
  for (const start of choose ? [false, true] : [false]) {
    const down = columns.map(() => start);
    let here = fields(down);
    if (choose)
      columns.forEach((col, c) => {
        if (!col.heaters.length) return;
        down[c] = !start;
        const f = fields(down);
        if (f.area < here.area - 1e-9) here = f;
        else down[c] = start;
      });
    if (!best || here.area < best.area - 1e-9) best = here;
  }
  const { leads, top, bottom } = best!;
  shapes.push(...leads.shapes, ...top.shapes, ...bottom.shapes);
  const at = (net: string): Pt => top.bumps.get(net) ?? bottom.bumps.get(net)!;
  const heaters = new Map<string, HeaterBumps>();
  columns.forEach((col, c) => {
    for (const h of col.heaters) heaters.set(h.name, { signal: at(`s:${h.name}`), ground: at(h.mirrored ? `g:${c}r` : `g:${c}`) });
  });
  const ground = columns.filter((c) => c.heaters.length).length + columns.filter((c) => c.zone).length;
  return { heaters, signal: count, ground, sites: top.sites + bottom.sites };
}
