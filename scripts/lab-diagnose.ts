// Where a calibration from readings goes wrong on one die (docs/design/calibration.md §8): per entry, its
// stage's transfer (stage input → row) on the true die against the estimated die at the programmed
// codes, after one complex factor per row and the upstream row's own factor on each stage input (the
// gauges the estimate may carry), with its θ and φ misses; then every row's field over all raw
// inputs (the whole cell). --cache keeps the session's estimate, codes and notes in a JSON file.
//
//   npx tsx scripts/lab-diagnose.ts <compile-out-dir> --cell L2.add2 --die 2 [--seed 1] [--top 12] [--part digits] [--gauges] [--cache f.json] [--departure dead-monitor,…] [--points 40] [--closing-per-entry] [--no-closing]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cellStructure } from "../compiler/calibrate/lab/structure.ts";
import type { FabDie } from "../netlist/die/heaters.ts";
import { departDie } from "../fab/departures.ts";
import { drawFabDie } from "../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../fab/technology.ts";
import { dieAtCodes, realizedPhases, wrapSigned } from "../netlist/die/heaters.ts";
import { caseCount, casePowers } from "../netlist/lab/optics.ts";
import { dieEngine } from "../netlist/lab/die-engine.ts";
import { labBias } from "../pipeline/calibrate/from-readings.ts";
import { partTransfers, propagatePart } from "../netlist/lab/propagate.ts";
import { calibrateFab, checkCellOnFab } from "../pipeline/calibrate/fabricated-die.ts";
import { simulateLab } from "../pipeline/calibrate/simulated-session.ts";
import { cellDesigns } from "./fab-study-core.ts";
import { setupFromArgs } from "./lab-setup-args.ts";
import { rowFieldErrors, rowFields } from "./lab-study-core.ts";

const args = process.argv.slice(2);
const flag = (n: string, d: string): string => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const dir = args[0]!;
const only = flag("cell", "");
const d = Number(flag("die", "0"));
const seed = Number(flag("seed", "1"));
const top = Number(flag("top", "12"));
const design = cellDesigns(dir).find((x) => x.name.endsWith(only))!;
const stream = seed * 1000003 + d;
// The same die as scripts/lab-study.ts draws with --departure.
const departures = flag("departure", "").split(",").filter(Boolean);
const die = departDie(
  drawFabDie(design.circuit, FAB_TECHNOLOGIES.foundry!, stream, `${design.name} fab ${d}`),
  design.circuit,
  departures,
  stream,
);
const cache = flag("cache", "");
let codes: Int32Array;
let est: FabDie;
if (cache && existsSync(cache)) {
  const j = JSON.parse(readFileSync(cache, "utf8"));
  codes = Int32Array.from(j.codes);
  est = { ...j.est, passive: new Map(j.est.passive) };
} else {
  const run = simulateLab(design.circuit, design.table, die, seed * 7 + d, setupFromArgs(args));
  const mine = checkCellOnFab(run.calibrated.circuit, die, run.codes);
  console.log(
    `${design.name} die ${d}: ${mine.exact}/${mine.cases} exact, accepted ${run.session.acceptance?.pass}, ${(run.calibrationMs / 1000).toFixed(1)} s`,
  );
  if (run.session.acceptance) console.log(JSON.stringify(run.session.acceptance).slice(0, 600));
  codes = run.codes;
  est = run.session.estimatedDie;
  if (cache)
    writeFileSync(
      cache,
      JSON.stringify({
        codes: [...codes],
        est: { ...est, passive: [...est.passive] },
        notes: [...run.session.notes],
        acceptance: run.session.acceptance,
      }),
    );
}
const s = { struct: cellStructure(design.circuit) };
const run = { codes };
const part = flag("part", "");
const lc = s.struct.lc;
const tT = partTransfers(lc, dieAtCodes(die, run.codes));
const tE = partTransfers(lc, dieAtCodes(est, run.codes));
const pa = realizedPhases(die, run.codes);
const pb = realizedPhases(est, run.codes);
const levels = Number(design.circuit.info.levels ?? 4);
const engT = dieEngine(lc, die);
const engE = dieEngine(lc, est);
// Each stage input's gauge: an upstream row's field, true over estimated, where it is brightest.
const inputGauge = new Map<string, [number, number]>();
{
  const bias = labBias(calibrateFab(design.circuit, design.table, est).calibration.bias);
  const best = new Map<string, number>();
  for (let n = 0; n < caseCount(lc, levels); n++) {
    const p = casePowers(lc, levels, bias, n);
    const ft = engT.fields(pa, p);
    const fe = engE.fields(pb, p);
    for (const st of s.struct.stages)
      for (const r of st.rows) {
        const k = `${r.part},out${r.index}`;
        const [x, y] = ft.pin(k);
        const [c, dd] = fe.pin(k);
        const m = Math.hypot(x, y);
        if (m > (best.get(k) ?? 0) && Math.hypot(c, dd) > 0) {
          best.set(k, m);
          const q = c * c + dd * dd;
          inputGauge.set(k, [(x * c + y * dd) / q, (y * c - x * dd) / q]);
        }
      }
  }
}
if (args.includes("--gauges"))
  console.log(
    `row gauges (true/est at the brightest input: |h|, arg h): ${[...inputGauge].map(([k, [x, y]]) => `${k.replace(",out", "/r")} ${Math.hypot(x, y).toFixed(3)},${Math.atan2(y, x).toFixed(3)}`).join("; ")}`,
  );
