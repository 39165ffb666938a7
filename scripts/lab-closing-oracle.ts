// How far a closing round at the operating point could take a calibration from readings
// (docs/design/calibration.md §10.3, `crosstalk`): after the session, the estimated die is moved, from the
// TRUE die, so that it realizes what the true die realizes at the programmed codes — every θ, then
// also every entry's phase relative to its row (stage transfer, after one complex factor per row
// and the upstream row's phase on each stage input, as lab-diagnose.ts) — the codes solved again,
// `--passes` times (default 3; the fixed point a lab's closing rounds iterate to). Prints, per stage,
// the θ miss (mean/RMS, mrad), the relative phase miss and the amplitude miss (RMS of
// ln |true|/|est|, ×1000), and the inputs exact on the true die.
//   --gains  also moves each dim entry's amplitude miss (loss on its φ section, relative to its row);
//   --true-crosstalk theta|phi|all  first, the estimate given the true die's couplings onto those
//            victims (the codes solved again, nothing else moved).
//   --gauge  also moves every entry's amplitude, the common factor of each row an output detector
//            reads and the common phase of each row read through a ReLU — the gauges the per-row
//            factor above leaves out, which the decisions do see.
//
//   npx tsx scripts/lab-closing-oracle.ts <compile-out-dir> --cell add0 [--dies 3] [--first 0] [--departure crosstalk] [--amp] [--gains] [--gauge [--gauge-parts gains,detector,gated]] [--passes 3] [--points 40] [--closing-per-entry] [--no-closing]
import { dieAtCodes, realizedPhases, wrapSigned } from "../netlist/die/heaters.ts";
import { caseCount, casePowers } from "../netlist/lab/optics.ts";
import { partTransfers, propagatePart } from "../netlist/lab/propagate.ts";
import { dieEngine } from "../netlist/lab/die-engine.ts";
import { labBias } from "../pipeline/calibrate/from-readings.ts";
import { calibrateFab, checkCellOnFab } from "../pipeline/calibrate/fabricated-die.ts";
import { simulateLab } from "../pipeline/calibrate/simulated-session.ts";
import { cellDesigns } from "./fab-study-core.ts";
import { studyDie } from "./lab-study-core.ts";
import { setupFromArgs } from "./lab-setup-args.ts";

type C = [number, number];
const args = process.argv.slice(2);
const flag = (n: string, d: string): string => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const design = cellDesigns(args[0]!).find((x) => x.name.endsWith(flag("cell", "divide0")))!;
const departures = flag("departure", "crosstalk").split(",").filter(Boolean);
const levels = Number(design.circuit.info.levels ?? 4);
const mul = ([a, b]: C, [c, d]: C): C => [a * c - b * d, a * d + b * c];

