// Every primitive model (netlist/models.ts, mzi.ts, subcircuits.ts) at its edges: settings checks
// and their messages, tolerances, defaults, exact transfer entries (phases included), port maps,
// and the one-line convention each model writes into every netlist.json.
import { describe, expect, it } from "vitest";
import { attenuatorSetting, couplerMatrix, mziEntries, TWO_PI, wrapPhase } from "../../netlist/mzi.ts";
import type { Netlist } from "../../netlist/ir.ts";
import {
  activationFn,
  attenuatorNetlist,
  couplerTransfer,
  effectiveCoupling,
  getModel,
  lossAmplitude,
  MODELS,
  num,
  pamAmplitude,
  phaseTransfer,
  waveguideTransfer,
} from "../../netlist/models.ts";
import { PORTS_1PORT, PORTS_2PORT, PORTS_2X2 } from "../../netlist/ports.ts";
import { transferMatrix } from "../../netlist/sim/propagate.ts";
import { combinerNetlist, mziNetlist, splitterTreeNetlist } from "../../netlist/subcircuits.ts";

type Entries = [number, number][][];

/** The model's forward transfer matrix as [re, im] entries, outputs × inputs. */
function entries(component: string, settings: Record<string, number | string>): Entries {
  const m = MODELS[component]!;
  const spec = m.ports(settings);
  const nl: Netlist = {
    instances: { x: { component, settings } },
    connections: {},
    ports: Object.fromEntries([...spec.inputs, ...spec.outputs].map((p) => [p, `x,${p}`])),
  };
  const t = transferMatrix(nl, spec.inputs, spec.outputs);
  return Array.from({ length: t.rows }, (_, i) =>
    Array.from({ length: t.cols }, (_, j): [number, number] => [t.re[i * t.cols + j]!, t.im[i * t.cols + j]!]),
  );
}

function expectEntries(got: Entries, want: Entries, tol = 1e-15): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => {
    expect(row.length).toBe(want[i]!.length);
    row.forEach(([re, im], j) => {
      expect(Math.abs(re - want[i]![j]![0]), `re[${i}][${j}]`).toBeLessThanOrEqual(tol);
      expect(Math.abs(im - want[i]![j]![1]), `im[${i}][${j}]`).toBeLessThanOrEqual(tol);
    });
  });
}

const H = Math.SQRT1_2;

describe("settings", () => {
  it("num: the value, a fallback for a missing key, and clear errors", () => {
    expect(num({ a: 2 }, "a")).toBe(2);
    expect(num({}, "a", 7)).toBe(7);
    expect(num({ a: 0 }, "a", 7)).toBe(0);
    expect(() => num({}, "gain")).toThrow('missing numeric setting "gain"');
    expect(() => num({ gain: "x" }, "gain")).toThrow('setting "gain" must be a finite number, got "x"');
    expect(() => num({ gain: Infinity }, "gain", 1)).toThrow('setting "gain" must be a finite number, got null');
    expect(() => num({ gain: NaN }, "gain")).toThrow(/must be a finite number/);
  });

  it("integer settings (tree sizes, port counts) must be non-negative integers", () => {
    expect(() => MODELS.splitter_tree!.ports({ n: 2.5 })).toThrow('setting "n" must be a non-negative integer, got 2.5');
    expect(() => MODELS.combiner!.ports({ n: -4 })).toThrow('setting "n" must be a non-negative integer, got -4');
    expect(MODELS.detector!.ports({ modes: 0 })).toEqual({ inputs: [], outputs: [], both: [] });
    expect(() => MODELS.activation!.ports({})).toThrow('missing numeric setting "modes"');
  });

  it("loss in dB → amplitude 10^(−dB/20)", () => {
    expect(lossAmplitude(0)).toBe(1);
    expect(lossAmplitude(20)).toBeCloseTo(0.1, 16);
    expect(lossAmplitude(-20)).toBeCloseTo(10, 14);
    expect(lossAmplitude(3)).toBeCloseTo(0.7079457843841379, 16);
  });

  it("coupler power coupling: coupling (0.5) + imbalance, within [0, 1] up to 1e−15, clamped", () => {
    expect(effectiveCoupling({})).toBe(0.5);
    expect(effectiveCoupling({ coupling: 0.2, imbalance: 0.05 })).toBeCloseTo(0.25, 16);
    expect(effectiveCoupling({ coupling: 1, imbalance: 5e-16 })).toBe(1);
    expect(effectiveCoupling({ coupling: 1, imbalance: 1e-15 })).toBe(1); // exactly at the tolerance
    expect(effectiveCoupling({ coupling: 0, imbalance: -1e-15 })).toBe(0);
    expect(effectiveCoupling({ coupling: 0, imbalance: -5e-16 })).toBe(0);
    expect(effectiveCoupling({ coupling: 1 })).toBe(1);
    expect(effectiveCoupling({ coupling: 0 })).toBe(0);
    expect(() => effectiveCoupling({ coupling: 1, imbalance: 1e-14 })).toThrow("coupler power coupling 1.00000000000001 is outside [0, 1]");
    expect(() => effectiveCoupling({ coupling: 0, imbalance: -1e-14 })).toThrow(/coupler power coupling -1e-14 is outside \[0, 1\]/);
  });
});