type Row = { name: string; row: string; rel: number; amp: number; dPh: number; mag: number; theta: number; dTh: number; dPhi: number };
const out: Row[] = [];
for (const st of s.struct.stages) {
  if (part && st.part !== part) continue;
  const nIn = st.inputs.length;
  const cols = (t: typeof tT): [number, number][][] =>
    Array.from(
      { length: nIn },
      (_, j) =>
        propagatePart(
          lc,
          st.part,
          t,
          Array.from({ length: nIn }, (_, k) => (k === j ? [1, 0] : [0, 0]) as [number, number]),
        ).out,
    );
  const T0 = cols(tT);
  // Stage input j's upstream gauge multiplies the true die's transfer from it (the estimate absorbed it).
  const T = T0.map((col, j) => {
    const inp = st.inputs[j]!;
    const h = inp.kind === "row" ? (inputGauge.get(`${inp.part},out${inp.row}`) ?? [1, 0]) : [1, 0];
    const hm = Math.hypot(h[0]!, h[1]!);
    const [hr, hi] = [h[0]! / hm, h[1]! / hm];
    return col.map(([x, y]) => [x * hr - y * hi, x * hi + y * hr] as [number, number]);
  });
  const E = cols(tE);
  for (const row of st.rows) {
    if (row.entries.length === 0) continue;
    const js = row.entries.map((e) => s.struct.entries[e]!.input);
    let nr = 0,
      ni = 0,
      den = 0,
      topv = 0;
    for (const j of js) {
      const [x, y] = T[j]![row.index]!;
      const [c, dd] = E[j]![row.index]!;
      nr += x * c + y * dd;
      ni += y * c - x * dd;
      den += c * c + dd * dd;
      topv = Math.max(topv, Math.hypot(x, y));
    }
    const [gr, gi] = [nr / den, ni / den];
    row.entries.forEach((e) => {
      const en = s.struct.entries[e]!;
      const [x, y] = T[en.input]![row.index]!;
      const [c, dd] = E[en.input]![row.index]!;
      const [er, ei] = [gr * c - gi * dd, gr * dd + gi * c];
      const rel = Math.hypot(x - er, y - ei) / topv;
      out.push({
        name: en.name,
        row: `${st.part}/r${row.index} (${row.entries.length} entries, sink ${row.sink.kind}${row.sink.kind === "stage" && row.sink.gated ? " gated" : ""}${e === row.ref ? ", REF" : ""})`,
        rel,
        amp: Math.hypot(x, y) / Math.max(1e-30, Math.hypot(er, ei)),
        dPh: wrapSigned(Math.atan2(y, x) - Math.atan2(ei, er)),
        mag: Math.hypot(x, y) / topv,
        theta: wrapSigned(pa[en.theta]!),
        dTh: wrapSigned(pa[en.theta]! - pb[en.theta]!),
        dPhi: wrapSigned(pa[en.phi]! - pb[en.phi]!),
      });
    });
  }
}
if (!part) out.sort((a, b) => b.rel - a.rel);
console.log("entry | row | rel err | |true|/|est| | Δphase rad | |true|/row max | θ true | Δθ mrad | Δφ (abs) rad");
for (const r of part ? out : out.slice(0, top))
  console.log(
    `${r.name} | ${r.row} | ${(100 * r.rel).toFixed(2)} % | ${r.amp.toFixed(4)} | ${r.dPh.toFixed(4)} | ${r.mag.toFixed(3)} | ${r.theta.toFixed(3)} | ${(1000 * r.dTh).toFixed(2)} | ${r.dPhi.toFixed(3)}`,
  );

// Whole-cell fields over every raw input: per row, the worst deviation after one complex factor.
{
  const cal = calibrateFab(design.circuit, design.table, est);
  const bias = labBias(cal.calibration.bias);
  const keys = s.struct.stages.flatMap((st) => st.rows.map((r) => `${r.part},out${r.index}`));
  const [zt, ze] = rowFields(lc, levels, bias, keys, [die, pa], [est, pb]);
  const line = rowFieldErrors(zt, ze).flatMap((e, i) => (e === null ? [] : [`${keys[i]!.replace(",out", "/r")} ${(100 * e).toFixed(1)}%`]));
  console.log(`whole-cell row-field error: ${line.join(", ")}`);
}
