// An unheated section (a waveguide with `unheated: 1`, netlist/die/heaters.ts siteLeaves) is a plain
// waveguide of whole periods at phase 0, so the route between its neighbours draws it: the layout
// takes the section out of its netlist and joins what fed it to what it fed. A cell of its own would
// cost a column and a channel (docs/design/layout.md §9.1). A section between two ports of
// the netlist stays a cell: a port cannot be joined to a port.
import type { Netlist } from "../netlist/ir.ts";
import { isUnheatedSection } from "../netlist/models.ts";
import { LayoutError } from "./layout-error.ts";

const instOf = (ref: string): string => ref.slice(0, ref.lastIndexOf(","));

/** The netlist with every unheated section taken out, what fed it joined to what it fed. */
export function withoutUnheated(nl: Netlist): Netlist {
  // Each pin's peer: the pin at the other end of its connection, or "port:<name>".
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(nl.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  for (const [p, ref] of Object.entries(nl.ports)) peer.set(ref, `port:${p}`);
  const gone = new Set<string>();
  const upstream = new Set<string>(); // the ends that fed a section: each new link starts there
  for (const [n, inst] of Object.entries(nl.instances)) {
    if (!isUnheatedSection(inst)) continue;
    const a = peer.get(`${n},o1`);
    const b = peer.get(`${n},o2`);
    if (a === undefined || b === undefined)
      throw new LayoutError(`unheated section "${n}" is not connected on both sides (o1 and o2): connect it, or remove it`);
    if (a.startsWith("port:") && b.startsWith("port:")) continue;
    gone.add(n);
    peer.delete(`${n},o1`);
    peer.delete(`${n},o2`);
    peer.set(a, b);
    peer.set(b, a);
    upstream.add(a);
  }
  if (gone.size === 0) return nl;
  const instances = Object.fromEntries(Object.entries(nl.instances).filter(([n]) => !gone.has(n)));
  const ports: Record<string, string> = {};
  for (const [p, ref] of Object.entries(nl.ports)) ports[p] = gone.has(instOf(ref)) ? peer.get(`port:${p}`)! : ref;
  // The connections no section touched, as they were; then each new link, from what fed a section.
  const connections: Record<string, string> = {};
  for (const [a, b] of Object.entries(nl.connections)) if (!gone.has(instOf(a)) && !gone.has(instOf(b))) connections[a] = b;
  for (const a of upstream) {
    const b = peer.get(a)!;
    if (!a.startsWith("port:") && !b.startsWith("port:")) connections[a] = b;
  }
  const placements = nl.placements ? Object.fromEntries(Object.entries(nl.placements).filter(([n]) => !gone.has(n))) : undefined;
  return { instances, connections, ports, ...(placements ? { placements } : {}) };
}