for (let d = Number(flag("first", "0")); d < Number(flag("dies", "3")); d++) {
  const die = studyDie(design.circuit, design.name, d, departures);
  const run = simulateLab(design.circuit, design.table, die, 7 + d, setupFromArgs(args));
  const s = run.session;
  const st = s.struct;
  const lc = st.lc;
  const est = s.estimatedDie;
  const asRead = est.heaters.map((h) => h.offsetRad);

  // Per entry, its stage transfer on the true die against the estimate's, at `codes`.
  const entryMiss = (
    codes: Int32Array,
  ): { miss: Map<number, { dPh: number; amp: number }>; rowFactor: Map<string, C>; pa: Float64Array; pb: Float64Array } => {
    const pa = realizedPhases(die, codes);
    const pb = realizedPhases(est, codes);
    const engT = dieEngine(lc, die);
    const engE = dieEngine(lc, est);
    const bias = labBias(calibrateFab(design.circuit, design.table, est).calibration.bias);
    // Each row's phase, true against estimated, at the input where it is brightest.
    const gauge = new Map<string, C>();
    const best = new Map<string, number>();
    for (let n = 0; n < caseCount(lc, levels); n++) {
      const p = casePowers(lc, levels, bias, n);
      const ft = engT.fields(pa, p);
      const fe = engE.fields(pb, p);
      for (const sg of st.stages)
        for (const r of sg.rows) {
          const k = `${r.part},out${r.index}`;
          const [x, y] = ft.pin(k);
          const [c, e] = fe.pin(k);
          if (Math.hypot(x, y) > (best.get(k) ?? 0) && Math.hypot(c, e) > 0) {
            best.set(k, Math.hypot(x, y));
            const q = c * c + e * e;
            gauge.set(k, [(x * c + y * e) / q, (y * c - x * e) / q]);
          }
        }
    }
    const tT = partTransfers(lc, dieAtCodes(die, codes));
    const tE = partTransfers(lc, dieAtCodes(est, codes));
    const miss = new Map<number, { dPh: number; amp: number }>();
    const rowFactor = new Map<string, C>();
    for (const sg of st.stages) {
      const n = sg.inputs.length;
      const cols = (t: typeof tT): C[][] =>
        Array.from(
          { length: n },
          (_, j) =>
            propagatePart(
              lc,
              sg.part,
              t,
              Array.from({ length: n }, (_, k) => (k === j ? [1, 0] : [0, 0]) as C),
            ).out,
        );
      const T = cols(tT).map((col, j) => {
        const inp = sg.inputs[j]!;
        const h = inp.kind === "row" ? (gauge.get(`${inp.part},out${inp.row}`) ?? [1, 0]) : ([1, 0] as C);
        return col.map((z) => mul(z, h));
      });
      const E = cols(tE);
      for (const row of sg.rows) {
        if (row.entries.length === 0) continue;
        let [nr, ni, den] = [0, 0, 0];
        for (const e of row.entries) {
          const j = st.entries[e]!.input;
          const [x, y] = T[j]![row.index]!;
          const [c, dd] = E[j]![row.index]!;
          nr += x * c + y * dd;
          ni += y * c - x * dd;
          den += c * c + dd * dd;
        }
        rowFactor.set(`${sg.part}/${row.index}`, [nr / den, ni / den]);
        for (const e of row.entries) {
          const j = st.entries[e]!.input;
          const [x, y] = T[j]![row.index]!;
          const [er, ei] = mul([nr / den, ni / den], E[j]![row.index]!);
          miss.set(e, {
            dPh: wrapSigned(Math.atan2(y, x) - Math.atan2(ei, er)),
            amp: Math.hypot(x, y) / Math.max(1e-30, Math.hypot(er, ei)),
          });
        }
      }
    }
    return { miss, rowFactor, pa, pb };
  };

  const q = (v: number[]): number => 1000 * Math.sqrt(v.reduce((a, b) => a + b * b, 0) / Math.max(1, v.length));
  const report = (label: string, codes: Int32Array): string[] => {
    const r = checkCellOnFab(calibrateFab(design.circuit, design.table, est).circuit, die, codes);
    const { miss, pa, pb } = entryMiss(codes);
    const per = st.stages.map((sg) => {
      const dt = sg.entries.map((e) => wrapSigned(pa[st.entries[e]!.theta]! - pb[st.entries[e]!.theta]!));
      const mean = (1000 * dt.reduce((a, b) => a + b, 0)) / dt.length;
      const ph = q(sg.entries.map((e) => miss.get(e)?.dPh ?? 0));
      const amp = q(sg.entries.map((e) => Math.log(miss.get(e)?.amp ?? 1)));
      return `${sg.part}: θ ${mean.toFixed(0)}/${q(dt).toFixed(0)} ph ${ph.toFixed(0)} lnA ${amp.toFixed(0)}`;
    });
    const out = [`${label}: ${r.exact}/${r.cases} [${per.join(" | ")}]`];
    if (args.includes("--amp")) {
      const worst = [...miss].sort((x, y) => Math.abs(Math.log(y[1].amp)) - Math.abs(Math.log(x[1].amp))).slice(0, 6);
      const name = (e: number): string => {
        const th = wrapSigned(pa[st.entries[e]!.theta]!);
        return `${st.entries[e]!.name} θ ${th.toFixed(2)}${Math.abs(Math.sin(th / 2)) < 0.5 ? " dim" : ""}`;
      };
      out.push(`    largest amplitude misses: ${worst.map(([e, x]) => `${name(e)} ×${x.amp.toFixed(3)}`).join(", ")}`);
    }
    return out;
  };

  const lines = report("as read", run.codes);
  // --true-crosstalk theta|phi|all: the estimate's couplings onto those victims replaced by the true
  // die's, the codes solved again, nothing else moved: whether the program's compensation (not the
  // fitted offsets and gains) is what misses.
  const which = flag("true-crosstalk", "");
  if (which) {
    const thetas = new Set(st.entries.map((en) => en.theta));
    const onto = (v: number): boolean => which === "all" || (which === "theta") === thetas.has(v);
    const asFitted = est.crosstalk;
    est.crosstalk = [...est.crosstalk.filter((x) => !onto(x.victim)), ...die.crosstalk.filter((x) => onto(x.victim))];
    lines.push(...report(`true crosstalk onto ${which} victims`, s.programCodes().codes));
    est.crosstalk = asFitted;
  }
  const passiveAsRead = new Map([...est.passive].map(([k, v]) => [k, { ...v }]));
  const passes = Number(flag("passes", "3"));
  const modes = ["theta", "phase", ...(args.includes("--gains") ? ["gain"] : []), ...(args.includes("--gauge") ? ["gauge"] : [])];
  const parts = flag("gauge-parts", "gains,detector,gated").split(",");
  const lossBy = (leaf: string, amp: number): void => {
    const pe = est.passive.get(leaf) ?? {};
    est.passive.set(leaf, { ...pe, lossDb: (pe.lossDb ?? 0) - 20 * Math.log10(amp) });
  };
  for (const mode of modes) {
    est.heaters.forEach((h, i) => (h.offsetRad = asRead[i]!));
    est.passive.clear();
    for (const [k, v] of passiveAsRead) est.passive.set(k, { ...v });
    let codes = run.codes;
    for (let it = 0; it < passes; it++) {
      const { miss, rowFactor, pa, pb } = entryMiss(codes);
      for (const en of st.entries) est.heaters[en.theta]!.offsetRad += wrapSigned(pa[en.theta]! - pb[en.theta]!);
      if (mode !== "theta")
        for (const [e, x] of miss) if (!st.parked.has(st.entries[e]!.phi)) est.heaters[st.entries[e]!.phi]!.offsetRad += x.dPh;
      // --gains: each dim entry's amplitude miss moved onto its φ section as loss, relative to its row.
      if (mode === "gain" || mode === "gauge")
        for (const [e, x] of miss) {
          const th = pa[st.entries[e]!.theta]!;
          if ((mode === "gauge" && parts.includes("gains")) || Math.abs(Math.sin(th / 2)) < 0.5)
            lossBy(st.heaters[st.entries[e]!.phi]!.path, x.amp);
        }
      // --gauge: a row read by an output detector carries no gauge (its common factor moved onto its
      // entries), nor does a row read through a ReLU its phase (the ReLU passes Re z in its own frame).
      if (mode === "gauge")
        for (const sg of st.stages)
          for (const row of sg.rows) {
            const f = rowFactor.get(`${sg.part}/${row.index}`);
            const gated = row.sink.kind === "stage" && row.sink.gated;
            if (!f || !parts.includes(gated ? "gated" : row.sink.kind)) continue;
            for (const e of row.entries) {
              const h = st.entries[e]!.phi;
              if (!st.parked.has(h)) est.heaters[h]!.offsetRad += Math.atan2(f[1], f[0]);
              if (!gated) lossBy(st.heaters[h]!.path, Math.hypot(f[0], f[1]));
            }
          }
      codes = s.programCodes().codes;
    }
    lines.push(
      ...report(
        mode === "gauge"
          ? `θ, phases, dim gains, ${parts.join(" + ")}`
          : mode === "gain"
            ? "θ, phases and dim gains"
            : mode === "phase"
              ? "θ and relative phases at the operating point"
              : "θ at the operating point",
        codes,
      ),
    );
  }
  console.log(`${design.name} die ${d} (${s.acceptance?.pass ? "accepted" : "refused"})\n  ${lines.join("\n  ")}`);
}
