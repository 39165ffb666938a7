// Propagation through hand-written netlists (netlist/sim/propagate.ts) and the simulator's handling
// of every step kind (netlist/sim/simulate.ts): wiring errors and their messages, topological order,
// dark inputs and dumped outputs, hierarchy, readout without a detector, and batch shapes.
import { describe, expect, it } from "vitest";
import type { Circuit, Netlist } from "../../netlist/ir.ts";
import { flatten, netlistPortSpec, noSubcircuits, resolveInstance, topologicalOrder, transferMatrix } from "../../netlist/sim/propagate.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { detectDigit } from "../../netlist/models.ts";
import { createRng } from "../../math/rng.ts";

const H = Math.SQRT1_2;

function circuit(top: Netlist, extra: Record<string, Netlist> = {}): Circuit {
  return { name: "t", top: "top", netlists: { top, ...extra }, info: {} };
}

/** Two phase shifters in series: e^{i(a+b)}. */
const chain: Netlist = {
  instances: { p2: { component: "phase", settings: { phi: 0.5 } }, p1: { component: "phase", settings: { phi: 0.25 } } },
  connections: { "p1,o2": "p2,o1" },
  ports: { in0: "p1,o1", out0: "p2,o2" },
};

describe("transferMatrix", () => {
  it("follows the connections, not the declaration order", () => {
    expect(topologicalOrder(chain, noSubcircuits)).toEqual(["p1", "p2"]);
    const t = transferMatrix(chain, ["in0"], ["out0"]);
    expect(t.re[0]).toBeCloseTo(Math.cos(0.75), 15);
    expect(t.im[0]).toBeCloseTo(Math.sin(0.75), 15);
  });

  it("ties in light order go by declaration order", () => {
    const nl: Netlist = {
      instances: {
        b: { component: "waveguide", settings: {} },
        a: { component: "waveguide", settings: {} },
        c: { component: "waveguide", settings: {} },
      },
      connections: { "a,o2": "c,o1" },
      ports: {},
    };
    expect(topologicalOrder(nl, noSubcircuits)).toEqual(["b", "a", "c"]);
  });

  it("a coupler's columns in mode order; an unconnected input is dark, an unconnected output dumped", () => {
    const nl: Netlist = {
      instances: { c: { component: "coupler", settings: { coupling: 0.5 } } },
      connections: {},
      ports: { in0: "c,o2", out0: "c,o3", out1: "c,o4" },
    };
    const t = transferMatrix(nl, ["in0"], ["out0", "out1"]);
    expect([t.rows, t.cols]).toEqual([2, 1]);
    expect([t.re[0], t.im[0], t.re[1], t.im[1]]).toEqual([H, 0, 0, H]);
    const dumped = transferMatrix(nl, ["in0"], ["out1"]);
    expect([dumped.re[0], dumped.im[0]]).toEqual([0, H]);
  });

  it("an output port fed by nothing reads 0; a terminator absorbs", () => {
    const nl: Netlist = {
      instances: {
        w: { component: "waveguide", settings: {} },
        t: { component: "terminator", settings: {} },
        v: { component: "waveguide", settings: {} },
      },
      connections: { "w,o2": "t,o1" },
      ports: { in0: "w,o1", out0: "v,o2", out1: "w,o2" },
    };
    const t = transferMatrix(nl, ["in0"], ["out0"]);
    expect([t.re[0], t.im[0]]).toEqual([0, 0]);
  });

  it("sub-netlists and composite models are evaluated recursively", () => {
    const lookup = (c: string) => (c === "chain" ? chain : undefined);
    const top: Netlist = {
      instances: {
        a: { component: "chain", settings: {} },
        b: { component: "chain", settings: {} },
        m: { component: "mzi", settings: { theta: Math.PI, phi: Math.PI } },
      },
      connections: { "a,out0": "b,in0", "b,out0": "m,o2" },
      ports: { in0: "a,in0", out0: "m,o3", out1: "m,o4" },
    };
    const t = transferMatrix(top, ["in0"], ["out0", "out1"], lookup);
    // Bar state: top → top; two chains: e^{1.5 i}.
    expect(t.re[0]).toBeCloseTo(Math.cos(1.5), 15);
    expect(t.im[0]).toBeCloseTo(Math.sin(1.5), 15);
    expect(Math.hypot(t.re[1]!, t.im[1]!)).toBeLessThan(1e-15);
    expect(netlistPortSpec(chain, noSubcircuits)).toEqual({ inputs: ["in0"], outputs: ["out0"], both: [] });
  });

  it("wiring errors name the instance, port or connection", () => {
    const wg = { component: "waveguide", settings: {} };
    expect(() => resolveInstance("x", { component: "nope", settings: {} }, noSubcircuits)).toThrow(
      'instance "x": unknown component "nope" (not a model and not a netlist of this circuit)',
    );
    expect(() => transferMatrix(chain, ["in9"], ["out0"])).toThrow('netlist has no port "in9"');
    expect(() => transferMatrix({ instances: { w: wg }, connections: { "q,o2": "w,o1" }, ports: {} }, [], [])).toThrow(
      '"q,o2": unknown instance "q"',
    );
    expect(() => transferMatrix({ instances: { w: wg }, connections: { "w,o7": "w,o1" }, ports: {} }, [], [])).toThrow(
      '"w,o7": waveguide has no port "o7"',
    );
    expect(() =>
      transferMatrix({ instances: { w: wg, v: wg, u: wg }, connections: { "w,o2": "v,o1", "u,o2": "v,o1" }, ports: {} }, [], []),
    ).toThrow('port "v,o1" is connected twice');
    // …whichever side of the second connection is the one already taken, pin 0 included.
    expect(() =>
      transferMatrix({ instances: { w: wg, v: wg, u: wg }, connections: { "w,o2": "v,o1", "v,o1": "u,o2" }, ports: {} }, [], []),
    ).toThrow(/^port "v,o1" is connected twice$/);
    expect(() =>
      transferMatrix({ instances: { w: wg, v: wg, u: wg }, connections: { "w,o1": "v,o2", "v,o2": "u,o1" }, ports: {} }, [], []),
    ).toThrow(/^port "v,o2" is connected twice$/);
    expect(() =>
      transferMatrix({ instances: { w: wg, v: wg, u: wg }, connections: { "v,o2": "w,o1", "u,o1": "v,o2" }, ports: {} }, [], []),
    ).toThrow(/^port "v,o2" is connected twice$/);
    expect(() => transferMatrix({ instances: { w: wg, v: wg }, connections: { "w,o2": "v,o2" }, ports: {} }, [], [])).toThrow(
      "connection w ↔ v joins two outputs",
    );
    expect(() => transferMatrix({ instances: { w: wg, v: wg }, connections: { "w,o1": "v,o1" }, ports: {} }, [], [])).toThrow(
      "connection w ↔ v joins two inputs",
    );
    expect(() =>
      transferMatrix({ instances: { w: wg, v: wg }, connections: { "w,o2": "v,o1", "v,o2": "w,o1" }, ports: {} }, [], []),
    ).toThrow("netlist has a feedback loop; only feed-forward circuits are supported");
    expect(() => netlistPortSpec({ instances: {}, connections: {}, ports: { in0: "ghost,o1" } }, noSubcircuits)).toThrow(
      'port "in0" refers to unknown instance "ghost"',
    );
    expect(() => netlistPortSpec({ instances: { w: wg }, connections: {}, ports: { in0: "w,o5" } }, noSubcircuits)).toThrow(
      'port "in0" refers to "w,o5", which waveguide does not have',
    );
    const bad = {
      instances: { s: { component: "bias_source", settings: { amplitude: 1 } }, w: wg },
      connections: { "s,out0": "w,o1" },
      ports: { out0: "w,o2" },
    };
    expect(() => transferMatrix(bad, [], ["out0"])).toThrow(
      'instance "s": bias_source is not a linear optical component and cannot sit inside a linear stage',
    );
    expect(() =>
      transferMatrix(
        { instances: { p: { component: "phase", settings: {} } }, connections: {}, ports: { in0: "p,o1", out0: "p,o2" } },
        ["in0"],
        ["out0"],
      ),
    ).toThrow('instance "p" (phase): missing numeric setting "phi"');
  });

  it("light into a bidirectional port orders nothing: a dump fed back from downstream is not a loop", () => {
    // s passes in0 through a 20 dB waveguide to a coupler c; c's second output is dumped into s's
    // own terminator. Only out → in connections order instances, so s still comes first.
    const sub: Netlist = {
      instances: { g: { component: "waveguide", settings: { loss_db: 20 } }, t: { component: "terminator", settings: {} } },
      connections: {},
      ports: { in0: "g,o1", out0: "g,o2", dump: "t,o1" },
    };
    const lookup = (c: string) => (c === "sub" ? sub : undefined);
    const top: Netlist = {
      instances: { c: { component: "coupler", settings: { coupling: 0.5 } }, s: { component: "sub", settings: {} } },
      connections: { "s,out0": "c,o1", "c,o4": "s,dump" },
      ports: { in0: "s,in0", out0: "c,o3" },
    };
    expect(topologicalOrder(top, lookup)).toEqual(["s", "c"]);
    const t = transferMatrix(top, ["in0"], ["out0"], lookup);
    // c,o1 → c,o3 crosses: iκ.
    expect(t.re[0]).toBeCloseTo(0, 15);
    expect(t.im[0]).toBeCloseTo(0.1 * H, 15);
  });

  it("a four-input combiner declared after the waveguide it feeds: out0 = Σ in_k / 2, real", () => {
    const nl: Netlist = {
      instances: { w: { component: "waveguide", settings: {} }, m: { component: "combiner", settings: { n: 4 } } },
      connections: { "m,out0": "w,o1" },
      ports: { in0: "m,in0", in1: "m,in1", in2: "m,in2", in3: "m,in3", out0: "w,o2" },
    };
    expect(topologicalOrder(nl, noSubcircuits)).toEqual(["m", "w"]);
    const t = transferMatrix(nl, ["in0", "in1", "in2", "in3"], ["out0"]);
    for (let k = 0; k < 4; k++) {
      expect(t.re[k]).toBeCloseTo(0.5, 15);
      expect(t.im[k]).toBeCloseTo(0, 15);
    }
  });

  it("an output port on a connected pin (a tap) reads the light passing it, and the light goes on", () => {
    // in0 → a (e^{0.5i}) → [tap out0] → b → c (e^{0.25i}) → out1.
    const nl: Netlist = {
      instances: {
        a: { component: "phase", settings: { phi: 0.5 } },
        b: { component: "waveguide", settings: {} },
        c: { component: "phase", settings: { phi: 0.25 } },
      },
      connections: { "a,o2": "b,o1", "b,o2": "c,o1" },
      ports: { in0: "a,o1", out0: "a,o2", out1: "c,o2" },
    };
    const t = transferMatrix(nl, ["in0"], ["out0", "out1"]);
    expect([t.re[0], t.im[0]].map((v) => +v!.toFixed(15))).toEqual([+Math.cos(0.5).toFixed(15), +Math.sin(0.5).toFixed(15)]);
    expect([t.re[1], t.im[1]].map((v) => +v!.toFixed(15))).toEqual([+Math.cos(0.75).toFixed(15), +Math.sin(0.75).toFixed(15)]);
  });

  it("netlists that share one connection table (as Monte-Carlo dies do) but not their instances are indexed afresh", () => {
    // The index cache (keyed by the connections object) may only serve a netlist whose instance
    // names and components are those it was built for.
    const wg = { component: "waveguide", settings: { loss_db: 20 } };
    const cp = { component: "coupler", settings: { coupling: 0.25 } };
    const fresh = (nl: Netlist, ins: string[], outs: string[]) => transferMatrix({ ...nl, connections: { ...nl.connections } }, ins, outs);
    const expectSame = (nl: Netlist, ins: string[], outs: string[]) => {
      const want = fresh(nl, ins, outs);
      const got = transferMatrix(nl, ins, outs);
      expect([...got.re]).toEqual([...want.re]);
      expect([...got.im]).toEqual([...want.im]);
    };
    // One of two components changes (a waveguide becomes a coupler: other ports).
    const shared: Netlist["connections"] = {};
    transferMatrix(
      { instances: { u: wg, v: wg }, connections: shared, ports: { in0: "u,o1", in1: "v,o1", out0: "u,o2", out1: "v,o2" } },
      ["in0", "in1"],
      ["out0", "out1"],
    );
    expectSame(
      { instances: { u: wg, v: cp }, connections: shared, ports: { in0: "u,o1", in1: "v,o1", out0: "u,o2", out1: "v,o3", out2: "v,o4" } },
      ["in0", "in1"],
      ["out0", "out1", "out2"],
    );
    // Every component changes.
    const shared2: Netlist["connections"] = {};
    transferMatrix({ instances: { u: wg }, connections: shared2, ports: { in0: "u,o1", out0: "u,o2" } }, ["in0"], ["out0"]);
    expectSame(
      { instances: { u: cp }, connections: shared2, ports: { in0: "u,o1", out0: "u,o3", out1: "u,o4" } },
      ["in0"],
      ["out0", "out1"],
    );
    // Renamed instances, same components.
    const shared3: Netlist["connections"] = {};
    transferMatrix({ instances: { u: cp }, connections: shared3, ports: { in0: "u,o1", out0: "u,o3" } }, ["in0"], ["out0"]);
    expectSame({ instances: { x: cp }, connections: shared3, ports: { in0: "x,o2", out0: "x,o3" } }, ["in0"], ["out0"]);
    // Fewer instances (the first ones kept).
    const shared4: Netlist["connections"] = { "u,o2": "v,o1" };
    transferMatrix({ instances: { u: wg, v: wg, w: cp }, connections: shared4, ports: { in0: "u,o1", out0: "v,o2" } }, ["in0"], ["out0"]);
    expectSame({ instances: { u: wg, v: wg }, connections: shared4, ports: { in0: "u,o1", out0: "v,o2" } }, ["in0"], ["out0"]);
  });

  it("flatten names leaves <outer>__<inner> and reroutes ports and connections", () => {
    const lookup = (c: string) => (c === "chain" ? chain : undefined);
    const top: Netlist = {
      instances: { a: { component: "chain", settings: {} }, w: { component: "waveguide", settings: {} } },
      connections: { "a,out0": "w,o1" },
      ports: { in0: "a,in0", out0: "w,o2" },
    };
    const f = flatten(top, lookup);
    expect(Object.keys(f.instances).sort()).toEqual(["a__p1", "a__p2", "w"]);
    expect(f.connections).toEqual({ "a__p1,o2": "a__p2,o1", "a__p2,o2": "w,o1" });
    expect(f.ports).toEqual({ in0: "a__p1,o1", out0: "w,o2" });
    const m = flatten({ instances: { m: { component: "mzi", settings: { theta: 1, phi: 2 } } }, connections: {}, ports: { in0: "m,o2" } });
    expect(Object.keys(m.instances)).toEqual(["m__phi", "m__bsA", "m__theta", "m__ref", "m__bsB"]);
    expect(m.ports).toEqual({ in0: "m__phi,o1" });
  });
});

