// The circuit as drawn: every waveguide crossing the router adds is an instance of the simulator's
// `crossing` model spliced into the connection it carries. Simulated, the drawn circuit has the
// netlist's stage matrices to rounding; with one crossing's outputs swapped it does not.
import { describe, expect, it } from "vitest";
import { compiledVariant, flatPam4 } from "../helpers/examples.ts";
import { CellCache, layoutCircuit } from "../../layout/design.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { DEFAULT_LENGTH_ENCODING } from "../../netlist/formats/spice-dialect.ts";
import { CROSSING_LOSS_DB } from "../../layout/cells.ts";
import { netlistPortSpec } from "../../netlist/sim/propagate.ts";
import { circuitLookup } from "../../netlist/die/die.ts";
import { verifyCellAtLosses } from "../../verify/cells/cell-verify.ts";

/** Largest difference of the stage matrices (the netlist's stages) and of the detector fields over every input. */
function maxDiff(a: Circuit, b: Circuit): number {
  const ca = compileCircuit(a);
  const cb = compileCircuit(b);
  let worst = 0;
  for (const s of ca.stageMatrices) {
    const t = cb.stageMatrices.find((x) => x.instance === s.instance)!.matrix;
    expect([t.rows, t.cols]).toEqual([s.matrix.rows, s.matrix.cols]);
    for (let i = 0; i < s.matrix.re.length; i++)
      worst = Math.max(worst, Math.hypot(s.matrix.re[i]! - t.re[i]!, s.matrix.im[i]! - t.im[i]!));
  }
  // every input case (two base-4 digits) through the whole drawn circuit, crossings between stages included
  const w = ca.inputWidth;
  const cases = 4 ** w;
  const x = new Float64Array(cases * w);
  for (let c = 0; c < cases; c++) for (let k = 0; k < w; k++) x[c * w + k] = Math.floor(c / 4 ** k) % 4;
  const ra = ca.run(x, cases);
  const rb = cb.run(x, cases);
  for (let i = 0; i < ra.fields.re.length; i++)
    worst = Math.max(worst, Math.hypot(ra.fields.re[i]! - rb.fields.re[i]!, ra.fields.im[i]! - rb.fields.im[i]!));
  return worst;
}

/** The circuit with every crossing, junction and drawn route (`route<k>`) lossless. */
function lossless(c: Circuit): Circuit {
  const x = structuredClone(c);
  for (const nl of Object.values(x.netlists))
    for (const [k, i] of Object.entries(nl.instances))
      if (i.component === "crossing" || i.component === "junction" || /^route\d+$/.test(k)) i.settings = {};
  return x;
}

