// Whether a session's gate scans read what the true die's ReLUs pass (docs/design/calibration.md §10.1): per
// gate sweep (a gated row's reference φ turned, read past the ReLU at the next stage's dumps), the
// steps that passed light as read (over half the sweep's largest reading) against the steps where the
// true die's row field has a positive real part, and the row shift fitted from each
// (compiler/calibrate/lab/gate.ts). The session runs as in the studies.
//
//   npx tsx scripts/lab-gate-check.ts <compile-out-dir> --cell divide0 --die 0 [--departure crosstalk] [--part step] [--points 40] [--closing-per-entry]
import { realizedPhases } from "../netlist/die/heaters.ts";
import { dieEngine } from "../netlist/lab/die-engine.ts";
import { gateShift } from "../compiler/calibrate/lab/gate.ts";
import { scriptSession } from "./lab-script-session.ts";

const { flag, design, d, departures, die, session, bench } = scriptSession(process.argv.slice(2), "divide0");
const part = flag("part", "");
const truth = dieEngine(session.struct.lc, die);
const pattern = (o: boolean[]): string => o.map((x) => (x ? "#" : ".")).join("");

let reads = 0;
let same = 0;
console.log(`${design.name} die ${d} (${departures.join(", ") || "nominal"}): gate sweeps, read against the true die`);
while (!session.done) {
  const round = session.nextRound();
  const readings = bench.run(round.steps);
  for (const r of session.gateReads(round, readings)) {
    const row = r.group.row;
    if (part && row.part !== part) continue;
    const open = r.group.steps.map((s) => {
      const st = round.steps[s]!;
      return truth.fields(realizedPhases(die, st.codes), st.powers).pin(`${row.part},out${row.index}`)[0] > 0;
    });
    const agree = open.every((o, k) => o === r.open[k]);
    reads++;
    if (agree) same++;
    console.log(
      `  ${row.part}/r${row.index} setting ${r.group.settings}: read ${pattern(r.open)} true ${pattern(open)} ${agree ? "same" : "DIFFERENT"}; shift ${r.shift.toFixed(2)} rad as read, ${gateShift(r.z, open).shift.toFixed(2)} from the true passes`,
    );
  }
  session.absorb(round, readings);
}
console.log(`${same} of ${reads} gate sweeps read as the true die passes; acceptance ${session.acceptance?.pass ? "passed" : "refused"}`);
