// Whether a common phase on a linear part's outputs can change what the chip decides. Light keeps a
// common phase through later parts and activations (a ReLU passes z·e^{iψ} where Re z > 0, to first
// order) up to detectors, which read power. It matters only where a later part mixes that light with
// light that did not pass through the part: a bias or PAM source's, or another part's. Closed-form
// cells send their bias light through the first stage with the signals (loss-tracking rows), so no
// later part mixes fresh light in; a phase table's layer with a bias input of its own does.
import type { Circuit } from "../../netlist/ir.ts";
import { circuitLookup, linearParts, type LinearPart } from "../../netlist/die/die.ts";
import { instancePorts, type SubcircuitLookup } from "../../netlist/sim/propagate.ts";

/** The top netlist as the test needs it: what feeds each instance, and what each one is. */
export interface TopView {
  names: string[];
  /** The instances whose outputs feed `name`'s inputs. */
  feeds: (name: string) => string[];
  /** "linear" for a linear part, "pass" for an activation or a detector, "other" for the rest. */
  kind: (name: string) => "linear" | "pass" | "other";
}

/** True when a later linear part mixes `part`'s output light with light that did not pass through `part`. */
export function commonPhaseMatters(view: TopView, part: string): boolean {
  // Everything `part`'s light reaches through linear parts and activations, in any number of steps.
  const down = new Set<string>([part]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const n of view.names) {
      if (down.has(n) || view.kind(n) === "other") continue;
      if (view.feeds(n).some((f) => down.has(f) && f !== n)) {
        down.add(n);
        grew = true;
      }
    }
  }
  return [...down].some((n) => n !== part && view.kind(n) === "linear" && view.feeds(n).some((f) => !down.has(f)));
}

/** The view of a circuit's top netlist: its linear parts, activations and detectors, and what feeds what. */
export function topView(
  circuit: Circuit,
  parts: readonly LinearPart[] = linearParts(circuit),
  lookup: SubcircuitLookup = circuitLookup(circuit),
): TopView {
  const top = circuit.netlists[circuit.top]!;
  const linear = new Set(parts.map((p) => p.name));
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(top.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  const feeds = new Map(
    Object.entries(top.instances).map(([n, inst]) => [
      n,
      instancePorts(n, inst, lookup).inputs.flatMap((p) => {
        const from = peer.get(`${n},${p}`);
        return from === undefined ? [] : [from.slice(0, from.lastIndexOf(","))];
      }),
    ]),
  );
  return {
    names: Object.keys(top.instances),
    feeds: (n) => feeds.get(n) ?? [],
    kind: (n) => (linear.has(n) ? "linear" : PASS_KINDS.has(top.instances[n]?.component ?? "") ? "pass" : "other"),
  };
}

const PASS_KINDS = new Set(["activation", "detector"]);