describe("the drawn netlist (crossings included)", () => {
  const r = compiledVariant("paper-4x8", flatPam4);
  const circuit = readNetlistJson(r.files.get("paper_4x8.divide0.netlist.json")!);
  const d = layoutCircuit(circuit, new CellCache(DEFAULT_LENGTH_ENCODING));

  it("lists every crossing as a `crossing` instance and simulates to the netlist's stage matrices", () => {
    const xs = Object.values(d.drawn.netlists).reduce(
      (a, nl) => a + Object.values(nl.instances).filter((i) => i.component === "crossing").length,
      0,
    );
    expect(xs).toBe(d.crossings);
    expect(xs).toBeGreaterThan(10);
    // crossings and junctions at 0 dB: what is drawn is the netlist, to rounding
    expect(maxDiff(circuit, lossless(d.drawn))).toBeLessThan(1e-12);
  });

  it("differs when the crossings are drawn as straight passes (each one's outputs swapped)", () => {
    const bad = structuredClone(d.drawn);
    const nl = bad.netlists.threshold_circuit!;
    const swap = (ref: string): string => ref.replace(/,o3$/, ",o4#").replace(/,o4$/, ",o3").replace(/#$/, "");
    const isX = (ref: string): boolean => nl.instances[ref.split(",")[0]!]?.component === "crossing";
    const xs = Object.values(nl.instances).filter((i) => i.component === "crossing").length;
    expect(xs).toBeGreaterThan(0);
    nl.connections = Object.fromEntries(Object.entries(nl.connections).map(([a, b]) => [isX(a) ? swap(a) : a, b]));
    for (const [p, ref] of Object.entries(nl.ports)) if (isX(ref) && /,o[34]$/.test(ref)) nl.ports[p] = swap(ref);
    expect(maxDiff(circuit, lossless(bad))).toBeGreaterThan(0.01);
  });

  it("is exact with its crossings' and junctions' loss (0.043 dB each, and at 0.2 dB); without the junctions it is not", () => {
    const add0 = readNetlistJson(r.files.get("paper_4x8.add0.netlist.json")!);
    const drawn = layoutCircuit(add0, new CellCache(DEFAULT_LENGTH_ENCODING)).drawn;
    const lossy = Object.values(drawn.netlists).flatMap((nl) =>
      Object.values(nl.instances).filter((i) => i.component === "crossing" || i.component === "junction"),
    );
    expect(lossy.length).toBeGreaterThan(0);
    for (const i of lossy) expect(i.settings.loss_db).toBe(CROSSING_LOSS_DB);
    const exact = (c: Circuit) => verifyCellAtLosses(c, 0.1).ideal;
    const at = (c: Circuit, db: number): Circuit => {
      const x = structuredClone(c);
      for (const nl of Object.values(x.netlists))
        for (const i of Object.values(nl.instances))
          if (i.component === "crossing" || i.component === "junction") i.settings = { loss_db: db };
      return x;
    };
    for (const c of [drawn, at(drawn, 0.2)]) expect(exact(c).exact).toBe(exact(c).cases);
    // The junctions are what make it exact: each replaced by a plain connection, paths cross
    // different numbers of lossy crossings and the cell's ratios move.
    const bare = structuredClone(drawn);
    const lookup = circuitLookup(drawn);
    for (const [name, nl] of Object.entries(bare.netlists)) {
      // every link as upstream → downstream, ports as "port:<name>", then each junction contracted
      const spec = netlistPortSpec(drawn.netlists[name]!, lookup);
      const links = new Map<string, string>(Object.entries(nl.connections));
      for (const p of spec.inputs) links.set(`port:${p}`, nl.ports[p]!);
      for (const p of spec.outputs) links.set(nl.ports[p]!, `port:${p}`);
      const jn = (ref: string): string | null => {
        const inst = ref.split(",")[0]!;
        return nl.instances[inst]?.component === "junction" ? inst : null;
      };
      const contracted = new Map<string, string>();
      for (const [a, b] of links) {
        if (jn(a)) continue; // starts inside a chain: reached from its head
        let to = b;
        while (jn(to)) to = links.get(`${jn(to)},o2`)!;
        contracted.set(a, to);
      }
      for (const k of Object.keys(nl.instances)) if (nl.instances[k]!.component === "junction") delete nl.instances[k];
      nl.connections = {};
      for (const [a, b] of contracted) {
        if (a.startsWith("port:")) nl.ports[a.slice(5)] = b;
        else if (b.startsWith("port:")) nl.ports[b.slice(5)] = a;
        else nl.connections[a] = b;
      }
    }
    expect(Object.values(bare.netlists).some((nl) => Object.values(nl.instances).some((i) => i.component === "crossing"))).toBe(true);
    expect(exact(at(bare, 0)).exact).toBe(exact(bare).cases); // wired right: lossless, it is exact
    // at 0.043 dB the contracted cell may still decide right (the ordered channels are shallow,
    // so the paths' crossing counts differ by little); at 0.2 dB, where the drawn one is exact, not
    expect(exact(at(bare, 0.2)).exact).toBeLessThan(exact(bare).cases);
  });
});
