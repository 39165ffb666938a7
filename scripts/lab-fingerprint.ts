// What a calibration from readings decides on each die, as one JSON line: a hash of the drive codes
// it writes and of the estimated die, the readings it took, the inputs exact on the true die and the
// acceptance verdict, with the calibration's CPU time (the simulated instruments excluded). Two
// versions of the code that give the same lines decide the same; a speed-up must leave them as
// they are (docs/design/calibration.md §8). Dies are drawn as scripts/lab-study.ts draws them.
//
//   npx tsx scripts/lab-fingerprint.ts <compile-out-dir> add0:0:5 divide0:0:2:crosstalk …   (cell:first:count[:departures])
import { createHash } from "node:crypto";
import { departDie } from "../fab/departures.ts";
import { drawFabDie } from "../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../fab/technology.ts";
import { checkCellOnFab } from "../pipeline/calibrate/fabricated-die.ts";
import { simulateLab } from "../pipeline/calibrate/simulated-session.ts";
import { cellDesigns } from "./fab-study-core.ts";

const [dir, ...specs] = process.argv.slice(2);
const seed = 1;
const designs = cellDesigns(dir!);
const hash = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex").slice(0, 16);
for (const spec of specs) {
  const [cell, first, count, dep] = spec.split(":");
  const departures = (dep ?? "").split(",").filter(Boolean);
  const design = designs.find((x) => x.name.endsWith(cell!));
  if (!design) throw new Error(`lab-fingerprint: no cell design ${cell}`);
  for (let d = Number(first); d < Number(first) + Number(count); d++) {
    const stream = seed * 1000003 + d;
    const drawn = drawFabDie(design.circuit, FAB_TECHNOLOGIES.foundry!, stream, `${design.name} fab ${d}`);
    const die = departDie(drawn, design.circuit, departures, stream);
    const run = simulateLab(design.circuit, design.table, die, seed * 7 + d);
    const mine = checkCellOnFab(run.calibrated.circuit, die, run.codes);
    const est = run.session.estimatedDie;
    console.log(
      JSON.stringify({
        cell,
        departures: dep ?? "",
        die: d,
        codes: hash(new Uint8Array(run.codes.buffer, run.codes.byteOffset, run.codes.byteLength)),
        estimate: hash(JSON.stringify([est.heaters, est.crosstalk])),
        readings: run.readings,
        exact: `${mine.exact}/${mine.cases}`,
        accepted: run.session.acceptance?.pass === true,
        cpuS: Number((run.calibrationCpuMs / 1000).toFixed(3)),
      }),
    );
  }
}
