import { cellDesigns } from "/work/wt39m/scripts/fab-study-core.ts";
import { drawFabDie } from "/work/wt39m/fab/draw.ts";
import { FAB_TECHNOLOGIES } from "/work/wt39m/fab/technology.ts";
import { realizedPhases, passiveDie } from "/work/wt39m/netlist/die/heaters.ts";
import { simulateLab } from "/work/wt39m/pipeline/calibrate/simulated-session.ts";
import { labEngine } from "/work/wt39m/netlist/lab/propagate.ts";
import { light, materialize, engine } from "/work/wt39m/compiler/calibrate/lab/stage-physics.ts";
const [dir, cell, seed, dieIx] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4]), Number(process.argv[5])];
const d = cellDesigns(dir).find((x) => x.name.endsWith(cell))!;
const die = drawFabDie(d.circuit, FAB_TECHNOLOGIES.foundry!, seed * 1000003 + dieIx, `${d.name} fab ${dieIx}`);
const run = simulateLab(d.circuit, d.table, die, seed * 7 + dieIx);
const s = run.session;
const state: any = (s as any).state;
const engT = labEngine(s.struct.lc, passiveDie(die), die.heaters.map((h) => h.path));
const engE = engine(state);
for (const spec of process.argv.slice(6)) {
  const [part, ri] = spec.split("/");
  const st = s.struct.stages.find((x) => x.part === part)!;
  const row = st.rows[Number(ri)]!;
  for (const e of row.entries) {
    const en = s.struct.entries[e]!;
    const inp = st.inputs[en.input]!;
    const l = light(state, st, en.input);
    const codes = materialize(state, { codes: Int32Array.from(run.codes), program: run.codes }, l, engE);
    const inKey = inp.kind === "lab" ? null : inp.gated ? `${inp.part}_relu,out${inp.row}` : `${inp.part},out${inp.row}`;
    const ft = engT.fields(realizedPhases(die, codes), l.powers), fe = engE.fields(realizedPhases(s.estimatedDie, codes), l.powers);
    const o = `${part},out${ri}`;
    const div = (a: [number, number], b: [number, number]): [number, number] => { const m = b[0] * b[0] + b[1] * b[1]; return [(a[0] * b[0] + a[1] * b[1]) / m, (a[1] * b[0] - a[0] * b[1]) / m]; };
    const rt = inKey ? div(ft.pin(o), ft.pin(inKey)) : ft.pin(o);
    const re = inKey ? div(fe.pin(o), fe.pin(inKey)) : fe.pin(o);
    const q = div(rt, re);
    console.log(`${en.name}(in${en.input}) |t/e| ${Math.hypot(...q).toFixed(3)} ∠ ${(Math.atan2(q[1], q[0]) * 1000).toFixed(0)}m |σt| ${Math.hypot(...rt).toExponential(2)} θ=${(realizedPhases(die, run.codes)[en.theta]! % (2 * Math.PI)).toFixed(2)}`);
  }
}
