// The detector's decision, digit = clamp(round((Re y − offset) / step), 0, levels − 1), through the
// simulator itself: outputs below 0, above the top level and at exact half steps, against digits
// worked out by hand. Half steps round up (towards +∞), as Math.round does; every value below is
// exact in binary, so (Re y − offset) / step lands exactly on the half step.
import { describe, expect, it } from "vitest";
import type { Circuit } from "../../netlist/ir.ts";
import { detectDigit, detectorThresholds } from "../../netlist/models.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";

/** A top netlist whose inputs feed a detector directly: run() takes the field amplitudes. */
function detectorOnly(modes: number, levels: number, step: number, offset: number): Circuit {
  const ports: Record<string, string> = {};
  for (let k = 0; k < modes; k++) {
    ports[`in${k}`] = `det,in${k}`;
    ports[`out${k}`] = `det,out${k}`;
  }
  return {
    name: "det",
    top: "top",
    netlists: { top: { instances: { det: { component: "detector", settings: { modes, levels, step, offset } } }, connections: {}, ports } },
    info: {},
  };
}

function simulate(levels: number, step: number, offset: number, fields: number[]): number[] {
  const sim = compileCircuit(detectorOnly(1, levels, step, offset));
  expect(sim.hasDetector).toBe(true);
  return [...sim.run(Float64Array.from(fields), fields.length).digits];
}

// PAM4, step 0.5, offset 0.25: level d sits at 0.25 + 0.5·d, half steps at 0.5·d.
const PAM4: [string, number, number][] = [
  ["far below 0", -7, 0],
  ["one step below level 0", -0.25, 0],
  ["half a step below level 0 (u = −0.5 → −0)", 0, 0],
  ["just above that half step", 0.0000001, 0],
  ["level 0", 0.25, 0],
  ["half step 0|1 (u = 0.5) rounds up", 0.5, 1],
  ["just below half step 0|1", 0.4999999, 0],
  ["level 1", 0.75, 1],
  ["half step 1|2 (u = 1.5) rounds up", 1, 2],
  ["half step 2|3 (u = 2.5) rounds up", 1.5, 3],
  ["just below half step 2|3", 1.4999999, 2],
  ["level 3", 1.75, 3],
  ["half a step above the top level (u = 3.5 → 4)", 2, 3],
  ["u = 3.4 rounds to the top level itself", 1.95, 3],
  ["u = 3.6 rounds past the top level", 2.05, 3],
  ["far above the top", 1e6, 3],
];

describe("detector decision in the simulator", () => {
  it.each(PAM4)("PAM4 %s: Re y = %s → digit %s", (_what, field, digit) => {
    expect(simulate(4, 0.5, 0.25, [field])).toEqual([digit]);
    expect(detectDigit(field, 0.5, 0.25, 4)).toBe(digit);
  });

  it("one batch of all those fields decodes the same as one by one", () => {
    expect(
      simulate(
        4,
        0.5,
        0.25,
        PAM4.map((p) => p[1]),
      ),
    ).toEqual(PAM4.map((p) => p[2]));
  });

  it("PAM2 and PAM8: clamp at 0 and at levels − 1, half steps round up", () => {
    // PAM2, step 1, offset 0: u = Re y.
    expect(simulate(2, 1, 0, [-3, -0.5, 0.5, 1, 1.5, 9])).toEqual([0, 0, 1, 1, 1, 1]);
    // PAM8, step 0.25, offset −0.5: u = 4·Re y + 2.
    expect(simulate(8, 0.25, -0.5, [-0.625, -0.5, -0.375, 0, 0.625, 0.75, 1.125, 1.25, 5])).toEqual([0, 0, 1, 2, 5, 5, 7, 7, 7]);
  });

  it("every mode of a multi-mode detector decides alone", () => {
    const sim = compileCircuit(detectorOnly(3, 4, 1, 0));
    const r = sim.run(Float64Array.from([-1, 1.5, 9, 3.5, 0.5, 2.49]), 2);
    expect(r.width).toBe(3);
    expect([...r.digits]).toEqual([0, 2, 3, 3, 1, 2]);
    // The readout fields are the detector's inputs, untouched.
    expect([...r.fields.re]).toEqual([-1, 1.5, 9, 3.5, 0.5, 2.49]);
  });

  it("per-mode thresholds: a list of steps and of offsets, one per mode; a single setting serves every mode", () => {
    const c = detectorOnly(3, 4, 1, 0);
    c.netlists.top!.instances.det!.settings = { modes: 3, levels: 4, step: [0.5, 1, 0.25], offset: [0, 0.5, -0.25] };
    // Mode 0: u = 2·y; mode 1: u = y − 0.5; mode 2: u = 4·y + 1.
    const r = compileCircuit(c).run(Float64Array.from([0.75, 2.5, 0.2, 0.2, 0.9, -0.25]), 2);
    expect([...r.digits]).toEqual([2, 2, 2, 0, 0, 0]);
    expect(detectorThresholds({ step: [0.5, 1, 0.25], offset: [0, 0.5, -0.25] }, 3)).toEqual({
      step: [0.5, 1, 0.25],
      offset: [0, 0.5, -0.25],
    });
    expect(detectorThresholds({ step: 0.5 }, 2)).toEqual({ step: [0.5, 0.5], offset: [0, 0] });
    expect(detectorThresholds({ step: 0.5, offset: 0.1 }, 2)).toEqual({ step: [0.5, 0.5], offset: [0.1, 0.1] });
    expect(detectorThresholds({ step: [1, 2], offset: 0.1 }, 2)).toEqual({ step: [1, 2], offset: [0.1, 0.1] });
  });

  it("a threshold list of the wrong length or with a non-finite entry is refused, naming the setting", () => {
    expect(() => detectorThresholds({ step: [1, 2] }, 3)).toThrow('setting "step" must list 3 finite numbers (one per mode), got [1,2]');
    expect(() => detectorThresholds({ step: 1, offset: [0, null] } as never, 2)).toThrow(
      'setting "offset" must list 2 finite numbers (one per mode), got [0,null]',
    );
    const c = detectorOnly(2, 4, 1, 0);
    c.netlists.top!.instances.det!.settings = { modes: 2, levels: 4, step: [1, 2, 3] };
    expect(() => compileCircuit(c)).toThrow(
      'instance "det" (detector): setting "step" must list 2 finite numbers (one per mode), got [1,2,3]',
    );
  });
});