describe("leaf transfer matrices", () => {
  it("coupler [[τ, iκ], [iκ, τ]], τ = √(1 − k), κ = √k, in mode order (o2, o1) → (o3, o4)", () => {
    const c = couplerTransfer({ coupling: 0.36 });
    expect([c.rows, c.cols, ...c.re, ...c.im]).toEqual([2, 2, 0.8, 0, 0, 0.8, 0, 0.6, 0.6, 0]);
    expectEntries(entries("coupler", {}), [
      [
        [H, 0],
        [0, H],
      ],
      [
        [0, H],
        [H, 0],
      ],
    ]);
    expect(couplerMatrix(0.36)).toEqual([
      [
        [0.8, 0],
        [0, 0.6],
      ],
      [
        [0, 0.6],
        [0.8, 0],
      ],
    ]);
  });

  it("phase shifter a·e^{iφ}; waveguide a (no phase); amplifier × gain; terminator has no transfer", () => {
    const p = phaseTransfer({ phi: Math.PI / 2, loss_db: 20 });
    expect(p.re[0]).toBeCloseTo(0, 16);
    expect(p.im[0]).toBeCloseTo(0.1, 16);
    expect(phaseTransfer({ phi: 0 }).re[0]).toBe(1);
    expect([...waveguideTransfer({}).re, ...waveguideTransfer({}).im]).toEqual([1, 0]);
    expect(waveguideTransfer({ loss_db: 20 }).re[0]).toBeCloseTo(0.1, 16);
    expectEntries(entries("amplifier", { gain: 2.5 }), [[[2.5, 0]]]);
    const t = MODELS.terminator!.transfer!({});
    expect([t.rows, t.cols]).toEqual([0, 0]);
  });

  it("kinds, port maps and which leaves are reciprocal (the S-matrix solver accepts only those)", () => {
    const kinds = Object.fromEntries(Object.entries(MODELS).map(([k, m]) => [k, m.kind]));
    expect(kinds).toEqual({
      coupler: "linear",
      phase: "linear",
      waveguide: "linear",
      crossing: "linear",
      junction: "linear",
      amplifier: "linear",
      terminator: "linear",
      mzi: "linear",
      attenuator: "linear",
      splitter_tree: "linear",
      combiner: "linear",
      bias_source: "source",
      pam_source: "source",
      activation: "nonlinear",
      detector: "detector",
    });
    expect(
      Object.entries(MODELS)
        .filter(([, m]) => m.reciprocal)
        .map(([k]) => k),
    ).toEqual(["coupler", "phase", "waveguide", "crossing", "junction", "terminator"]);
    expect([
      MODELS.coupler!.ports({}),
      MODELS.mzi!.ports({}),
      MODELS.phase!.ports({}),
      MODELS.waveguide!.ports({}),
      MODELS.amplifier!.ports({}),
      MODELS.attenuator!.ports({}),
      MODELS.terminator!.ports({}),
    ]).toEqual([PORTS_2X2, PORTS_2X2, PORTS_2PORT, PORTS_2PORT, PORTS_2PORT, PORTS_2PORT, PORTS_1PORT]);
    expect(MODELS.bias_source!.ports({})).toEqual({ inputs: [], outputs: ["out0"], both: [] });
    expect(MODELS.pam_source!.ports({ workers: 2, digits: 3 }).inputs).toEqual(["in0", "in1", "in2", "in3", "in4", "in5"]);
    expect(MODELS.pam_source!.ports({ workers: 2, digits: 3 }).outputs).toHaveLength(6);
    expect(MODELS.activation!.ports({ modes: 2 })).toEqual({ inputs: ["in0", "in1"], outputs: ["out0", "out1"], both: [] });
    expect(MODELS.splitter_tree!.ports({ n: 4 })).toEqual({ inputs: ["in0"], outputs: ["out0", "out1", "out2", "out3"], both: [] });
    expect(MODELS.combiner!.ports({ n: 2 })).toEqual({ inputs: ["in0", "in1"], outputs: ["out0"], both: [] });
  });

  it("a junction passes o1 → o2 with the crossing's loss", () => {
    expect(MODELS.junction!.ports({})).toEqual(PORTS_2PORT);
    const a = 10 ** (-0.3 / 20);
    expectEntries(entries("junction", { loss_db: 0.3 }), [[[a, 0]]]);
    expectEntries(entries("junction", {}), [[[1, 0]]]);
  });

  it("a crossing sends the top input to the bottom output and the bottom input to the top, with its loss", () => {
    expect(MODELS.crossing!.ports({})).toEqual(PORTS_2X2);
    const a = 10 ** (-0.3 / 20);
    expectEntries(entries("crossing", { loss_db: 0.3 }), [
      [
        [0, 0],
        [a, 0],
      ],
      [
        [a, 0],
        [0, 0],
      ],
    ]);
    expectEntries(entries("crossing", {}), [
      [
        [0, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [0, 0],
      ],
    ]);
  });

  it("getModel finds only the models themselves", () => {
    expect(getModel("coupler")).toBe(MODELS.coupler);
    expect(getModel("toString")).toBeUndefined();
    expect(getModel("constructor")).toBeUndefined();
    expect(getModel("nope")).toBeUndefined();
  });

  it("each model's one-line convention (written into every netlist.json) states its transfer function", () => {
    const doc = Object.fromEntries(Object.entries(MODELS).map(([k, m]) => [k, m.doc]));
    expect(doc).toEqual({
      coupler: "2×2 directional coupler [[τ, iκ], [iκ, τ]], κ² = coupling + imbalance",
      phase: "phase shifter o1 → o2: 10^(−loss_db/20) · e^{i·phi}",
      waveguide: "waveguide o1 → o2 with loss: 10^(−loss_db/20) (phase referenced to its partner arm)",
      crossing: "waveguide crossing (drawn by optinc layout): o2 → o4 and o1 → o3 straight through, amplitude 10^(−loss_db/20)",
      junction:
        "a track through a crossing layer it does not cross (drawn by optinc layout): o1 → o2, amplitude 10^(−loss_db/20), loss-matched to a crossing",
      amplifier: "gain block o1 → o2 (the stage's σ_max scale): amplitude × gain",
      terminator: "absorbing termination: a dark input or a dumped output",
      mzi: "MZ-in MZI B·P(θ)·B·P(φ) as couplers + phase shifters (netlist/subcircuits.ts)",
      attenuator: "single-mode attenuator: an MZI whose bottom input is dark and bottom output dumped",
      splitter_tree: "1 → n tree of 50:50 couplers (the broadcast unit)",
      combiner: "n → 1 tree of 50:50 couplers: out0 = Σ in_k / √n for in-phase inputs",
      bias_source: "constant optical source of real amplitude `amplitude` on out0",
      pam_source: "PAM modulator array: electrical digit d on in<k> → amplitude d·amplitude_per_level on out<k>",
      activation:
        "per-mode coherent nonlinearity: relu z ↦ z if Re z > 0 else 0; leaky-relu else slope·z; then, per mode when set, `limit` (z scaled down to Re z = limit above it) and `gain` (a regenerating read writes its output on fresh light)",
      detector:
        "homodyne Re(field) + threshold decoding: clamp(round((Re y − offset)/step), 0, levels−1); step and offset per mode when lists; with `reference`, one more input (last) and Re y scaled by reference/Re y_ref first",
    });
  });
});

describe("composite models", () => {
  it("mzi with unequal couplers and loss: B(k_b)·a·P(θ)·B(k_a)·P(φ) with the loss on both arms", () => {
    const [theta, phi, ka, kb, db] = [1.1, 0.4, 0.45, 0.58, 0.3];
    const a = 10 ** (-db / 20);
    // Hand product, modes (top, bottom): P(φ) = diag(e^{iφ}, 1), B(k) = [[√(1−k), i√k], [i√k, √(1−k)]].
    type C = [number, number];
    const mul = (x: C, y: C): C => [x[0] * y[0] - x[1] * y[1], x[0] * y[1] + x[1] * y[0]];
    const add = (x: C, y: C): C => [x[0] + y[0], x[1] + y[1]];
    const mm = (A: C[][], B: C[][]): C[][] =>
      A.map((r) => B[0]!.map((_, j) => r.reduce((s, v, k) => add(s, mul(v, B[k]![j]!)), [0, 0] as C)));
    const Bk = (k: number): C[][] => [
      [
        [Math.sqrt(1 - k), 0],
        [0, Math.sqrt(k)],
      ],
      [
        [0, Math.sqrt(k)],
        [Math.sqrt(1 - k), 0],
      ],
    ];
    const P = (x: number, amp = 1): C[][] => [
      [
        [amp * Math.cos(x), amp * Math.sin(x)],
        [0, 0],
      ],
      [
        [0, 0],
        [amp, 0],
      ],
    ];
    const want = mm(mm(mm(Bk(kb), P(theta, a)), Bk(ka)), P(phi));
    expectEntries(entries("mzi", { theta, phi, coupling_a: ka, coupling_b: kb, loss_db: db }), want);
    // Defaults: 50:50 couplers, no loss: the MZ-in matrix.
    const e = mziEntries(theta, phi);
    expectEntries(entries("mzi", { theta, phi }), [
      [
        [e.re[0], e.im[0]],
        [e.re[1], e.im[1]],
      ],
      [
        [e.re[2], e.im[2]],
        [e.re[3], e.im[3]],
      ],
    ]);
  });

  it("mzi netlist: the five named primitives, wired and exposed as documented", () => {
    const m = mziNetlist({ theta: 1, phi: 2, lossDb: 0.5, couplingA: 0.4, couplingB: 0.6 });
    expect(m.instances).toEqual({
      phi: { component: "phase", settings: { phi: 2 } },
      bsA: { component: "coupler", settings: { coupling: 0.4 } },
      theta: { component: "phase", settings: { phi: 1, arm: "top", loss_db: 0.5 } },
      ref: { component: "waveguide", settings: { arm: "bottom", loss_db: 0.5 } },
      bsB: { component: "coupler", settings: { coupling: 0.6 } },
    });
    expect(m.ports).toEqual({ o1: "bsA,o1", o2: "phi,o1", o3: "bsB,o3", o4: "bsB,o4" });
    expect(mziNetlist({ theta: 0, phi: 0 }).instances.bsA!.settings).toEqual({ coupling: 0.5 });
    expect(mziNetlist({ theta: 0, phi: 0 }).instances.ref!.settings).toEqual({ arm: "bottom", loss_db: 0 });
  });

  it("attenuator: the MZI's top-to-top transmission, scaled by its loss; bottom in dark, bottom out dumped", () => {
    const { theta, phi } = attenuatorSetting([0.3, -0.4]);
    expectEntries(entries("attenuator", { theta, phi }), [[[0.3, -0.4]]]);
    const a = 10 ** (-1 / 20);
    expectEntries(entries("attenuator", { theta, phi, loss_db: 1 }), [[[0.3 * a, -0.4 * a]]]);
    const nl = attenuatorNetlist(theta, phi, 0);
    expect(nl.instances.dark).toEqual({ component: "terminator", settings: {} });
    expect(nl.instances.dump).toEqual({ component: "terminator", settings: {} });
    expect(nl.connections["dark,o1"]).toBe("bsA,o1");
    expect(nl.connections["bsB,o4"]).toBe("dump,o1");
    expect(nl.ports).toEqual({ o1: "phi,o1", o2: "bsB,o3" });
  });

  it("splitter trees: amplitude 1/√n on every output with a factor i per crossed coupler", () => {
    expectEntries(entries("splitter_tree", { n: 1 }), [[[1, 0]]]);
    expectEntries(entries("splitter_tree", { n: 2 }), [[[H, 0]], [[0, H]]]);
    // out0: bar·bar, out1: bar·cross, out2: cross·bar, out3: cross·cross = i² = −1.
    expectEntries(entries("splitter_tree", { n: 4 }), [[[0.5, 0]], [[0, 0.5]], [[0, 0.5]], [[-0.5, 0]]]);
    const t8 = entries("splitter_tree", { n: 8 });
    t8.forEach(([[re, im]], k) => {
      const crosses = [0, 1, 2].filter((b) => (k >> b) & 1).length;
      const phase = [
        [1, 0],
        [0, 1],
        [-1, 0],
        [0, -1],
      ][crosses]!;
      expect(re).toBeCloseTo(phase[0]! / Math.sqrt(8), 15);
      expect(im).toBeCloseTo(phase[1]! / Math.sqrt(8), 15);
    });
  });

  it("combiners: out0 = Σ in_k / √n, real, for in-phase inputs", () => {
    expectEntries(entries("combiner", { n: 1 }), [[[1, 0]]]);
    expectEntries(entries("combiner", { n: 2 }), [
      [
        [H, 0],
        [H, 0],
      ],
    ]);
    expectEntries(entries("combiner", { n: 4 }), [
      [
        [0.5, 0],
        [0.5, 0],
        [0.5, 0],
        [0.5, 0],
      ],
    ]);
    expectEntries(entries("combiner", { n: 8 }), [Array.from({ length: 8 }, (): [number, number] => [1 / Math.sqrt(8), 0])]);
  });

  it("tree sizes must be powers of two ≥ 1", () => {
    for (const n of [0, 3, 6, 2.5, -4]) {
      expect(() => splitterTreeNetlist(n)).toThrow(`splitter_tree: n must be a power of two ≥ 1, got ${n}`);
      expect(() => combinerNetlist(n)).toThrow(`combiner: n must be a power of two ≥ 1, got ${n}`);
    }
    expect(Object.keys(splitterTreeNetlist(2).instances)).toEqual(["c0_0", "t0_0"]);
    expect(Object.keys(combinerNetlist(2).instances)).toEqual(["c0_0", "p0_0", "t0_0"]);
    // The emitted netlists carry every coupler's setting and exactly the tree's ports.
    for (const nl of [splitterTreeNetlist(8), combinerNetlist(8)]) {
      const couplers = Object.values(nl.instances).filter((i) => i.component === "coupler");
      expect(couplers).toHaveLength(7);
      for (const c of couplers) expect(c.settings).toEqual({ coupling: 0.5 });
    }
    expect(Object.keys(splitterTreeNetlist(4).ports)).toEqual(["in0", "out0", "out1", "out2", "out3"]);
    expect(Object.keys(combinerNetlist(4).ports).sort()).toEqual(["in0", "in1", "in2", "in3", "out0"]);
  });
});

describe("MZI convention helpers", () => {
  it("wrapPhase maps into [0, 2π)", () => {
    expect(wrapPhase(0)).toBe(0);
    expect(wrapPhase(TWO_PI)).toBe(0);
    expect(wrapPhase(7)).toBeCloseTo(7 - TWO_PI, 15);
    expect(wrapPhase(-1)).toBeCloseTo(TWO_PI - 1, 15);
    expect(wrapPhase(-3 * TWO_PI - 0.5)).toBeCloseTo(TWO_PI - 0.5, 13);
    // −1e−300 + 2π rounds to 2π itself, which must still wrap to 0.
    expect(wrapPhase(-1e-300)).toBe(0);
    // The smallest negative double: x / 2π underflows to −0, floor keeps −0, and x itself is left;
    // shifted by 2π it rounds to 2π, which wraps to 0.
    expect(-Number.MIN_VALUE / TWO_PI).toBe(-0);
    expect(wrapPhase(-Number.MIN_VALUE)).toBe(0);
  });

  it("attenuatorSetting: θ = 2 asin|σ|, φ = arg σ − π/2 − θ/2; 0 → (0, 0); |σ| ≤ 1 up to 1e−12", () => {
    expect(attenuatorSetting([0, 0])).toEqual({ theta: 0, phi: 0 });
    const s = attenuatorSetting([-0.5, 0]);
    expect(s.theta).toBeCloseTo(Math.PI / 3, 15);
    expect(s.phi).toBeCloseTo(Math.PI / 3, 15); // π − π/2 − π/6
    expect(attenuatorSetting([1 + 1e-13, 0]).theta).toBe(Math.PI);
    expect(attenuatorSetting([1 + 1e-12, 0]).theta).toBe(Math.PI); // exactly at the tolerance
    expect(() => attenuatorSetting([0.8, 0.7])).toThrow(/attenuator \|σ\| = 1\.06\d* exceeds 1 \(not passive\)/);
    expect(() => attenuatorSetting([1 + 1e-11, 0])).toThrow(RangeError);
  });
});

describe("non-linear behaviour", () => {
  it("PAM source: digit d → d · amplitude_per_level", () => {
    expect(pamAmplitude({ amplitude_per_level: 0.25 }, 3)).toBe(0.75);
    expect(pamAmplitude({ amplitude_per_level: 0.25 }, 0)).toBe(0);
    expect(() => pamAmplitude({}, 1)).toThrow('missing numeric setting "amplitude_per_level"');
  });

  it("activations act only on [from, to) and treat NaN as not positive", () => {
    const re = Float64Array.from([-1, -2, 3, NaN, -5]);
    const im = Float64Array.from([1, 1, 1, 1, 1]);
    activationFn({ function: "relu" })(re, im, 1, 4);
    expect([...re]).toEqual([-1, 0, 3, 0, -5]);
    expect([...im]).toEqual([1, 0, 1, 0, 1]);
    const r2 = Float64Array.from([-2, 0, 2]);
    const i2 = Float64Array.from([4, 4, 4]);
    activationFn({ function: "leaky-relu", slope: 0.5 })(r2, i2, 0, 3);
    expect([...r2, ...i2]).toEqual([-1, 0, 2, 2, 2, 4]);
    const r3 = Float64Array.from([-2, -2, -2]);
    const i3 = Float64Array.from([1, 1, 1]);
    activationFn({ function: "leaky-relu", slope: 0.5 })(r3, i3, 0, 2);
    expect([...r3, ...i3]).toEqual([-1, -1, -2, 0.5, 0.5, 1]);
    expect(() => activationFn({ function: "leaky-relu" })).toThrow('missing numeric setting "slope"');
    expect(() => activationFn({})).toThrow('activation: unknown function undefined (expected "relu" or "leaky-relu")');
  });
});
