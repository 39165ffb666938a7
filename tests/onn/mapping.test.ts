// The mapped phase table must compute the trained network's function exactly: rebuild every stage
// from its emitted elements (stageMatrix), run the pipeline, decode, and compare with the MLP.
import { describe, expect, it } from "vitest";
import { createRng } from "../../math/rng.ts";
import { haarOrthogonal } from "../../math/haar.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import { allocTrace, forward } from "../../compiler/onn/mlp.ts";
import { tilePlan, writeLayer, type Tile } from "../../compiler/onn/sigma-u.ts";
import { initMlp } from "../../compiler/onn/train.ts";
import { mapNetwork, amplitudePerLevel } from "../../compiler/onn/to-phase-table.ts";
import type { PhaseStage, PipelineStep } from "../../netlist/ir.ts";

/** Push one worker-input vector through the pipeline using stage matrices only. */
function runPipeline(pipeline: PipelineStep[], input: number[]): number[] {
  let re = input.slice();
  let im = input.map(() => 0);
  for (const step of pipeline) {
    if (step.role === "source") {
      re = re.map((d) => d * step.amplitudePerLevel);
    } else if (step.role === "activation") {
      for (let i = 0; i < re.length; i++)
        if (!(re[i] > 0)) {
          re[i] = 0;
          im[i] = 0;
        }
    } else if (step.role === "detector") {
      return re.map((v) => Math.min(step.levels - 1, Math.max(0, Math.round((v - (step.offset as number)) / (step.step as number)))));
    } else {
      const st = step as PhaseStage;
      const inR = re.slice(),
        inI = im.slice();
      if (st.biasInput !== undefined) {
        inR.push(st.biasInput);
        inI.push(0);
      }
      expect(inR.length).toBe(st.inputs);
      const m = stageMatrix(st);
      re = [];
      im = [];
      for (let o = 0; o < st.outputs; o++) {
        let sr = 0,
          si = 0;
        for (let j = 0; j < st.inputs; j++) {
          const ar = m.re[o * st.inputs + j],
            ai = m.im[o * st.inputs + j];
          sr += ar * inR[j] - ai * inI[j];
          si += ar * inI[j] + ai * inR[j];
        }
        re.push(sr);
        im.push(si);
      }
    }
  }
  throw new Error("pipeline has no detector");
}

describe("network → phase table mapping", () => {
  it.each([
    { hidden: [10, 3, 7], segs: [5, 4, 3, 2], preprocess: true },
    { hidden: [6, 6], segs: [null, 3, 7], preprocess: true },
    { hidden: [8], segs: [3, 9], preprocess: true },
  ])("hidden $hidden segments $segs reproduces the network's outputs", ({ hidden, segs, preprocess }) => {
    const rng = createRng(7);
    const workers = 3,
      digits = 2,
      levels = 4,
      maxSum = (levels - 1) * workers;
    const net = initMlp([digits, ...hidden, digits], "relu", 0, rng);
    // Make every approximated layer exactly Σ·U with random orthogonal tiles and signed scales.
    const plans = net.layers.map((l, i) => (segs[i] == null ? null : tilePlan(l.out, l.in + 1, segs[i]!)));
    const tiles = plans.map((p, i) => {
      if (!p) return null;
      const ts: Tile[] = [];
      for (let t = 0; t < p.R * p.C; t++) {
        const q = haarOrthogonal(p.s, rng);
        ts.push({ d: Float64Array.from({ length: p.s }, () => rng.normal()), u: Float64Array.from(q.re) });
      }
      writeLayer(net.layers[i].w, p, ts);
      return ts;
    });
    const mapped = mapNetwork(
      net,
      plans,
      tiles,
      { workers, inDigits: digits, outDigits: digits, levels, maxSum },
      { mesh: "clements", preprocess },
    );
    const tr = allocTrace(net, 1);
    let compared = 0;
    for (let trial = 0; trial < 40; trial++) {
      const worker = Array.from({ length: workers * digits }, () => rng.int(levels));
      const sums = Array.from({ length: digits }, (_, k) => worker.reduce((a, v, i) => a + (i % digits === k ? v : 0), 0));
      const input = preprocess ? worker : sums;
      for (let k = 0; k < digits; k++) tr.acts[0][k] = sums[k] / maxSum - 0.5;
      const y = forward(net, tr, 1);
      const expected = Array.from(y, (v) => Math.min(levels - 1, Math.max(0, Math.round(v))));
      // Skip cases sitting within 1e-9 of a threshold: there the decision is a coin toss either way.
      if (Array.from(y).some((v) => Math.abs(Math.abs(v - Math.floor(v)) - 0.5) < 1e-9)) continue;
      const src = mapped.pipeline[0];
      if (src.role === "source" && !preprocess) expect(src.amplitudePerLevel).toBe(amplitudePerLevel(levels));
      expect(
        runPipeline(
          preprocess ? mapped.pipeline : mapped.pipeline.filter((s) => s.role !== "source"),
          preprocess ? input : input.map((v) => v * amplitudePerLevel(levels)),
        ),
      ).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
  });
});
