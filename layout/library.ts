// Layout cells → a GDSII library: every cell reachable from the top, children first, shapes mapped
// through a PDK layer map, instance names as SREF property 1. A waveguide (a path or a route on
// Si) is written twice: its outline as a polygon on Si, computed here once on the nm grid
// (outline.ts), which is what is fabricated and what every reader sees; and its spine as a path on
// the Waveguide layer (not fabricated), from which the KLayout check reads bends, lengths and
// connections and which it checks against the Si (docs/reference/drc-rules.md).
import type { GdsElement, GdsLibrary, GdsStructure } from "./gds-write.ts";
import type { LayoutCell } from "./cell.ts";
import type { LayerMap } from "./layers.ts";
import { DBU_PER_UM, toDbu } from "./gds-write.ts";
import { MAX_SPINE_POINTS, outline } from "./outline.ts";
import { pack } from "./route-shape.ts";

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
    else if (s.kind === "path" || s.kind === "route") {
      const nm = distinct(s.kind === "route" ? s.nm : pack(s.points));
      if (s.layer !== "si") {
        elements.push({ kind: "path", layer, datatype, width: s.width, points: nm });
        continue;
      }
      if (nm.length / 2 > MAX_SPINE_POINTS)
        throw new Error(
          `a waveguide of ${nm.length / 2} points: its outline exceeds the GDSII limit (at most ${MAX_SPINE_POINTS} spine points)`,
        );
      const w = toDbu(s.width);
      if (w % 2) throw new Error(`waveguide width ${s.width} µm is not an even number of nm`);
      elements.push({ kind: "boundary", layer, datatype, points: outline(nm, w) });
      const [sl, sd] = layers.waveguide;
      elements.push({ kind: "path", layer: sl, datatype: sd, width: w / DBU_PER_UM, points: nm });
    } else elements.push({ kind: "text", layer, texttype: datatype, at: s.at, text: s.text });
  }
  for (const r of c.refs) elements.push({ kind: "sref", cell: r.cell.name, at: r.at, properties: [[INSTANCE_NAME_PROPERTY, r.name]] });
  return { name: c.name, elements };
}

/** The points without consecutive repeats (a cell's curve may repeat a point on the nm grid). */
function distinct(nm: Int32Array): Int32Array {
  let k = 2;
  for (let i = 2; i < nm.length; i += 2) if (nm[i] !== nm[k - 2] || nm[i + 1] !== nm[k - 1]) k += 2;
  if (k === nm.length) return nm;
  const out = new Int32Array(k);
  out[0] = nm[0]!;
  out[1] = nm[1]!;
  k = 2;
  for (let i = 2; i < nm.length; i += 2)
    if (nm[i] !== out[k - 2] || nm[i + 1] !== out[k - 1]) {
      out[k++] = nm[i]!;
      out[k++] = nm[i + 1]!;
    }
  return out;
}
