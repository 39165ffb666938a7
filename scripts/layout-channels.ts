// Where a design's crossing cells come from: per netlist, per channel (left to right), the network's
// depth, its tracks, the largest displacement and the inversions (layout/channel.ts ChannelStats),
// and the crossing cells every path through the netlist meets (layout/junctions.ts).
// npx tsx scripts/layout-channels.ts <compiled-dir> [design] [--no-port-order]
// (--no-port-order: sub-circuit ports in their own order, not their neighbours', layout/port-order.ts)
import { readCompiled } from "../pipeline/layout/layout.ts";
import { CellCache, layoutCircuit } from "../layout/design.ts";
import { DEFAULT_LENGTH_ENCODING } from "../netlist/formats/spice-dialect.ts";

const args = process.argv.slice(2);
const [dir, only] = args.filter((a) => !a.startsWith("--"));
if (!dir) throw new Error("usage: npx tsx scripts/layout-channels.ts <compiled-dir> [design] [--no-port-order]");
const input = readCompiled(dir);
const cache = new CellCache(DEFAULT_LENGTH_ENCODING, undefined, "best", "potentials", !args.includes("--no-port-order"));
for (const d of input.designs) {
  if (only && !d.stem.endsWith(only)) continue;
  const laid = layoutCircuit(d.circuit, cache);
  console.log(`${d.stem}: ${laid.crossings} crossings`);
  for (const [name, chans] of laid.channels) {
    const sum = chans.reduce((a, c) => a + c.depth, 0);
    const bound = chans.reduce((a, c) => a + c.maxDisplacement, 0);
    const cells = laid.netlists.get(name)!.crossingCells;
    console.log(`  ${name}: ${chans.length} channels, depth sum ${sum} (displacement bound ${bound}), ${cells} crossing cells a path`);
    chans.forEach((c, i) => {
      if (c.depth)
        console.log(`    c${i}: depth ${c.depth}, tracks ${c.tracks}, max displacement ${c.maxDisplacement}, inversions ${c.inversions}`);
    });
  }
}
