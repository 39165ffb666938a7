// `<name>.ports.json`: derived from the circuit alone. On a compiled unit every worker digit,
// bias source, output digit and the detector rule are listed as the netlist wires them; a circuit
// of another shape (a regenerated digit feeding a second stage and detector) and a bare mesh get
// the map their instances imply; the HTML report shows the same map as a table.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import type { Circuit, PortMap } from "../../netlist/ir.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { DETECTOR_RULE, portMap, writePortMap } from "../../netlist/formats/port-map.ts";
import { stageNetlist } from "../../netlist/formats/stage-netlist.ts";
import { reportHtml } from "../../pipeline/report/report-html.ts";
import { compiledSmallUnit, type CompiledUnit } from "./compiled-unit.ts";
import { clementsStage, table } from "./fixtures.ts";

describe("port map of a compiled unit", () => {
  let unit: CompiledUnit;
  let circuit: Circuit;
  let map: PortMap;
  beforeAll(async () => {
    unit = await compiledSmallUnit();
    circuit = readNetlistJson(readFileSync(join(unit.dir, "small.netlist.json"), "utf8"));
    map = JSON.parse(readFileSync(join(unit.dir, "small.ports.json"), "utf8"));
  });

  it("is the map of the emitted netlist, written deterministically", () => {
    expect(readFileSync(join(unit.dir, "small.ports.json"), "utf8")).toBe(writePortMap(circuit));
    expect(map).toEqual(portMap(circuit));
  });

  it("lists every worker digit once, worker-major as the modulator takes them, with its amplitude", () => {
    const src = circuit.netlists[circuit.top].instances.source.settings;
    const digits = map.inputs.filter((i) => i.kind === "worker-digit");
    expect(digits.map((i) => [i.port, i.worker, i.digit, i.weight])).toEqual([
      ["in0", 0, 0, 1],
      ["in1", 0, 1, 4],
      ["in2", 1, 0, 1],
      ["in3", 1, 1, 4],
    ]);
    for (const i of digits) expect(circuit.netlists[circuit.top].ports[i.port]).toBe(i.drives);
    for (const i of digits) expect(i.amplitudePerLevel).toBe(src.amplitude_per_level);
  });

  it("lists every bias source with its amplitude and the stage input it feeds", () => {
    const top = circuit.netlists[circuit.top];
    const bias = Object.entries(top.instances).filter(([, i]) => i.component === "bias_source");
    const listed = map.inputs.filter((i) => i.kind === "bias");
    expect(listed.map((b) => b.instance).sort()).toEqual(bias.map(([n]) => n).sort());
    for (const b of listed) {
      expect(b.amplitude).toBe(top.instances[b.instance]!.settings.amplitude);
      expect(top.connections[`${b.instance},out0`]).toBe(b.drives);
    }
    expect(listed.find((b) => b.instance === "preprocess_bias")).toMatchObject({ amplitude: 1, drives: "preprocess,in4" });
  });

  it("names each output's digit and the field its detector reads, and states the decision rule with half steps", () => {
    expect(map.outputs).toEqual([
      { port: "out0", kind: "digit", digit: 0, weight: 1, from: "detector,out0", reads: "layer4,out0" },
      { port: "out1", kind: "digit", digit: 1, weight: 4, from: "detector,out1", reads: "layer4,out1" },
    ]);
    expect(map.detectors).toHaveLength(1);
    expect(map.detectors[0]).toMatchObject({ instance: "detector", levels: 4, offset: 0, modes: 2, rule: DETECTOR_RULE });
    expect(DETECTOR_RULE).toMatch(/half step goes to the upper level/);
    // A detector without a reference decodes Re y itself: the entry has no reference keys (docs/reference/netlists.md §5).
    expect(map.detectors[0]).not.toHaveProperty("reference");
    expect(DETECTOR_RULE).toMatch(/with a reference .* y = y \* \(r \/ Re\(reference field\)\) if Re\(reference field\) > 0, else y = 0/);
    expect(map.format).toBe("optinc.ports/2");
    expect(map.function).toMatchObject({ rounding: "nearest-even", unit_input_offset: 8, unit_output_offset: 8, unit_divisor: 2 });
    expect(map.broadcast).toMatchObject({ emitted: false, workers: 2 });
    expect(map.broadcast.receivers[1]).toEqual({
      worker: 1,
      digits: [
        { digit: 0, port: "out0" },
        { digit: 1, port: "out1" },
      ],
    });
  });

  it("appears in the HTML report as a table", () => {
    const html = reportHtml(unit.result.report, unit.result);
    expect(html).toContain("<h2>Port map</h2>");
    expect(html).toContain("worker 1, digit 1 (×4)");
    expect(html).toContain("preprocess_bias");
    expect(html).toContain("result digit 0 (×1)");
    expect(html).toContain("half step goes to the upper level");
  });
});

describe("port maps of other circuit shapes", () => {
  it("a regenerated digit: detector → modulator → second stage → second detector", () => {
    const st = (name: string) => stageNetlist(clementsStage(2, name.length, name));
    const c: Circuit = {
      name: "regen",
      top: "regen",
      info: {},
      netlists: {
        regen: {
          instances: {
            src: { component: "pam_source", settings: { workers: 1, digits: 2, levels: 4, amplitude_per_level: 0.5 } },
            a: { component: "a_circuit", settings: { role: "unitary" } },
            det1: { component: "detector", settings: { levels: 4, step: 0.1, offset: 0, modes: 2 } },
            tx: { component: "pam_source", settings: { workers: 1, digits: 2, levels: 4, amplitude_per_level: 0.25 } },
            b: { component: "b_circuit", settings: { role: "unitary" } },
            det2: { component: "detector", settings: { levels: 4, step: 0.2, offset: 0.05, modes: 2 } },
          },
          connections: Object.fromEntries(
            [0, 1].flatMap((k) => [
              [`src,out${k}`, `a,in${k}`],
              [`a,out${k}`, `det1,in${k}`],
              [`det1,out${k}`, `tx,in${k}`],
              [`tx,out${k}`, `b,in${k}`],
              [`b,out${k}`, `det2,in${k}`],
            ]),
          ),
          ports: { in0: "src,in0", in1: "src,in1", out0: "det2,out0", out1: "det2,out1" },
        },
        a_circuit: st("a"),
        b_circuit: st("bb"),
      },
    };
    const m = portMap(c);
    expect(m.inputs.map((i) => i.kind)).toEqual(["worker-digit", "worker-digit", "regenerated", "regenerated"]);
    expect(m.inputs[2]).toMatchObject({ drives: "tx,in0", from: "det1,out0", amplitudePerLevel: 0.25 });
    expect(m.detectors.map((d) => d.instance)).toEqual(["det1", "det2"]);
    expect(m.outputs.map((o) => [o.port, o.digit, o.reads])).toEqual([
      ["out0", 0, "b,out0"],
      ["out1", 1, "b,out1"],
    ]);
  });

  it("a bare mesh: optical inputs and outputs, no detector, nobody to broadcast to", () => {
    const m = portMap(circuitFromPhaseTable(table([clementsStage(3, 1)]), "mesh"));
    expect(m.inputs).toEqual([0, 1, 2].map((k) => ({ kind: "optical", port: `in${k}`, drives: `mesh3,in${k}` })));
    expect(m.outputs.map((o) => o.kind)).toEqual(["optical", "optical", "optical"]);
    expect(m.detectors).toEqual([]);
    expect(m.broadcast).toMatchObject({ emitted: false, workers: 0, receivers: [] });
  });
});
