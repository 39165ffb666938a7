// `npx tsx scripts/decision-bounds.ts [preset…]`: the decision bound of every cell base at each
// technology preset (calibrated, optimistic and foundry by default), seed 1, one line per base as
// `--explain` prints it, then the rows of docs/studies/structures.md §1's table, which
// tests/docs/structures.test.ts compares with the page.
import { boundText } from "../pipeline/compile/decision-bound.ts";
import { BOUND_BASES, BOUND_PRESETS, boundCell, boundRow, presetBound } from "./decision-bounds-core.ts";

const asked = process.argv.slice(2).filter((a) => a !== "--");
const rows: string[] = [];
for (const preset of asked.length ? asked : BOUND_PRESETS) {
  const cells: string[] = [];
  for (const L of BOUND_BASES) {
    const b = presetBound(preset, L);
    process.stdout.write(`${preset}: ${boundText(b)}\n`);
    cells.push(boundCell(b));
  }
  rows.push(boundRow(preset, cells));
}
process.stdout.write(`\n${rows.join("\n")}\n`);
