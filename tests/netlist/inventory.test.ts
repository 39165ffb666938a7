// The inventory of a circuit (netlist/inventory.ts) and the report's hardware figures built on it
// (compiler/onn/hardware.ts emittedHardware), on a hand-written circuit counted by hand: MZIs (with
// θ = φ = 0, so only the wiring marks their shifters), an attenuator, a tree MZI written as
// primitives, fixed couplers, plain and phased waveguides, terminators, an amplifier, a top-level
// coupler, a zero and a non-zero bias source, modulators, activations and detectors.
import { describe, expect, it } from "vitest";
import { emittedHardware, layerCost, svdMziCount } from "../../compiler/onn/hardware.ts";
import type { Circuit, Netlist } from "../../netlist/ir.ts";
import { circuitInventory, type CircuitInventory, type StageInventory } from "../../netlist/inventory.ts";

/** An MZI written as primitives (as netlist/subcircuits.ts builds one), its arm marked `tree`. */
function treeMzi(p: string): Netlist {
  return {
    instances: {
      [`${p}phi`]: { component: "phase", settings: { phi: 0 } },
      [`${p}A`]: { component: "coupler", settings: { coupling: 0.5 } },
      [`${p}th`]: { component: "phase", settings: { phi: 0, arm: "top", tree: 1 } },
      [`${p}ref`]: { component: "waveguide", settings: { arm: "bottom" } },
      [`${p}B`]: { component: "coupler", settings: { coupling: 0.5 } },
    },
    connections: {
      [`${p}phi,o2`]: `${p}A,o2`,
      [`${p}A,o3`]: `${p}th,o1`,
      [`${p}A,o4`]: `${p}ref,o1`,
      [`${p}th,o2`]: `${p}B,o2`,
      [`${p}ref,o2`]: `${p}B,o1`,
    },
    ports: {},
  };
}

function circuit(): Circuit {
  const tree = treeMzi("t");
  const stage: Netlist = {
    instances: {
      m1: { component: "mzi", settings: { theta: 0, phi: 0 } },
      a1: { component: "attenuator", settings: { theta: 1, phi: 0 } },
      ...tree.instances,
      p0: { component: "phase", settings: { phi: 0 } }, // still a heater: a phase set to 0 is tunable
      p1: { component: "phase", settings: { phi: 0.3 } },
      fc: { component: "coupler", settings: { coupling: 0.2 } },
      w: { component: "waveguide", settings: {} },
      t: { component: "terminator", settings: {} },
      amp: { component: "amplifier", settings: { gain: 2 } },
    },
    connections: { ...tree.connections, "p0,o2": "fc,o2", "m1,o4": "tphi,o1" },
    ports: { in0: "m1,o1", in1: "m1,o2", in2: "fc,o1", out0: "m1,o3", out1: "fc,o3" },
  };
  const pre: Netlist = {
    instances: { k1: { component: "coupler", settings: { coupling: 0.5 } }, k2: { component: "coupler", settings: { coupling: 0.5 } } },
    connections: { "k1,o3": "k2,o1" },
    ports: { in0: "k1,o1", out0: "k2,o3" },
  };
  const bcTree = treeMzi("b");
  const bc: Netlist = {
    instances: {
      ...bcTree.instances,
      s: { component: "coupler", settings: { coupling: 0.5 } },
      s2: { component: "coupler", settings: { coupling: 0.5 } },
    },
    connections: { ...bcTree.connections, "s,o3": "bphi,o1", "s,o4": "s2,o1" },
    ports: { in0: "s,o1", out0: "bB,o3", out1: "bB,o4", out2: "s2,o3" },
  };
  const top: Netlist = {
    instances: {
      src: { component: "pam_source", settings: { workers: 2, digits: 3, levels: 4, amplitude_per_level: 0.25 } },
      b0: { component: "bias_source", settings: { amplitude: 0 } },
      b1: { component: "bias_source", settings: { amplitude: 0.5 } },
      pre: { component: "pre", settings: { role: "preprocess" } },
      st: { component: "stage", settings: { role: "sigma-u" } },
      c: { component: "coupler", settings: { coupling: 0.5, role: 7 } },
      bc: { component: "bc", settings: { role: "broadcast" } },
      act: { component: "activation", settings: { function: "relu", modes: 3 } },
      det: { component: "detector", settings: { modes: 2, levels: 4, step: 1 } },
    },
    connections: {},
    ports: {},
  };
  return { name: "hand", top: "top", netlists: { top, stage, pre, bc }, info: {} };
}

const zero = { mzis: 0, treeMzis: 0, mziCouplers: 0, fixedCouplers: 0, phaseShifters: 0, waveguides: 0, terminators: 0, amplifiers: 0 };

