import { cellDesigns } from "/work/wt39m/scripts/fab-study-core.ts";
import { drawFabDie } from "/work/wt39m/fab/draw.ts";
import { FAB_TECHNOLOGIES } from "/work/wt39m/fab/technology.ts";
import { realizedPhases, passiveDie } from "/work/wt39m/netlist/die/heaters.ts";
import { simulateLab } from "/work/wt39m/pipeline/calibrate/simulated-session.ts";
import { labEngine } from "/work/wt39m/netlist/lab/propagate.ts";
import { caseCount, casePowers } from "/work/wt39m/netlist/lab/optics.ts";
import { labBias } from "/work/wt39m/pipeline/calibrate/from-readings.ts";
const [dir, cell, seed, dieIx, wantV] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6])];
const d = cellDesigns(dir).find((x) => x.name.endsWith(cell))!;
const die = drawFabDie(d.circuit, FAB_TECHNOLOGIES.foundry!, seed * 1000003 + dieIx, `${d.name} fab ${dieIx}`);
const run = simulateLab(d.circuit, d.table, die, seed * 7 + dieIx);
const s = run.session;
const lc = s.struct.lc;
const engT = labEngine(lc, passiveDie(die), die.heaters.map((h) => h.path));
const engE = labEngine(lc, passiveDie(s.estimatedDie), s.estimatedDie.heaters.map((h) => h.path));
const bias = labBias(run.calibrated.calibration.bias);
const L = Number(d.circuit.info.levels ?? 4);
const pa = realizedPhases(die, run.codes), pb = realizedPhases(s.estimatedDie, run.codes);
const rows = s.struct.stages.flatMap((st) => st.rows.filter((r) => !(r.sink.kind === "stage" && !r.sink.gated)).map((r) => `${r.part},out${r.index}`));
const nc = caseCount(lc, L);
let shown = 0;
for (let n = 0; n < nc && shown < 6; n++) {
  const p = casePowers(lc, L, bias, n);
  // v from the lab powers: digit inputs' amplitude ∝ digit.
  const ft = engT.fields(pa, p), fe = engE.fields(pb, p);
  const dig = (globalThis as any).caseDigitsFn ? [] : [];
  const line = rows.map((k) => { const t = ft.pin(k)[0], e = fe.pin(k)[0]; return Math.sign(t) !== Math.sign(e) && Math.max(Math.abs(t), Math.abs(e)) > 1e-4 ? `${k} t=${t.toExponential(2)} e=${e.toExponential(2)}` : ""; }).filter(Boolean);
  const det = ["digits,out0", "digits,out2"].map((k) => ft.pin(k)[0] / fe.pin(k)[0]);
  if (n % 37 === 0 || line.length) { console.log(`case ${n}: sign flips: ${line.join("; ") || "none"}`); if (line.length) shown++; }
}
