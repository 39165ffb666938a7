// The layout draws an unheated output section as the route through it (layout/unheated.ts): taking
// the sections out of a netlist must leave what it computes unchanged, every other instance and link
// in place.
import { describe, expect, it } from "vitest";
import { LayoutError } from "../../layout/layout-error.ts";
import { withoutUnheated } from "../../layout/unheated.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import type { Circuit, Netlist } from "../../netlist/ir.ts";
import { isUnheatedSection } from "../../netlist/models.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { compiledExample } from "../helpers/examples.ts";

const divide0 = (): Circuit => readNetlistJson(compiledExample("paper-4x8").files.get("paper_4x8.divide0.netlist.json")!);

/** The circuit with every netlist but the top passed through `f`. */
function mapped(c: Circuit, f: (n: Circuit["netlists"][string]) => Circuit["netlists"][string]): Circuit {
  return { ...c, netlists: Object.fromEntries(Object.entries(c.netlists).map(([k, nl]) => [k, k === c.top ? nl : f(nl)])) };
}

/** Every stage matrix, its real and imaginary parts in one list each. */
function stages(c: Circuit): number[][] {
  return compileCircuit(c).stageMatrices.map((s) => [...s.matrix.re, ...s.matrix.im]);
}

const largest = (a: number[][], b: number[][]): number => Math.max(...a.flatMap((m, i) => m.map((x, k) => Math.abs(x - b[i]![k]!))));

describe("unheated sections taken out for drawing", () => {
  it("leave every stage matrix as it was, and no section behind", () => {
    const c = divide0();
    const sections = Object.values(c.netlists).reduce((n, nl) => n + Object.values(nl.instances).filter(isUnheatedSection).length, 0);
    expect(sections).toBeGreaterThan(5);
    const out = mapped(c, withoutUnheated);
    const left = Object.values(out.netlists).reduce((n, nl) => n + Object.values(nl.instances).filter(isUnheatedSection).length, 0);
    expect(left).toBe(0);
    const before = Object.values(c.netlists).reduce((n, nl) => n + Object.keys(nl.instances).length, 0);
    const after = Object.values(out.netlists).reduce((n, nl) => n + Object.keys(nl.instances).length, 0);
    expect(before - after).toBe(sections);
    expect(largest(stages(c), stages(out))).toBeLessThan(1e-12);
    // planted fault: the sum stage's two output ports swapped after the contraction
    const swapped = mapped(c, (nl) => {
      const n = withoutUnheated(nl);
      if (!("out1" in n.ports)) return n;
      return { ...n, ports: { ...n.ports, out0: n.ports.out1!, out1: n.ports.out0! } };
    });
    expect(largest(stages(c), stages(swapped))).toBeGreaterThan(0.1);
  });

  it("join a section's neighbours whichever way its connections are written, keep one between two ports, and refuse a loose one", () => {
    const wg = { component: "waveguide", settings: { unheated: 1 } };
    const ps = { component: "phase", settings: { phi: 0.5 } };
    // a → po → b, the input side written section first
    const chain: Netlist = {
      instances: { a: ps, po: wg, b: ps },
      connections: { "po,o1": "a,o2", "po,o2": "b,o1" },
      ports: { in0: "a,o1", out0: "b,o2" },
    };
    const c = withoutUnheated(chain);
    expect(Object.keys(c.instances)).toEqual(["a", "b"]);
    expect(c.connections).toEqual({ "a,o2": "b,o1" });
    expect(c.ports).toEqual(chain.ports);
    // in0 → po → out0: no pin to join, so the section stays
    const bare: Netlist = { instances: { po: wg }, connections: {}, ports: { in0: "po,o1", out0: "po,o2" } };
    expect(withoutUnheated(bare)).toEqual(bare);
    // a → po → out0: the port moves to a
    const last = withoutUnheated({ instances: { a: ps, po: wg }, connections: { "a,o2": "po,o1" }, ports: { in0: "a,o1", out0: "po,o2" } });
    expect(last.ports).toEqual({ in0: "a,o1", out0: "a,o2" });
    expect(last.connections).toEqual({});
    const loose: Netlist = { instances: { a: ps, po: wg }, connections: { "a,o2": "po,o1" }, ports: { in0: "a,o1" } };
    expect(() => withoutUnheated(loose)).toThrow(LayoutError);
    expect(() => withoutUnheated(loose)).toThrow(/"po" is not connected on both sides/);
  });
});
