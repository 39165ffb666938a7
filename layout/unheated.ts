// An unheated section (a waveguide with `unheated: 1`, netlist/die/heaters.ts siteLeaves) is a plain
// waveguide of whole periods at phase 0, so the route between its neighbours draws it: the layout
// takes the section out of its netlist and joins what fed it to what it fed. A cell of its own would
// cost a column and a channel (docs/layout.md, "Unheated sections").
import type { Netlist } from "../netlist/ir.ts";
import { isUnheatedSection } from "../netlist/models.ts";

/** The netlist with every unheated section taken out, its input's peer joined to its output's. */
export function withoutUnheated(nl: Netlist): Netlist {
  const gone = Object.keys(nl.instances).filter((n) => isUnheatedSection(nl.instances[n]!));
  if (gone.length === 0) return nl;
  // Each pin's peer: the pin at the other end of its connection, or "port:<name>".
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(nl.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  for (const [p, ref] of Object.entries(nl.ports)) peer.set(ref, `port:${p}`);
  for (const n of gone) {
    const a = peer.get(`${n},o1`);
    const b = peer.get(`${n},o2`);
    if (a === undefined || b === undefined) throw new Error(`unheated section "${n}" is not connected on both sides`);
    peer.delete(`${n},o1`);
    peer.delete(`${n},o2`);
    peer.set(a, b);
    peer.set(b, a);
  }
  const instances = Object.fromEntries(Object.entries(nl.instances).filter(([n]) => !gone.includes(n)));
  const ports: Record<string, string> = {};
  for (const [p, ref] of Object.entries(nl.ports)) ports[p] = gone.includes(ref.split(",")[0]!) ? peer.get(`port:${p}`)! : ref;
  const connections: Record<string, string> = {};
  for (const [a, b] of Object.entries(nl.connections)) {
    // Keep each surviving connection's direction: the upstream end stays the key.
    const [from, to] = [a.split(",")[0]!, b.split(",")[0]!];
    const up = gone.includes(from) ? null : a;
    const down = gone.includes(to) ? null : b;
    if (up !== null && down !== null) connections[up] = down;
    else if (up !== null) {
      const far = peer.get(up)!;
      if (!far.startsWith("port:")) connections[up] = far;
    }
  }
  const placements = nl.placements ? Object.fromEntries(Object.entries(nl.placements).filter(([n]) => !gone.includes(n))) : undefined;
  return { instances, connections, ports, ...(placements ? { placements } : {}) };
}
