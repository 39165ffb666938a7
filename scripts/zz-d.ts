import { cellDesigns } from "/work/wt39m/scripts/fab-study-core.ts";
import { drawFabDie } from "/work/wt39m/fab/draw.ts";
import { FAB_TECHNOLOGIES } from "/work/wt39m/fab/technology.ts";
import { dieAtCodes } from "/work/wt39m/netlist/die/heaters.ts";
import { simulateLab } from "/work/wt39m/pipeline/calibrate/simulated-session.ts";
import { compileCircuit } from "/work/wt39m/netlist/sim/simulate.ts";
import { readCellInfo } from "/work/wt39m/aggregate/circuit-info.ts";
import { cellCases } from "/work/wt39m/aggregate/cell-cases.ts";
const [dir, cell, seed] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4])];
const dies = process.argv[5]!.split(",").map(Number);
const d = cellDesigns(dir).find((x) => x.name.endsWith(cell))!;
for (const dieIx of dies) {
  const stream = seed * 1000003 + dieIx;
  const die = drawFabDie(d.circuit, FAB_TECHNOLOGIES.foundry!, stream, `${d.name} fab ${dieIx}`);
  const run = simulateLab(d.circuit, d.table, die, seed * 7 + dieIx);
  const c = run.calibrated.circuit;
  const f = readCellInfo(c.info)!;
  const set = cellCases(f);
  const rt = compileCircuit(c, { die: dieAtCodes(die, run.codes), dacBits: null }).run(set.inputs, set.cases);
  const re = compileCircuit(c, { die: dieAtCodes(run.session.estimatedDie as any, run.codes), dacBits: null }).run(set.inputs, set.cases);
  const W = f.outputs.length, P = f.ports.length;
  const step = Number((c.netlists[c.top]!.instances.detector!.settings as any).step);
  let wrong = 0;
  const byV = new Map<number, number[][]>();
  for (let n = 0; n < set.cases; n++) {
    const ok = Array.from({ length: W }, (_, k) => rt.digits[n * W + k] === set.expected[n * W + k]).every(Boolean);
    if (!ok) wrong++;
    const v = Array.from(set.inputs.subarray(n * P, (n + 1) * P)).reduce((a, b, i) => a + b * (f.ports[i] as any).weight, 0);
    const arr = byV.get(v) ?? [];
    arr.push(Array.from({ length: W }, (_, k) => (rt.fields.re[n * rt.width + k]! - re.fields.re[n * re.width + k]!) / step));
    byV.set(v, arr);
  }
  const fmt = [...byV].sort((a, b) => a[0] - b[0]).map(([v, a]) => `v${v}:${Array.from({ length: W }, (_, k) => Math.max(...a.map((x) => Math.abs(x[k]!))).toFixed(2)).join("/")}`);
  console.log(`die ${dieIx}: wrong ${wrong}/${set.cases}  max |Δlevel| per v (outputs): ${fmt.join(" ")}`);
}
