// Layout cells → a GDSII library: every cell reachable from the top, children first, shapes mapped
// through a PDK layer map, instance names as SREF property 1.
import type { GdsElement, GdsLibrary, GdsStructure } from "./gds-write.ts";
import type { LayoutCell } from "./cell.ts";
import type { LayerMap } from "./layers.ts";

/** GDSII property attribute that carries an SREF's instance name. */
export const INSTANCE_NAME_PROPERTY = 1;

export function toLibrary(name: string, top: LayoutCell, layers: LayerMap): GdsLibrary {
  const order: LayoutCell[] = [];
  const seen = new Map<string, LayoutCell>();
  const visit = (c: LayoutCell): void => {
    const s = seen.get(c.name);
    if (s) {
      if (s !== c) throw new Error(`two different cells are named "${c.name}"`);
      return;
    }
    seen.set(c.name, c);
    for (const r of c.refs) visit(r.cell);
    order.push(c);
  };
  visit(top);
  return { name, structures: order.map((c) => structure(c, layers)) };
}

function structure(c: LayoutCell, layers: LayerMap): GdsStructure {
  const elements: GdsElement[] = [];
  for (const s of c.shapes) {
    const [layer, datatype] = layers[s.layer];
    if (s.kind === "box")
      elements.push({
        kind: "boundary",
        layer,
        datatype,
        points: [
          [s.x0, s.y0],
          [s.x1, s.y0],
          [s.x1, s.y1],
          [s.x0, s.y1],
        ],
      });
    else if (s.kind === "polygon") elements.push({ kind: "boundary", layer, datatype, points: s.points });
    else if (s.kind === "path") elements.push({ kind: "path", layer, datatype, width: s.width, points: s.points });
    else if (s.kind === "route") elements.push({ kind: "path", layer, datatype, width: s.width, points: s.nm });
    else elements.push({ kind: "text", layer, texttype: datatype, at: s.at, text: s.text });
  }
  for (const r of c.refs) elements.push({ kind: "sref", cell: r.cell.name, at: r.at, properties: [[INSTANCE_NAME_PROPERTY, r.name]] });
  return { name: c.name, elements };
}
