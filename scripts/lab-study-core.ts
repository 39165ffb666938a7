// The study behind scripts/lab-study.ts and `npm run bench -- calibrate`: fabricated dies of one
// closed-form cell design calibrated from readings alone (pipeline/calibrate/simulated-session.ts: the simulated
// lab measures, the session estimates), each accepted on its TRUE die over every raw input of the
// cell — what `optinc verify <calibrated> --measured die.json` checks — beside the oracle
// calibration of the same die. Counts with 95 % Clopper–Pearson intervals.
import type { Circuit, PhaseTable } from "../netlist/ir.ts";
import type { LabSetup } from "../compiler/calibrate/lab/rounds.ts";
import { departDie } from "../fab/departures.ts";
import { drawFabDie } from "../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../fab/technology.ts";
import { realizedPhases, wrapSigned, type FabDie } from "../netlist/die/heaters.ts";
import { caseCount, casePowers, type LabCircuit } from "../netlist/lab/optics.ts";
import { dieEngine } from "../netlist/lab/die-engine.ts";
import { calibrateFab, checkCellOnFab } from "../pipeline/calibrate/fabricated-die.ts";
import { labBias } from "../pipeline/calibrate/from-readings.ts";
import { simulateLab } from "../pipeline/calibrate/simulated-session.ts";
import { fmtYield } from "./fab-study-core.ts";

export interface LabStudyRow {
  name: string;
  dies: number;
  mzis: number;
  /** Dies exact on every input: calibrated from readings, by the oracle, and die d's readings program on die d + 1. */
  ok: number;
  /** Dies the acceptance round passed, and of them the ones not exact on the true die (false passes). */
  accepted: number;
  falsePasses: number;
  oracle: number;
  other: number;
  /** The most readings per MZI any die of the row took (the budget is per die). */
  readingsPerMzi: number;
  /** Instrument time per die, s (the settling probe's waits differ from die to die). */
  labSeconds: number[];
  calibrationMs: number[];
  /** θ residual of the estimated die at its codes (RMS over dies), rad; worst row-field error (median over dies). */
  thetaRms: number;
  rowErrors: number[];
  worstCases: number;
  /** Each die in order: inputs exact on the true die, the acceptance round's verdict, readings taken (tests/docs/calibration-figures.test.ts compares samples of these). */
  perDie: LabDieRecord[];
}

export interface LabDieRecord {
  exact: number;
  cases: number;
  accepted: boolean;
  readings: number;
}

/**
 * How well the estimated die knows the true one at the programmed codes: every θ heater's realized
 * phase (absolute: no gauge), and every row's field over all cell inputs, as the worst deviation
 * from the truth after one complex factor per row (the gauge a row's phase and scale may carry),
 * relative to the row's largest field. The oracle's are 0 up to its 16-bit drive (1.1e-4 rad).
 */
function residuals(run: ReturnType<typeof simulateLab>, die: FabDie, levels: number): { theta: number[]; rowWorst: number } {
  const s = run.session;
  const a = realizedPhases(die, run.codes);
  const b = realizedPhases(s.estimatedDie, run.codes);
  const theta = s.struct.entries.map((e) => wrapSigned(a[e.theta]! - b[e.theta]!));
  const lc = s.struct.lc;
  const keys = s.struct.stages.flatMap((st) => st.rows.map((r) => `${r.part},out${r.index}`));
  const [zt, ze] = rowFields(lc, levels, labBias(run.calibrated.calibration.bias), keys, [die, a], [s.estimatedDie, b]);
  const rowWorst = Math.max(0, ...rowFieldErrors(zt, ze).filter((e) => e !== null));
  return { theta, rowWorst };
}

/** Every row's field (`keys`: "part,outN") over every cell input, on two dies each at its realized phases. */
export function rowFields(
  lc: LabCircuit,
  levels: number,
  bias: ReturnType<typeof labBias>,
  keys: string[],
  ...dies: [FabDie, Float64Array][]
): [number, number][][][] {
  return dies.map(([die, phases]) => {
    const eng = dieEngine(lc, die);
    const z = keys.map(() => [] as [number, number][]);
    for (let n = 0; n < caseCount(lc, levels); n++) {
      const f = eng.fields(phases, casePowers(lc, levels, bias, n));
      keys.forEach((k, i) => z[i]!.push(f.pin(k)));
    }
    return z;
  });
}

/**
 * Per row, the worst deviation of the estimated fields `ze` from the true `zt` over every case,
 * after one complex factor (the gauge a row's phase and scale may carry), relative to the row's
 * largest true field; null for a row with no light.
 */
export function rowFieldErrors(zt: [number, number][][], ze: [number, number][][]): (number | null)[] {
  return zt.map((row, i) => {
    let nr = 0;
    let ni = 0;
    let den = 0;
    let top = 0;
    row.forEach(([x, y], k) => {
      const [c, d] = ze[i]![k]!;
      nr += x * c + y * d;
      ni += y * c - x * d;
      den += c * c + d * d;
      top = Math.max(top, Math.hypot(x, y));
    });
    if (!(den > 0 && top > 0)) return null;
    const [gr, gi] = [nr / den, ni / den];
    let worst = 0;
    row.forEach(([x, y], k) => {
      const [c, d] = ze[i]![k]!;
      worst = Math.max(worst, Math.hypot(x - (gr * c - gi * d), y - (gr * d + gi * c)) / top);
    });
    return worst;
  });
}

const median = (x: number[]): number => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)] ?? 0;
const rms = (x: number[]): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));

