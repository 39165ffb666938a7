// Runs ngspice (eecircuit-engine, WebAssembly) on our decks: one runSim per input column.
import { Simulation } from "eecircuit-engine";
import { withColumn } from "../../netlist/ngspice.ts";

let sim: Simulation | null = null;

async function engine(): Promise<Simulation> {
  if (!sim) {
    sim = new Simulation();
    await sim.start();
  }
  return sim;
}

/** The stage matrix as ngspice computes it: column k from a run with `.param col=k`. */
export async function ngspiceMatrix(deck: string, inputs: number, outputs: number): Promise<{ re: number[][]; im: number[][] }> {
  const s = await engine();
  const re = Array.from({ length: outputs }, () => new Array<number>(inputs).fill(NaN));
  const im = Array.from({ length: outputs }, () => new Array<number>(inputs).fill(NaN));
  for (let k = 0; k < inputs; k++) {
    s.setNetList(withColumn(deck, k));
    const r = await s.runSim();
    const v = new Map<string, number>();
    for (const d of r.data as { name: string; values: unknown[] }[]) v.set(d.name.toLowerCase(), Number(d.values[0]));
    for (let q = 0; q < outputs; q++) {
      const a = v.get(`v(out${q}r)`);
      const b = v.get(`v(out${q}i)`);
      if (a === undefined || b === undefined) throw new Error(`ngspice result lacks v(out${q}r/i); got ${[...v.keys()].join(", ")}`);
      re[q][k] = a;
      im[q][k] = b;
    }
  }
  return { re, im };
}
