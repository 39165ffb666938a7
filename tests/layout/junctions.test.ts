// The loss-matched junctions (layout/junctions.ts, docs/design/layout.md §7.1): placed by potentials,
// every path from a netlist's inputs into an instance still meets the same number of crossing cells
// (a junction spliced out of the drawn netlist breaks it), and a design's paths meet fewer of them
// than with a junction in every free slot of every network.
import { describe, expect, it } from "vitest";
import { compiledVariant, flatPam4 } from "../helpers/examples.ts";
import { CellCache, layoutCircuit } from "../../layout/design.ts";
import type { Netlist } from "../../netlist/ir.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { DEFAULT_LENGTH_ENCODING } from "../../netlist/formats/spice-dialect.ts";
import { pathLossBudget } from "../../layout/path-loss.ts";

const isCell = (component: string): boolean => component === "crossing" || component === "junction";

/**
 * Instances whose input pins are reached from the netlist's input ports over different numbers of
 * crossing cells (a crossing passes o1 → o3 and o2 → o4, a junction o1 → o2, any other instance
 * every input pin to every output pin). Empty when the loss of the crossing cells is common.
 */
function unequalInstances(nl: Netlist): string[] {
  const next = new Map<string, string>(Object.entries(nl.connections)); // upstream pin → downstream pin
  const outsOf = new Map<string, string[]>(); // instance → its output pins
  for (const from of next.keys()) {
    const [inst] = from.split(",");
    outsOf.set(inst!, [...(outsOf.get(inst!) ?? []), from]);
  }
  const counts = new Map<string, Set<number>>(); // instance → counts at its input pins
  const walk = (pin: string, n: number, seen: number): void => {
    if (seen > 100000) throw new Error("cycle");
    const [inst, p] = pin.split(",") as [string, string];
    const comp = nl.instances[inst]?.component;
    if (comp === undefined) return; // an output port
    if (isCell(comp)) {
      const out = comp === "junction" ? "o2" : ({ o1: "o3", o2: "o4" } as Record<string, string>)[p]!;
      const to = next.get(`${inst},${out}`);
      if (to) walk(to, n + 1, seen + 1);
      return;
    }
    const set = counts.get(inst) ?? new Set<number>();
    const fresh = !set.has(n);
    set.add(n);
    counts.set(inst, set);
    if (!fresh) return;
    for (const o of outsOf.get(inst) ?? []) walk(next.get(o)!, n, seen + 1);
  };
  for (const [port, pin] of Object.entries(nl.ports)) if (port.startsWith("in")) walk(pin, 0, 0);
  return [...counts].filter(([, s]) => s.size > 1).map(([i]) => i);
}

/** The netlist with one junction spliced out: its upstream joined straight to its downstream. */
function withoutJunction(nl: Netlist, name: string): Netlist {
  const connections: Record<string, string> = {};
  const into = Object.entries(nl.connections).find(([, b]) => b === `${name},o1`)![0];
  for (const [a, b] of Object.entries(nl.connections)) {
    if (b === `${name},o1`) continue;
    connections[a === `${name},o2` ? into : a] = b;
  }
  const instances = { ...nl.instances };
  delete instances[name];
  return { ...nl, instances, connections };
}

describe("the loss-matched junctions", () => {
  const add0 = readNetlistJson(compiledVariant("paper-4x8", flatPam4).files.get("paper_4x8.add0.netlist.json")!);
  let drawn: ReturnType<typeof layoutCircuit> | undefined;
  const laid = (): ReturnType<typeof layoutCircuit> => (drawn ??= layoutCircuit(add0, new CellCache(DEFAULT_LENGTH_ENCODING)));

  it("keep every path into an instance at the same crossing cells; a junction spliced out breaks it", () => {
    for (const name of ["threshold_circuit", "step_circuit", "digits_circuit"]) {
      const nl = laid().drawn.netlists[name]!;
      expect(unequalInstances(nl), name).toEqual([]);
      // the planted fault: a junction that carries light from an input port, taken out
      const junctions = Object.keys(nl.instances).filter((i) => nl.instances[i]!.component === "junction");
      expect(junctions.length, name).toBeGreaterThan(0);
      const broken = junctions.map((j) => unequalInstances(withoutJunction(nl, j))).find((u) => u.length > 0);
      expect(broken, name).toBeDefined();
    }
  });

  it("put fewer crossing cells on the quick start's paths than a junction in every free slot (add0 25 → 15)", () => {
    // the planted fault: every free slot filled, as before the potentials (with the port order, as drawn)
    expect(layoutCircuit(add0, new CellCache(DEFAULT_LENGTH_ENCODING, undefined, "best", "every-slot")).top.crossingCells).toBe(25);
    expect(laid().top.crossingCells).toBe(15);
  });

  it("are counted by the loss budget along each track: a crossing passes o1 → o3 and o2 → o4 only", () => {
    // two tracks through one crossing, a junction on the upper one before it and on the lower one
    // after it: each path meets 2 crossing cells; one that changed tracks in the crossing would meet 3
    const cell = { component: "junction", settings: { loss_db: 0.043 } };
    const nl: Netlist = {
      instances: { j1: cell, x: { component: "crossing", settings: { loss_db: 0.043 } }, j2: cell },
      connections: { "j1,o2": "x,o1", "x,o4": "j2,o1" },
      ports: { in0: "j1,o1", in1: "x,o2", out0: "x,o3", out1: "j2,o2" },
    };
    const budget = pathLossBudget({ name: "t", top: "t", netlists: { t: nl }, info: {} })!;
    expect(budget.worst.crossingCells).toBe(2);
    expect(budget.worst.crossingDb).toBeCloseTo(0.086, 12);
  });
});
