// The compiled aggregator's behaviour as a batched `aggregateMany`: the emitted netlist is
// simulated (netlist/sim/simulate.ts) on the workers' PAM-L digits, optionally with non-idealities
// drawn once (one Monte-Carlo trial) from a seed.
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import type { Technology } from "../../dsl/technology.ts";
import { CircuitShapeError } from "../../aggregate/circuit-info.ts";
import { circuitFormat } from "./shape.ts";
import { aggregatorOf, type CircuitAggregator } from "../../aggregate/aggregator.ts";

export function circuitAggregator(circuit: Circuit, nonIdealities: Partial<Technology> = {}, seed = 0): CircuitAggregator {
  const { source, outputDigits } = circuitFormat(circuit);
  if (outputDigits !== source.digits)
    throw new CircuitShapeError(`the detector reads ${outputDigits} digits but each worker sends ${source.digits}`);
  const sim = compileCircuit(circuit, { ...nonIdealities, seed, trial: 0 });
  const width = source.workers * source.digits;
  if (sim.inputWidth !== width)
    throw new CircuitShapeError(`the circuit has ${sim.inputWidth} input ports, expected workers × digits = ${width}`);
  return aggregatorOf(source, (digits, cases) => {
    const r = sim.run(Float64Array.from(digits), cases);
    if (r.width !== source.digits) throw new CircuitShapeError(`the simulator read ${r.width} output digits, expected ${source.digits}`);
    return r.digits;
  });
}