/** The studies' die d of a cell design (docs/studies/calibration.md §4: die seed 1000003·seed + d, foundry process), departed as asked. */
export function studyDie(circuit: Circuit, name: string, d: number, departures: readonly string[] = [], seed = 1): FabDie {
  const stream = seed * 1000003 + d;
  return departDie(drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, stream, `${name} fab ${d}`), circuit, departures, stream);
}

export function labStudy(
  name: string,
  circuit: Circuit,
  table: PhaseTable | null,
  dies: number,
  seed: number,
  log?: (line: string) => void,
  departures: readonly string[] = [],
  /** The first die (a study resumed part way: dies first … dies − 1). */
  first = 0,
  /** Protocol settings other than the defaults (an ablation: `--points`). */
  setup: Partial<LabSetup> = {},
  /** A study's oracle: the true die's couplings handed to the estimate (scripts/known-couplings.ts). */
  known?: (die: FabDie) => LabSetup["knownCouplings"],
): LabStudyRow {
  const row: LabStudyRow = {
    name,
    dies: dies - first,
    mzis: 0,
    ok: 0,
    accepted: 0,
    falsePasses: 0,
    oracle: 0,
    other: 0,
    readingsPerMzi: 0,
    labSeconds: [],
    calibrationMs: [],
    thetaRms: 0,
    rowErrors: [],
    worstCases: 0,
    perDie: [],
  };
  const levels = Number(circuit.info.levels ?? 4);
  const th: number[] = [];
  let prev: { codes: Int32Array; circuit: Circuit } | null = null;
  for (let d = first; d < dies; d++) {
    const die = studyDie(circuit, name, d, departures, seed);
    const run = simulateLab(circuit, table, die, seed * 7 + d, known ? { ...setup, knownCouplings: known(die) } : setup);
    const oracle = calibrateFab(circuit, table, die);
    const mine = checkCellOnFab(run.calibrated.circuit, die, run.codes);
    const full = (r: { exact: number; cases: number }): boolean => r.exact === r.cases;
    if (full(mine)) row.ok++;
    const passed = run.session.acceptance?.pass === true;
    if (passed) row.accepted++;
    if (passed && !full(mine)) row.falsePasses++;
    if (full(checkCellOnFab(oracle.circuit, die, oracle.codes))) row.oracle++;
    if (prev && full(checkCellOnFab(prev.circuit, die, prev.codes))) row.other++;
    row.worstCases = Math.max(row.worstCases, mine.cases - mine.exact);
    row.perDie.push({ exact: mine.exact, cases: mine.cases, accepted: passed, readings: run.readings });
    prev = { codes: run.codes, circuit: run.calibrated.circuit };
    row.mzis = run.session.struct.entries.length;
    // the budget is per die: the row states the most any of its dies took
    row.readingsPerMzi = Math.max(row.readingsPerMzi, run.readings / row.mzis);
    row.labSeconds.push(run.labSeconds);
    row.calibrationMs.push(run.calibrationMs);
    const r = residuals(run, die, levels);
    th.push(...r.theta);
    row.rowErrors.push(r.rowWorst);
    log?.(
      `${name} die ${d}: ${mine.exact}/${mine.cases} exact, ${passed ? "accepted" : "refused"}, ${(run.calibrationMs / 1000).toFixed(1)} s (CPU ${(run.calibrationCpuMs / 1000).toFixed(1)} s), lab ${run.labSeconds.toFixed(1)} s, ${(run.readings / row.mzis).toFixed(2)} readings per MZI, row-field error ${(100 * r.rowWorst).toFixed(2)} %`,
    );
  }
  row.thetaRms = rms(th);
  return row;
}

export const LAB_STUDY_COLUMNS = [
  "cell design",
  "MZIs",
  "exact from readings",
  "accepted on readings",
  "false passes",
  "oracle exact",
  "readings / MZI",
  "lab time / die (median, max)",
  "calibration time / die (median, max)",
  "θ residual (RMS; oracle 1.1e-4 rad)",
  "row-field error (median, worst die)",
  "program on the next die",
];

/** Lab time per die: one figure when every die took the same, else the median and the longest. */
function labTimeCell(s: number[]): string {
  const t = [...s].sort((a, b) => a - b);
  const med = t[Math.floor(t.length / 2)] ?? 0;
  const max = t[t.length - 1] ?? 0;
  return max.toFixed(1) === med.toFixed(1) ? `${med.toFixed(1)} s` : `${med.toFixed(1)} s, ${max.toFixed(1)} s`;
}

export function labStudyCells(r: LabStudyRow): string[] {
  const t = [...r.calibrationMs].sort((a, b) => a - b);
  const med = t[Math.floor(t.length / 2)] ?? 0;
  return [
    r.name,
    String(r.mzis),
    fmtYield(r.ok, r.dies),
    fmtYield(r.accepted, r.dies),
    String(r.falsePasses),
    fmtYield(r.oracle, r.dies),
    r.readingsPerMzi.toFixed(0),
    labTimeCell(r.labSeconds),
    `${(med / 1000).toFixed(1)} s, ${((t[t.length - 1] ?? 0) / 1000).toFixed(1)} s`,
    `${(r.thetaRms * 1000).toFixed(3)} mrad`,
    `${(100 * median(r.rowErrors)).toFixed(2)} %, ${(100 * Math.max(...r.rowErrors)).toFixed(2)} %`,
    fmtYield(r.other, r.dies - 1),
  ];
}
