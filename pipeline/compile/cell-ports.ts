// What the ports of a closed-form cell design carry, for its port map (`<name>.ports.json`,
// netlist/formats/port-map.ts), taken from the chip file's port definitions: input in<k> of the design's
// netlist is port k of every copy of the design in the chip file (the source step sends port k on
// mode k, the sum layer weighs it by ports[k].weight), and detector output out<k> is its output k.
import { portSourceJson, type ChipFile } from "../../aggregate/chip-file.ts";
import type { PortMapCell } from "../../netlist/ir.ts";

/** The port-map description of `design` (a circuit file stem named in the chip file), or undefined if no cell uses it. */
export function cellPortMap(f: ChipFile, design: string): PortMapCell | undefined {
  const copies = f.chip.cells.filter((_, i) => f.designs[i] === design);
  const first = copies[0];
  if (!first) return undefined;
  for (const c of copies) {
    if (
      c.ports.length !== first.ports.length ||
      c.ports.some((p, k) => p.weight !== first.ports[k]!.weight || p.max !== first.ports[k]!.max) ||
      c.outputs.length !== first.outputs.length
    )
      throw new Error(
        `${f.name}: cells ${first.name} and ${c.name} name one design, ${design}, but their ports or outputs differ (count, weight or range)`,
      );
  }
  return {
    ports: first.ports.map((p, k) => ({
      weight: p.weight,
      max: p.max,
      carries: copies.map((c) => ({ copy: c.name, ...portSourceJson(f.chip, c.ports[k]!.source) })),
    })),
    outputs: first.outputs.map((_, k) => copies.map((c) => ({ copy: c.name, output: c.outputs[k]!.name }))),
  };
}