describe("the simulator's steps", () => {
  it("source → bias → activation → linear stage → output ports without a detector (fields are the readout)", () => {
    // in0 (digit) → pam (×0.5) → combiner input 0; bias 0.25 → combiner input 1; combiner → relu → out0.
    const top: Netlist = {
      instances: {
        pam: { component: "pam_source", settings: { workers: 1, digits: 1, levels: 4, amplitude_per_level: 0.5 } },
        bias: { component: "bias_source", settings: { amplitude: -0.75 } },
        sum: { component: "combiner", settings: { n: 2 } },
        act: { component: "activation", settings: { function: "relu", modes: 1 } },
      },
      connections: { "pam,out0": "sum,in0", "bias,out0": "sum,in1", "sum,out0": "act,in0" },
      ports: { in0: "pam,in0", out0: "act,out0" },
    };
    const sim = compileCircuit(circuit(top));
    expect(sim.hasDetector).toBe(false);
    expect(sim.inputWidth).toBe(1);
    expect(sim.stageMatrices.map((s) => [s.instance, s.component])).toEqual([["sum", "combiner"]]);
    const r = sim.run(Float64Array.from([0, 1, 2, 3]), 4);
    expect(r.width).toBe(1);
    expect(r.digits.length).toBe(0);
    // (0.5·d − 0.75)/√2, then relu.
    [0, 0, 0.25 * H, 0.75 * H].forEach((v, c) => expect(r.fields.re[c]).toBeCloseTo(v, 15));
    for (let c = 0; c < 4; c++) expect(r.fields.im[c]).toBeCloseTo(0, 15);
  });

  it("leaky activation scales a field whose real part is not positive, between two linear stages", () => {
    const top: Netlist = {
      instances: {
        ph: { component: "phase", settings: { phi: Math.PI } },
        act: { component: "activation", settings: { function: "leaky-relu", slope: 0.5, modes: 1 } },
        back: { component: "phase", settings: { phi: Math.PI } },
      },
      connections: { "ph,o2": "act,in0", "act,out0": "back,o1" },
      ports: { in0: "ph,o1", out0: "back,o2" },
    };
    // x → −x → (x > 0: −x is not positive, × 0.5) → back: 0.5·x for x > 0, x otherwise.
    const r = compileCircuit(circuit(top)).run(Float64Array.from([2, -4, 1, 3, 0]), 5);
    [1, -4, 0.5, 1.5, 0].forEach((v, c) => {
      expect(r.fields.re[c]).toBeCloseTo(v, 15);
      expect(Math.abs(r.fields.im[c]!)).toBeLessThan(1e-14);
    });
  });

  it("output ports are read in numeric order (out10 after out9); a dark port reads 0", () => {
    const instances: Netlist["instances"] = {};
    const ports: Record<string, string> = {};
    for (let k = 0; k < 11; k++) {
      instances[`w${k}`] = { component: "waveguide", settings: { loss_db: 0 } };
      ports[`in${k}`] = `w${k},o1`;
      ports[`out${k}`] = `w${k},o2`;
    }
    instances.d = { component: "waveguide", settings: {} };
    ports.out11 = "d,o2";
    const sim = compileCircuit(circuit({ instances, connections: {}, ports }));
    expect(sim.inputWidth).toBe(11);
    const x = Float64Array.from({ length: 22 }, (_, i) => i);
    const r = sim.run(x, 2);
    expect(r.width).toBe(12);
    expect([...r.fields.re]).toEqual([...Array.from({ length: 11 }, (_, k) => k), 0, ...Array.from({ length: 11 }, (_, k) => 11 + k), 0]);
  });

  it("odd batches and complex inputs to a stage: every case equals its own matrix product", () => {
    const mesh: Netlist = {
      instances: { m: { component: "mzi", settings: { theta: 0.7, phi: 1.9 } }, ph: { component: "phase", settings: { phi: 0.3 } } },
      connections: { "ph,o2": "m,o2" },
      ports: { in0: "ph,o1", in1: "m,o1", out0: "m,o3", out1: "m,o4" },
    };
    const top: Netlist = {
      instances: { pre: { component: "phase", settings: { phi: 1.2 } }, s: { component: "stage", settings: {} } },
      connections: { "pre,o2": "s,in0" },
      ports: { in0: "pre,o1", in1: "s,in1", out0: "s,out0", out1: "s,out1" },
    };
    const sim = compileCircuit(circuit(top, { stage: mesh }));
    const T = transferMatrix(mesh, ["in0", "in1"], ["out0", "out1"]);
    const cases = 7;
    const x = Float64Array.from({ length: 2 * cases }, (_, i) => Math.sin(i + 1));
    const r = sim.run(x, cases);
    for (let c = 0; c < cases; c++) {
      const a = [x[2 * c]! * Math.cos(1.2), x[2 * c]! * Math.sin(1.2)];
      const b = [x[2 * c + 1]!, 0];
      for (let q = 0; q < 2; q++) {
        const [tr0, ti0, tr1, ti1] = [T.re[q * 2]!, T.im[q * 2]!, T.re[q * 2 + 1]!, T.im[q * 2 + 1]!];
        const re = tr0 * a[0]! - ti0 * a[1]! + tr1 * b[0]! - ti1 * b[1]!;
        const im = tr0 * a[1]! + ti0 * a[0]! + tr1 * b[1]! + ti1 * b[0]!;
        expect(r.fields.re[c * 2 + q]).toBeCloseTo(re, 14);
        expect(r.fields.im[c * 2 + q]).toBeCloseTo(im, 14);
      }
    }
  });

  it("errors: a missing top, a bad instance, two detectors, a non-simulable component", () => {
    expect(() => compileCircuit({ name: "x", top: "nope", netlists: {}, info: {} })).toThrow('circuit "x": top netlist "nope" is missing');
    expect(() =>
      compileCircuit(circuit({ instances: { p: { component: "phase", settings: {} } }, connections: {}, ports: { in0: "p,o1" } })),
    ).toThrow('instance "p" (phase): missing numeric setting "phi"');
    expect(() =>
      compileCircuit(
        circuit({ instances: { a: { component: "activation", settings: { function: "tanh", modes: 1 } } }, connections: {}, ports: {} }),
      ),
    ).toThrow('instance "a" (activation): activation: unknown function "tanh"');
    const det = { component: "detector", settings: { modes: 1, levels: 2, step: 1 } };
    expect(() => compileCircuit(circuit({ instances: { d1: det, d2: det }, connections: {}, ports: {} }))).toThrow(
      "the simulator supports at most one detector",
    );
    expect(() =>
      compileCircuit(
        circuit({ instances: { d: { component: "detector", settings: { modes: 1, levels: 2 } } }, connections: {}, ports: {} }),
      ),
    ).toThrow('instance "d" (detector): missing numeric setting "step"');
    const sub: Netlist = {
      instances: { b: { component: "bias_source", settings: { amplitude: 1 } } },
      connections: {},
      ports: { out0: "b,out0" },
    };
    expect(() =>
      compileCircuit(circuit({ instances: { s: { component: "src", settings: {} } }, connections: {}, ports: {} }, { src: sub })),
    ).toThrow(/^instance "b": bias_source is not a linear optical component and cannot sit inside a linear stage$/);
    const sim = compileCircuit(circuit(chain));
    expect(() => sim.run(new Float64Array(3), 2)).toThrow("run: expected 2 × 1 inputs, got 3 values");
  });

  it("a detector fed by nothing decides 0; the detector's offset defaults to 0", () => {
    const top: Netlist = {
      instances: {
        w: { component: "waveguide", settings: {} },
        d: { component: "detector", settings: { modes: 2, levels: 4, step: 0.5 } },
      },
      connections: { "w,o2": "d,in0" },
      ports: { in0: "w,o1", out0: "d,out0", out1: "d,out1" },
    };
    const r = compileCircuit(circuit(top)).run(Float64Array.from([0.6, 1.3]), 2);
    expect([...r.digits]).toEqual([1, 0, 3, 0]);
    expect([...r.fields.re]).toEqual([0.6, 0, 1.3, 0]);
  });

  it("instances after the detector carry its digits on; the readout stays the detector's inputs", () => {
    const top: Netlist = {
      instances: {
        d: { component: "detector", settings: { modes: 1, levels: 4, step: 1, offset: 0 } },
        w: { component: "waveguide", settings: {} },
      },
      connections: { "d,out0": "w,o1" },
      ports: { in0: "d,in0", out0: "w,o2" },
    };
    const r = compileCircuit(circuit(top)).run(Float64Array.from([2.2, -1, 0.7]), 3);
    expect(r.width).toBe(1);
    expect([...r.fields.re]).toEqual([2.2, -1, 0.7]);
    expect([...r.digits]).toEqual([2, 0, 1]);
  });

  it("a die's detector response scales and offsets what the receiver measures, mode by mode", () => {
    const top: Netlist = {
      instances: { d: { component: "detector", settings: { modes: 2, levels: 4, step: 1, offset: 0 } } },
      connections: {},
      ports: { in0: "d,in0", in1: "d,in1", out0: "d,out0", out1: "d,out1" },
    };
    const die = { id: "measured", leaves: new Map(), detector: { gain: [2, 0.5], offset: [0.25, -1] } };
    const r = compileCircuit(circuit(top), { die }).run(Float64Array.from([1, 4, 0.5, 7]), 2);
    // Mode 0: 2·x + 0.25; mode 1: 0.5·x − 1.
    expect([...r.fields.re]).toEqual([2.25, 1, 1.25, 2.5]);
    expect([...r.digits]).toEqual([2, 1, 1, 3]);
    expect([...compileCircuit(circuit(top)).run(Float64Array.from([1, 4, 0.5, 7]), 2).digits]).toEqual([1, 3, 1, 3]);
  });

  it("detector noise comes from the (seed, trial) stream: σ·step·N(0, 1) per decision, mode by mode", () => {
    const top: Netlist = {
      instances: { d: { component: "detector", settings: { modes: 2, levels: 8, step: 0.5, offset: 0 } } },
      connections: {},
      ports: { in0: "d,in0", in1: "d,in1", out0: "d,out0", out1: "d,out1" },
    };
    const x = Float64Array.from([1.1, 2.2, 0.3, 3.4, 1.9, 0.7]);
    const r = compileCircuit(circuit(top), { detectorNoise: 0.6, seed: 3, trial: 1 }).run(x, 3);
    // The stream documented in simulate.ts: createRng(seed·1000003 + 2·trial + 2), drawn mode by mode.
    const rng = createRng(3 * 1000003 + 2 * 1 + 2);
    const noise = Array.from({ length: 6 }, () => 0.6 * 0.5 * rng.normal());
    const want: number[] = [];
    for (let c = 0; c < 3; c++) for (let k = 0; k < 2; k++) want.push(detectDigit(x[c * 2 + k]! + noise[k * 3 + c]!, 0.5, 0, 8));
    expect([...r.digits]).toEqual(want);
    expect(want).not.toEqual([...compileCircuit(circuit(top)).run(x, 3).digits]);
  });

  it("ports named in<k> / out<k> only, in numeric order whatever the declaration order", () => {
    const w = (k: number) => ({ component: "waveguide", settings: { loss_db: 20 * k } });
    const top: Netlist = {
      instances: { a: w(0), b: w(1), c: w(2), x: w(0) },
      connections: {},
      // Declared out of order, plus names that only look like ports.
      ports: {
        in10: "c,o1",
        in2: "b,o1",
        in0: "a,o1",
        xin3: "x,o1",
        in3x: "x,o1",
        out10: "c,o2",
        xout1: "a,o2",
        out0: "a,o2",
        out1x: "b,o2",
        out2: "b,o2",
      },
    };
    const sim = compileCircuit(circuit(top));
    expect(sim.inputWidth).toBe(3);
    const r = sim.run(Float64Array.from([1, 2, 3]), 1);
    // in0 → a (×1), in2 → b (×0.1), in10 → c (×0.01); out0 = a, out2 = b, out10 = c.
    expect(r.width).toBe(3);
    expect(r.fields.re[0]).toBeCloseTo(1, 15);
    expect(r.fields.re[1]).toBeCloseTo(0.2, 15);
    expect(r.fields.re[2]).toBeCloseTo(0.03, 15);
  });

  it("unconnected source, activation and output ports carry no light", () => {
    const top: Netlist = {
      instances: {
        pam: { component: "pam_source", settings: { workers: 1, digits: 2, levels: 4, amplitude_per_level: 1 } },
        act: { component: "activation", settings: { function: "relu", modes: 2 } },
        w: { component: "waveguide", settings: {} },
      },
      connections: { "pam,out0": "act,in0", "pam,out1": "act,in1" },
      // pam's in1 is not a port (a dark PAM input); act's in1 is fed by it; out2 reads an unfed input pin.
      ports: { in0: "pam,in0", out0: "act,out0", out1: "act,out1", out2: "w,o1" },
    };
    const r = compileCircuit(circuit(top)).run(Float64Array.from([2, 3]), 2);
    expect([...r.fields.re]).toEqual([2, 0, 0, 3, 0, 0]);
    expect([...r.fields.im]).toEqual([0, 0, 0, 0, 0, 0]);
    const dark: Netlist = {
      instances: { act: { component: "activation", settings: { function: "relu", modes: 1 } } },
      connections: {},
      ports: { out0: "act,out0" },
    };
    expect([...compileCircuit(circuit(dark)).run(new Float64Array(0), 2).fields.re]).toEqual([0, 0]);
  });

  it("a sub-netlist may expose bidirectional ports next to its inputs and outputs", () => {
    const sub: Netlist = {
      instances: {
        g: { component: "waveguide", settings: { loss_db: 20 } },
        t: { component: "terminator", settings: {} },
        u: { component: "terminator", settings: {} },
      },
      connections: {},
      ports: { in0: "g,o1", out0: "g,o2", dump: "t,o1", dump2: "u,o1" },
    };
    const lookup = (c: string) => (c === "sub" ? sub : undefined);
    expect(netlistPortSpec(sub, noSubcircuits)).toEqual({ inputs: ["in0"], outputs: ["out0"], both: ["dump", "dump2"] });
    const top: Netlist = {
      instances: {
        s: { component: "sub", settings: {} },
        x: { component: "waveguide", settings: {} },
        y: { component: "waveguide", settings: {} },
      },
      connections: { "y,o2": "s,in0", "x,o2": "s,dump2" },
      ports: { in0: "y,o1", in1: "x,o1", out0: "s,out0" },
    };
    const t = transferMatrix(top, ["in0", "in1"], ["out0"], lookup);
    expect(t.re[0]).toBeCloseTo(0.1, 15);
    expect(t.re[1]).toBe(0);
  });

  it("an exported output keeps its field after the next instance consumes its inputs; an unfed output pin reads 0", () => {
    const nl: Netlist = {
      instances: { w: { component: "waveguide", settings: { loss_db: 20 } }, c: { component: "coupler", settings: { coupling: 0.5 } } },
      connections: {},
      ports: { in0: "w,o1", in1: "c,o2", in2: "c,o1", out0: "w,o2", out1: "c,o3", out2: "c,o1" },
    };
    const t = transferMatrix(nl, ["in0", "in1", "in2"], ["out0", "out1", "out2"]);
    expect([t.re[0], t.re[1], t.re[2]]).toEqual([0.1, 0, 0]); // out0 = 0.1·in0
    expect(t.re[4]).toBeCloseTo(H, 15); // out1 = in1/√2 + i·in2/√2
    expect(t.im[5]).toBeCloseTo(H, 15);
    expect([t.re[6], t.im[6], t.re[7], t.im[7], t.re[8], t.im[8]]).toEqual([0, 0, 0, 0, 0, 0]); // out2 is an input pin
  });

  it("an error inside a sub-netlist names the innermost instance once", () => {
    const sub: Netlist = { instances: { p: { component: "phase", settings: {} } }, connections: {}, ports: { in0: "p,o1", out0: "p,o2" } };
    const top: Netlist = { instances: { s: { component: "sub", settings: {} } }, connections: {}, ports: { in0: "s,in0", out0: "s,out0" } };
    expect(() => transferMatrix(top, ["in0"], ["out0"], (c) => (c === "sub" ? sub : undefined))).toThrow(
      /^instance "p" \(phase\): missing numeric setting "phi"$/,
    );
  });
});
