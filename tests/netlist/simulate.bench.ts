// Simulator throughput: 28,561 cases (13^4, the paper-4x8 reduced input space) through a
// 4-stage ONN-shaped circuit of width 64. Register in tests/bench/run.ts with one BENCHES line.
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { clementsStage, svdStage, table } from "./fixtures.ts";
import type { BenchModule, BenchTable } from "../bench/run.ts";

function onn(width: number) {
  const src = { name: "source", role: "source" as const, workers: 4, digits: 3, levels: 4, amplitudePerLevel: 0.1 };
  const act = (i: number) => ({ name: `act${i}`, role: "activation" as const, function: "relu" as const, params: {}, modes: width });
  const l1 = { ...svdStage(width, 1, width, 13, 2, "l1"), biasInput: 0.5 };
  const l2 = svdStage(width, 2, width, width, 1.5, "l2");
  const l3 = svdStage(width, 3, width, width, 1.5, "l3");
  const l4 = { ...clementsStage(width, 4, "l4"), outputs: 16 };
  const det = { name: "det", role: "detector" as const, levels: 4, step: 0.1, offset: 0, modes: 16 };
  return table([src, l1, act(1), l2, act(2), l3, act(3), l4, det]);
}

export const bench: BenchModule = {
  name: "netlist-simulate",
  run(): BenchTable[] {
    const rows: (string | number)[][] = [];
    for (const width of [16, 32, 64]) {
      const circuit = circuitFromPhaseTable(onn(width), "bench");
      const t0 = performance.now();
      const sim = compileCircuit(circuit);
      const t1 = performance.now();
      const cases = 28561;
      const inputs = new Float64Array(cases * sim.inputWidth);
      for (let c = 0; c < cases; c++) for (let k = 0; k < sim.inputWidth; k++) inputs[c * sim.inputWidth + k] = (c * 7 + k * 3) % 4;
      sim.run(inputs, cases); // warm-up
      const t2 = performance.now();
      const cpu0 = process.cpuUsage();
      sim.run(inputs, cases);
      const cpu = process.cpuUsage(cpu0);
      const t3 = performance.now();
      const cpuMs = (cpu.user + cpu.system) / 1000;
      rows.push([width, cases, (t1 - t0).toFixed(0), (t3 - t2).toFixed(0), cpuMs.toFixed(0), Math.round(cases / ((t3 - t2) / 1000))]);
    }
    return [
      {
        title: "netlist simulator: 4 linear stages + 3 relu + detector",
        columns: ["width", "cases", "compile ms", "run ms", "run cpu ms", "cases/s"],
        rows,
        notes: [
          "target: 28,561 cases in about a second at width ≤ 64; cpu ms = process CPU time of run() (less sensitive to machine load)",
        ],
      },
    ];
  },
};
