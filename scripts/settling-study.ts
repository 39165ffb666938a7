// The settling probe alone (docs/design/calibration.md §9.2) on the dies of the lab study (scripts/lab-study-core.ts:
// die seeds 1000003·seed + d, lab seeds 7·seed + d): the dark round and the probe, then what it read.
// Per cell design and departure class: dies on which a tail was read, the range of the largest tail
// (relative to its heater's reading), of τ and of the full-step wait where one was read.
//
//   npx tsx scripts/settling-study.ts <compile-out-dir> [--dies 30] [--seed 1] [--departure none,thermal-tail,…]
import { departDie } from "../fab/departures.ts";
import { drawFabDie } from "../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../fab/technology.ts";
import { labSession, measureRounds, simulatedLab } from "../pipeline/calibrate/from-readings.ts";
import { cellDesigns } from "./fab-study-core.ts";

const args = process.argv.slice(2);
const flag = (n: string, d: string): string => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const dir = args[0]!;
const dies = Number(flag("dies", "30"));
const seed = Number(flag("seed", "1"));
const classes = flag("departure", "none,thermal-tail").split(",");
const range = (x: number[], f: (v: number) => string): string => (x.length ? `${f(Math.min(...x))}–${f(Math.max(...x))}` : "–");

console.log("| cell design | departure | tail read | largest tail (of the reading) | τ where read | full-step wait where read |");
console.log("|---|---|---|---|---|---|");
for (const d of cellDesigns(dir)) {
  for (const c of classes) {
    const tails: number[] = [];
    const taus: number[] = [];
    const waits: number[] = [];
    let read = 0;
    for (let k = 0; k < dies; k++) {
      const stream = seed * 1000003 + k;
      const die = departDie(
        drawFabDie(d.circuit, FAB_TECHNOLOGIES.foundry!, stream, `${d.name} fab ${k}`),
        d.circuit,
        c === "none" ? [] : [c],
        stream,
      );
      const s = labSession(d.circuit, d.table);
      measureRounds(s, simulatedLab(s, die, seed * 7 + k), 2);
      const t = s.settling!;
      tails.push(t.tail);
      if (t.detected) {
        read++;
        taus.push(t.tauMs);
        waits.push(t.settleMs);
      }
    }
    const pct = (v: number): string => `${(100 * v).toPrecision(2)} %`;
    const ms = (v: number): string => `${v.toFixed(1)} ms`;
    console.log(`| ${d.name} | ${c} | ${read}/${dies} | ${range(tails, pct)} | ${range(taus, ms)} | ${range(waits, ms)} |`);
  }
}