describe("circuit inventory", () => {
  it("counts a hand-written circuit as counted by hand", () => {
    const inv = circuitInventory(circuit());
    expect(inv.biasSources).toBe(1); // b0 emits nothing
    expect(inv.modulators).toBe(6);
    expect(inv.activations).toBe(3);
    expect(inv.detectors).toBe(2);
    const stages: StageInventory[] = [
      { instance: "pre", netlist: "pre", role: "preprocess", inputs: 1, outputs: 1, ...zero, fixedCouplers: 2 },
      // m1 (θ = φ = 0), a1, the tree MZI: 3 MZIs, 6 of their couplers, 2 shifters each; p1; refs and w;
      // a1's dark and dump terminators and t; the amplifier; fc is fixed; p0 (φ = 0) is a shifter too.
      {
        instance: "st",
        netlist: "stage",
        role: "sigma-u",
        inputs: 3,
        outputs: 2,
        mzis: 3,
        treeMzis: 1,
        mziCouplers: 6,
        fixedCouplers: 1,
        phaseShifters: 8,
        waveguides: 4,
        terminators: 3,
        amplifiers: 1,
      },
      // A top-level coupler is a stage of its own; a role that is not a string is no role.
      { instance: "c", netlist: "coupler", role: "", inputs: 2, outputs: 2, ...zero, fixedCouplers: 1 },
      {
        instance: "bc",
        netlist: "bc",
        role: "broadcast",
        inputs: 1,
        outputs: 3,
        mzis: 1,
        treeMzis: 1,
        mziCouplers: 2,
        fixedCouplers: 2,
        phaseShifters: 2,
        waveguides: 1,
        terminators: 0,
        amplifiers: 0,
      },
    ];
    expect(inv.stages).toEqual(stages);
  });

  it("refuses a circuit without its top netlist, and one whose instance names the top netlist", () => {
    expect(() => circuitInventory({ ...circuit(), top: "none" })).toThrow('circuit "hand": top netlist "none" is missing');
    const c = circuit();
    c.netlists.top!.instances.self = { component: "top", settings: {} };
    expect(() => circuitInventory(c)).toThrow('instance "self": unknown component "top"');
  });
});

describe("the report's hardware figures from an inventory", () => {
  // Built inside each test, so an inventory that throws fails tests instead of the file's collection
  // (Stryker 9.6.1's vitest runner counts a file that fails to collect as a surviving mutant).
  const inventory = (): CircuitInventory => circuitInventory(circuit());

  it("layers are the stages that are not preprocessing or broadcast, labelled by the plan when it has one entry per layer", () => {
    const plan = [layerCost(1, 2, 3, { kind: "svd" }), layerCost(2, 2, 2, { kind: "sigma-u", s: 2 })];
    const h = emittedHardware(inventory(), plan);
    expect(h.layers).toEqual([
      { layer: 1, rows: 2, cols: 3, mapping: "svd", mzi: 2, mziSvd: svdMziCount(2, 3), couplers: 1 },
      { layer: 2, rows: 2, cols: 2, mapping: "sigma-u/2", mzi: 0, mziSvd: svdMziCount(2, 2), couplers: 1 },
    ]);
    expect(h.mzi).toBe(2);
    expect(h.mziUnapproximated).toBe(6 + 4);
    expect(h.areaRatio).toBe(2 / 10);
    expect(h.segmentCouplers).toBe(2);
    expect(h.treeMzi).toBe(2);
    expect(h.preprocessCouplers).toBe(2);
    // The broadcast stage's two fixed couplers plus its tree MZI's two couplers, less those two: 2.
    expect(h.broadcastCouplers).toBe(2);
    expect([h.activations, h.biasSources, h.detectors]).toEqual([3, 1, 2]);
  });

  it("without a matching plan, a layer is labelled by its stage's role", () => {
    const inv = inventory();
    expect(emittedHardware(inv).layers.map((l) => [l.layer, l.mapping])).toEqual([
      [1, "sigma-u"],
      [2, ""],
    ]);
    expect(emittedHardware(inv, [layerCost(1, 2, 3, { kind: "svd" })]).layers.map((l) => l.mapping)).toEqual(["sigma-u", ""]);
    const one: CircuitInventory = { ...inv, stages: inv.stages.filter((s) => s.instance === "st") };
    expect(emittedHardware(one).layers.map((l) => l.mapping)).toEqual(["sigma-u"]);
  });

  it("no layer stage: no MZIs, area ratio 0", () => {
    const inv = inventory();
    const none: CircuitInventory = { ...inv, stages: inv.stages.filter((s) => s.role === "preprocess") };
    const h = emittedHardware(none);
    expect([h.layers.length, h.mzi, h.mziUnapproximated, h.areaRatio, h.preprocessCouplers, h.broadcastCouplers]).toEqual([
      0, 0, 0, 0, 2, 0,
    ]);
  });
});
