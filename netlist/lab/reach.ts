// How far a cell must be propagated for what a caller reads (LabEngine.fields, engine.ts): the
// nodes are in light order, so a reading needs every node up to the one that writes it and none
// after. A fit that reads one stage's monitors then skips the stages behind it.
import type { LabCircuit } from "./optics.ts";

/** What a caller of LabEngine.fields reads: readouts (site index, then detector mode) or a top-level pin "inst,port". */
export type Only = { readouts: ArrayLike<number> } | { pin: string };

const reach = new WeakMap<LabCircuit, { readout: Int32Array; node: Map<string, number> }>();

/** How many nodes (light order) must be propagated for what `only` reads: one past the last node that writes it. */
export function nodesFor(lc: LabCircuit, only: Only): number {
  let r = reach.get(lc);
  if (!r) {
    // Per readout the node that writes it; −1: none known (the whole cell is propagated).
    const readout = new Int32Array(lc.sites.length + lc.detectors.length).fill(-1);
    lc.nodes.forEach((n, ni) => {
      if (n.kind === "part") for (const s of n.plan.siteIndex) readout[s] = ni;
      else if (n.kind === "detector") readout.fill(ni, lc.sites.length + n.first, lc.sites.length + n.first + n.modes);
    });
    r = { readout, node: new Map(lc.nodes.map((n, ni) => [n.name, ni])) };
    reach.set(lc, r);
  }
  const all = lc.nodes.length;
  if ("pin" in only) {
    const ni = r.node.get(only.pin.slice(0, only.pin.indexOf(",")));
    return ni === undefined ? all : ni + 1;
  }
  let last = -1;
  for (let i = 0; i < only.readouts.length; i++) {
    const ni = r.readout[only.readouts[i]!] ?? -1;
    if (ni < 0) return all;
    last = Math.max(last, ni);
  }
  return last + 1;
}
