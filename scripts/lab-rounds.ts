// One calibration session followed round by round against the true die (docs/design/calibration.md §8.3,
// "A law from pairs of either sign"): after every round, the crosstalk law the estimate holds and its
// couplings, and for one part each row's entries as |true|/|estimated| transfer (stage input → row,
// at the programmed codes) with the first entry's over the last's; at every magnitude scan of the
// part, the scanned θ true against estimated at the scan's setting. The session runs as in the
// studies (same die and lab seeds).
//
//   npx tsx scripts/lab-rounds.ts <compile-out-dir> --cell divide0 --die 18 [--part threshold] [--departure crosstalk] [--signed-law] [--no-closing] [--points 40]
import { dieAtCodes, realizedPhases } from "../netlist/die/heaters.ts";
import { partTransfers, propagatePart } from "../netlist/lab/propagate.ts";
import { scriptSession } from "./lab-script-session.ts";

const { flag, design, d, departures, die, session, bench } = scriptSession(process.argv.slice(2), "divide0");
const part = flag("part", "threshold");
const stage = session.struct.stages.find((s) => s.part === part);
if (!stage) throw new Error(`no stage ${part} in ${design.name}`);
const lc = session.struct.lc;

/** |entry's transfer| (its stage input to its row's output) for every entry of the part, on a die at the codes: one propagation per stage input. */
function amplitudes(transfers: ReturnType<typeof partTransfers>): Map<number, number> {
  const out = new Map<number, number>();
  stage!.inputs.forEach((_, j) => {
    const xin = stage!.inputs.map((_, k) => (k === j ? [1, 0] : [0, 0]) as [number, number]);
    const rows = propagatePart(lc, part, transfers, xin).out;
    for (const e of stage!.entries) {
      const en = session.struct.entries[e]!;
      if (en.input === j) out.set(e, Math.hypot(...rows[en.row]!));
    }
  });
  return out;
}

console.log(`${design.name} die ${d} (${departures.join(", ") || "nominal"}), part ${part}`);
while (!session.done) {
  const round = session.nextRound();
  const readings = bench.run(round.steps);
  for (const g of round.groups) {
    if (g.kind !== "magnitude" || session.struct.entries[g.entry]!.part !== part) continue;
    const h = session.struct.entries[g.entry]!.theta;
    const codes = round.steps[g.steps[0]!]!.codes;
    const t = realizedPhases(die, codes)[h]!;
    const e = realizedPhases(session.estimatedDie, codes)[h]!;
    console.log(
      `  scan ${session.struct.entries[g.entry]!.name}: θ at its setting true ${t.toFixed(3)}, estimated ${e.toFixed(3)} (${(1000 * (t - e)).toFixed(0)} mrad)`,
    );
  }
  session.absorb(round, readings);
  const plan = session.plan[round.index]!;
  const n = session.estimatedDie.crosstalk.length;
  const law = n ? `${n} couplings` : "no crosstalk modelled";
  let codes: Int32Array;
  try {
    codes = session.programCodes().codes;
  } catch {
    console.log(`round ${round.index} ${round.kind} ${round.stage ?? ""}: ${law}; no program yet`);
    continue;
  }
  const aT = amplitudes(partTransfers(lc, dieAtCodes(die, codes)));
  const aE = amplitudes(partTransfers(lc, dieAtCodes(session.estimatedDie, codes)));
  const rows = stage.rows
    .filter((r) => r.entries.length > 0)
    .map((r) => {
      const q = r.entries.map((e) => aT.get(e)! / aE.get(e)!);
      return `r${r.index} ${q.map((x) => x.toFixed(3)).join("/")} (first/last ${(q[0]! / q.at(-1)!).toFixed(3)})`;
    });
  console.log(`round ${round.index} ${round.kind} ${round.stage ?? ""}${plan.pairs ? " pairs" : ""}: ${law}; ${rows.join(" | ")}`);
}
console.log(`accepted: ${session.acceptance?.pass}`);
