// A flat closed-form chip (one <name>.chip.json and its cell netlists) as a batched `aggregateMany`
// for `optinc allreduce --netlist <dir>`: every cell simulated from its emitted netlist with ideal
// parts (chip-batch.ts), worker digits in, result digits out, both least significant first.
import { basename, dirname, join } from "node:path";
import { readChipFile, type LoadedCircuit } from "../circuit/load.ts";
import { CircuitShapeError } from "../../aggregate/circuit-info.ts";
import { aggregatorOf, type CircuitAggregator } from "../../aggregate/aggregator.ts";
import { mergeInnerDigits, splitLinkDigits, subDigits } from "../../aggregate/narrow-base.ts";
import { chipRunner } from "./chip-batch.ts";

/** The chip files of a closed-form directory: `stems` are the chip.json names found beside the cells. */
export function chipAggregator(loaded: LoadedCircuit[], chipStems: string[]): CircuitAggregator {
  if (chipStems.length !== 1)
    throw new CircuitShapeError(
      `the directory holds ${chipStems.length} chips (a cascade of closed-form units); optinc allreduce runs one flat chip`,
    );
  const dir = dirname(loaded[0]!.netlistPath);
  const file = join(dir, `${chipStems[0]}.chip.json`);
  const f = readChipFile(file);
  const circuits = new Map(loaded.map((l) => [basename(l.netlistPath).replace(/\.netlist\.json$/, ""), l.circuit]));
  const runner = chipRunner(f, circuits);
  const { chip } = f;
  const flat = f.unit.inputOffset === f.unit.outputOffset && f.unit.divisor === chip.workers && chip.outDigits === chip.inDigits;
  if (!flat) throw new CircuitShapeError(`${basename(file)} computes a cascade unit, not the flat average of ${chip.workers} workers`);
  const link = f.linkLevels;
  if (link === undefined)
    return aggregatorOf({ workers: chip.workers, digits: chip.inDigits, levels: chip.levels }, (digits, cases) =>
      runner.run(digits, cases),
    );
  // A narrower base inside: the workers' link symbols split at ingress, the result merged at egress.
  const g = subDigits(link, chip.levels);
  const D = chip.inDigits / g;
  return aggregatorOf({ workers: chip.workers, digits: D, levels: link }, (digits, cases) => {
    const inner = new Int32Array(digits.length * g);
    for (let r = 0; r < digits.length / D; r++) splitLinkDigits(digits.subarray(r * D, (r + 1) * D), link, chip.levels, inner, r * D * g);
    const out = runner.run(inner, cases);
    const res = new Int32Array(cases * D);
    for (let c = 0; c < cases; c++)
      res.set(mergeInnerDigits(out.subarray(c * chip.outDigits, (c + 1) * chip.outDigits), link, chip.levels), c * D);
    return res;
  });
}
