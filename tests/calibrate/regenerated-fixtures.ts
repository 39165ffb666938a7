// The quick start's cell designs as `optinc compile` emits them under its light budget: every
// activation a regenerating homodyne read (a gain per mode, a limit on each threshold row's mode;
// docs/design/calibration.md §8.5), for the tests of calibration through such reads.
import type { Circuit, PhaseTable } from "../../netlist/ir.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { parsePhaseTable } from "../../netlist/formats/phase-table-parse.ts";
import { compiledExample } from "../helpers/examples.ts";

/** A cell design of the quick start ("divide0"), its netlist and phase table as compiled. */
export function quickStartCell(cell: string): { name: string; circuit: Circuit; table: PhaseTable } {
  const files = compiledExample("paper-4x8").files;
  const name = `paper_4x8.${cell}`;
  const netlist = files.get(`${name}.netlist.json`);
  const phases = files.get(`${name}.phases.json`);
  if (!netlist || !phases) throw new Error(`the quick start has no cell design ${cell}`);
  return { name, circuit: readNetlistJson(netlist, `${name}.netlist.json`), table: parsePhaseTable(phases, name) };
}
