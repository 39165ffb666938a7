// What unseen input-coupling drift does to calibration from readings (docs/design/calibration.md §12):
// one die measured twice by the simulated lab, with the coupling's walk and without it (a walk of
// 1e-30 per step keeps the lab's noise stream the same), and the estimates compared with the truth.
//
//   npx tsx scripts/coupling-drift-diag.ts <compile-out-dir> --cell add0 --die 3 [--seed 1] [--coupling divide|off|inverted|none]
import { departDie } from "../fab/departures.ts";
import { drawFabDie } from "../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../fab/technology.ts";
import { realizedPhases, wrapSigned, type FabDie } from "../netlist/die/heaters.ts";
import { checkCellOnFab } from "../pipeline/calibrate/fabricated-die.ts";
import { labProgram, labSetup, simulatedLab, calibrateSession } from "../pipeline/calibrate/from-readings.ts";
import { LabSession, type LabSetup } from "../compiler/calibrate/lab/session.ts";
import { cellDesigns } from "./fab-study-core.ts";

const args = process.argv.slice(2);
const flag = (n: string, d: string): string => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const dir = args[0]!;
const cell = flag("cell", "add0");
const d = Number(flag("die", "0"));
const seed = Number(flag("seed", "1"));
const mode = flag("coupling", "divide") as LabSetup["coupling"];
const design = cellDesigns(dir).find((x) => x.name.endsWith(cell))!;
const stream = seed * 1000003 + d;
const drifting = departDie(
  drawFabDie(design.circuit, FAB_TECHNOLOGIES.foundry!, stream, `${design.name} fab ${d}`),
  design.circuit,
  ["coupling-drift"],
  stream,
);
const still: FabDie = { ...drifting, laser: { ...drifting.laser, couplingDriftRelPerStep: 1e-30 } };

function run(die: FabDie) {
  const session = new LabSession(design.circuit, { ...labSetup(), coupling: mode }, labProgram(design.circuit, design.table));
  const bench = simulatedLab(session, die, Number(flag("labseed", String(seed * 7 + d))));
  const rounds: { kind: string; stage: string | null; from: number; to: number }[] = [];
  let n = 0;
  while (!session.done) {
    const r = session.nextRound();
    session.absorb(r, bench.run(r.steps));
    rounds.push({ kind: r.kind, stage: r.stage, from: n, to: n + r.steps.length });
    n += r.steps.length;
  }
  const { codes } = session.programCodes();
  const cal = calibrateSession(design.circuit, design.table, session);
  const check = checkCellOnFab(cal.circuit, die, codes);
  return { session, codes, check, trace: bench.couplingTrace!(), rounds };
}

const rms = (x: number[]): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));
for (const [label, die] of [
  ["without drift", still],
  ["with drift", drifting],
] as const) {
  const r = run(die);
  const t = r.trace;
  console.log(`${label}: ${r.check.exact}/${r.check.cases} exact, accepted ${r.session.acceptance?.pass}, ${t.length} steps`);
  if (label === "with drift") {
    // The coupling the references read against the true one, up to the anchor's scale.
    const ratio: number[] = [];
    for (const w of r.session.coupling) {
      const from = r.rounds[w.round]!.from;
      w.c.forEach((c, s) => ratio.push(c / t[from + s]!));
    }
    if (ratio.length) {
      const m = [...ratio].sort((x, y) => x - y)[Math.floor(ratio.length / 2)]!;
      console.log(
        `  fitted coupling / true: rms ${rms(ratio.map((x) => x / m - 1)).toExponential(2)}, worst ${Math.max(...ratio.map((x) => Math.abs(x / m - 1))).toExponential(2)}`,
      );
    }
    console.log(
      `  coupling walk: min ${Math.min(...t).toFixed(4)}, max ${Math.max(...t).toFixed(4)}, end ${t[t.length - 1]!.toFixed(4)}, rms dev ${rms(t.map((c) => c - 1)).toFixed(4)}`,
    );
    for (const rd of r.rounds) {
      const seg = t.slice(rd.from, rd.to);
      console.log(
        `  round ${rd.kind} ${rd.stage ?? "-"}: ${seg.length} steps, coupling ${Math.min(...seg).toFixed(4)}…${Math.max(...seg).toFixed(4)}`,
      );
    }
  }
  // Per stage: θ error at the programmed codes (absolute), φ error after each row's mean (its gauge), path losses.
  const s = r.session;
  const a = realizedPhases(die, r.codes);
  const b = realizedPhases(s.estimatedDie, r.codes);
  for (const st of s.struct.stages) {
    const es = st.entries.map((e) => s.struct.entries[e]!);
    const th = es.map((e) => wrapSigned(a[e.theta]! - b[e.theta]!));
    const phiErr: number[] = [];
    for (const row of st.rows) {
      const rs = row.entries.map((e) => s.struct.entries[e]!).filter((e) => !s.struct.parked.has(e.phi));
      const dv = rs.map((e) => wrapSigned(a[e.phi]! - b[e.phi]!));
      const m = Math.atan2(
        dv.reduce((x, v) => x + Math.sin(v), 0),
        dv.reduce((x, v) => x + Math.cos(v), 0),
      );
      phiErr.push(...dv.map((v) => wrapSigned(v - m)));
    }
    const loss = es.map((e) => s.estimatedDie.passive.get(s.struct.heaters[e.phi]!.path)?.lossDb ?? 0);
    console.log(
      `  ${st.part}: θ rms ${(1000 * rms(th)).toFixed(2)} mrad (max ${(1000 * Math.max(...th.map(Math.abs))).toFixed(1)}), φ rms ${(1000 * rms(phiErr)).toFixed(2)} mrad, est. path loss ${loss.map((x) => x.toFixed(2)).join(" ")}`,
    );
  }
}
