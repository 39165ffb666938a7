// The compiler's network → phase-table mapping, taken through the circuit: emit, read the
// netlist.json back, simulate every input case, and compare with the MLP itself; then solve every
// stage of that emitted circuit (digit-sum combiner with non-adjacent couplers, Σ·U and SVD layers,
// bias inputs) in ngspice. Random (untrained) networks: the function, not its accuracy, is checked.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { haarOrthogonal } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { allocTrace, forward } from "../../compiler/onn/mlp.ts";
import { tilePlan, writeLayer, type Tile } from "../../compiler/onn/sigma-u.ts";
import { mapNetwork } from "../../compiler/onn/to-phase-table.ts";
import { initMlp } from "../../compiler/onn/train.ts";
import { emitArtifacts } from "../../netlist/formats/emit-all.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { ngspiceDeck } from "../../netlist/formats/ngspice.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { readSpice } from "../../netlist/formats/spice-read.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { wasmStageMatrices } from "./ngspice-helper.ts";
import { table } from "./fixtures.ts";

const workers = 3;
const digits = 2;
const levels = 4;
const maxSum = (levels - 1) * workers;

function mapped(hidden: number[], segs: (number | null)[]) {
  const rng = createRng(11);
  const net = initMlp([digits, ...hidden, digits], "relu", 0, rng);
  const plans = net.layers.map((l, i) => (segs[i] == null ? null : tilePlan(l.out, l.in + 1, segs[i]!)));
  const tiles = plans.map((p, i) => {
    if (!p) return null;
    const ts: Tile[] = [];
    for (let t = 0; t < p.R * p.C; t++)
      ts.push({ d: Float64Array.from({ length: p.s }, () => rng.normal()), u: Float64Array.from(haarOrthogonal(p.s, rng).re) });
    writeLayer(net.layers[i].w, p, ts);
    return ts;
  });
  const m = mapNetwork(
    net,
    plans,
    tiles,
    { workers, inDigits: digits, outDigits: digits, levels, maxSum },
    { mesh: "clements", preprocess: true },
  );
  return { net, pipeline: m.pipeline, gain: m.scales[m.scales.length - 1] };
}

describe("compiled ONN pipelines through the emitted circuit", () => {
  const variants = [
    { hidden: [10, 3, 7], segs: [5, 4, 3, 2] },
    { hidden: [6, 6], segs: [null, 3, 7] },
  ];

  it.each(variants)("hidden $hidden: simulator on the emitted netlist equals the MLP on all 4096 inputs", async ({ hidden, segs }) => {
    const { net, pipeline, gain } = mapped(hidden, segs);
    const dir = mkdtempSync(join(tmpdir(), "optinc-onn-"));
    const files = emitArtifacts(table(pipeline), "unit");
    commitFiles(dir, files);
    const circuit = readNetlistJson(readFileSync(join(dir, "unit.netlist.json"), "utf8"), "unit.netlist.json");
    expect(readSpice(files.get("unit.spi")!, "unit.spi")).toEqual(circuitFromPhaseTable(table(pipeline), "unit"));
    const sim = compileCircuit(circuit);
    const cases = levels ** (workers * digits);
    const width = workers * digits;
    const inputs = new Float64Array(cases * width);
    for (let c = 0; c < cases; c++) for (let i = 0; i < width; i++) inputs[c * width + i] = Math.floor(c / levels ** i) % levels;
    const r = sim.run(inputs, cases);
    const tr = allocTrace(net, cases);
    for (let c = 0; c < cases; c++) {
      for (let k = 0; k < digits; k++) {
        let s = 0;
        for (let w = 0; w < workers; w++) s += inputs[c * width + w * digits + k];
        tr.acts[0][c * digits + k] = s / maxSum - 0.5; // the network input is centred (docs/design/onn.md)
      }
    }
    const y = forward(net, tr, cases);
    let maxErr = 0;
    let compared = 0;
    for (let c = 0; c < cases; c++) {
      for (let k = 0; k < digits; k++) {
        const v = y[c * digits + k];
        maxErr = Math.max(maxErr, Math.abs(r.fields.re[c * digits + k] * gain - v) / Math.max(1, Math.abs(v)));
        if (Math.abs(Math.abs(v - Math.floor(v)) - 0.5) < 1e-9) continue;
        expect(r.digits[c * digits + k]).toBe(Math.min(levels - 1, Math.max(0, Math.round(v))));
        compared++;
      }
    }
    expect(maxErr).toBeLessThan(1e-9);
    expect(compared).toBeGreaterThan(cases * digits * 0.99);
  });

  it("every linear stage of the emitted circuit matches ngspice to ≤ 1e-12", async () => {
    const { pipeline } = mapped([6, 6], [null, 3, 7]);
    const circuit = readNetlistJson(emitArtifacts(table(pipeline), "unit").get("unit.netlist.json")!);
    const sim = compileCircuit(circuit);
    const roles = new Set<string>();
    let worst = 0;
    const all = await wasmStageMatrices(ngspiceDeck(circuit).text);
    for (const { instance, component, matrix } of sim.stageMatrices) {
      roles.add(String(circuit.netlists[circuit.top].instances[instance].settings.role));
      const ng = all.get(component)!;
      for (let i = 0; i < matrix.rows; i++)
        for (let j = 0; j < matrix.cols; j++) {
          worst = Math.max(worst, Math.hypot(ng.re[i][j] - matrix.re[i * matrix.cols + j], ng.im[i][j] - matrix.im[i * matrix.cols + j]));
        }
    }
    console.log(`ngspice on mapped ONN stages (${[...roles].join(", ")}): max |Δ| = ${worst.toExponential(2)}`);
    expect([...roles].sort()).toEqual(["preprocess", "sigma-u", "svd"]);
    expect(worst).toBeLessThanOrEqual(1e-12);
  });
});
