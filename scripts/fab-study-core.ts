// The study behind scripts/fab-study.ts and `npm run bench -- calibrate`: fabricated dies of one
// closed-form cell design through the oracle calibration (pipeline/calibrate/fabricated-die.ts), each checked
// on every raw input of the cell; counts with 95 % Clopper–Pearson intervals.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Circuit, PhaseTable } from "../netlist/ir.ts";
import { parsePhaseTable } from "../netlist/formats/phase-table.ts";
import { loadCircuits } from "../verify/circuit/load.ts";
import { readCellInfo } from "../aggregate/circuit-info.ts";
import { drawFabDie } from "../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../fab/technology.ts";
import { nominalCodes } from "../netlist/formats/drive-file.ts";
import { calibrateFab, checkCellOnFab } from "../pipeline/calibrate/fabricated-die.ts";
import { binomialTail } from "../verify/tolerance/quantile.ts";

/** Two-sided 95 % Clopper–Pearson interval of k successes in n, by bisection on the binomial tail. */
export function clopperPearson(k: number, n: number): [number, number] {
  const solve = (f: (p: number) => number): number => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (f(mid) < 0) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const lower = k === 0 ? 0 : solve((p) => binomialTail(n, p, k) - 0.025);
  const upper = k === n ? 1 : solve((p) => 0.025 - (1 - binomialTail(n, p, k + 1)));
  return [lower, upper];
}

export const fmtYield = (k: number, n: number): string => {
  const [lo, hi] = clopperPearson(k, n);
  return `${k}/${n} [${(100 * lo).toFixed(1)} %, ${(100 * hi).toFixed(1)} %]`;
};

export interface FabStudyRow {
  name: string;
  dies: number;
  heaters: number;
  crosstalk: number;
  /** Exact dies: nominal drive (uncalibrated), oracle calibration, without crosstalk compensation, die d's program on die d + 1. */
  raw: number;
  ok: number;
  plain: number;
  other: number;
  maxErr: number;
  msPerDie: number;
}

export function fabStudy(name: string, circuit: Circuit, table: PhaseTable | null, dies: number, seed: number): FabStudyRow {
  const tech = FAB_TECHNOLOGIES.foundry!;
  let raw = 0;
  let ok = 0;
  let plain = 0;
  let other = 0;
  let maxErr = 0;
  let ms = 0;
  let heaters = 0;
  let xt = 0;
  let prev: { codes: Int32Array; circuit: typeof circuit } | null = null;
  for (let d = 0; d < dies; d++) {
    const die = drawFabDie(circuit, tech, seed * 1000003 + d, `${name} fab ${d}`);
    heaters = die.heaters.length;
    xt = die.crosstalk.length;
    const full = (r: { exact: number; cases: number }): boolean => r.exact === r.cases;
    if (full(checkCellOnFab(circuit, die, nominalCodes(circuit, die)))) raw++;
    const t0 = performance.now();
    const cal = calibrateFab(circuit, table, die);
    ms += performance.now() - t0;
    maxErr = Math.max(maxErr, cal.maxPhaseErrorRad);
    if (full(checkCellOnFab(cal.circuit, die, cal.codes))) ok++;
    const nc = calibrateFab(circuit, table, die, false);
    if (full(checkCellOnFab(nc.circuit, die, nc.codes))) plain++;
    if (prev && full(checkCellOnFab(prev.circuit, die, prev.codes))) other++;
    prev = { codes: cal.codes, circuit: cal.circuit };
  }
  return { name, dies, heaters, crosstalk: xt, raw, ok, plain, other, maxErr, msPerDie: ms / dies };
}

export const FAB_STUDY_COLUMNS = [
  "cell design",
  "heaters",
  "crosstalk couplings",
  "uncalibrated exact",
  "oracle calibrated exact",
  "without crosstalk compensation",
  "program on the next die",
  "largest phase error (rad)",
  "calibration time / die",
];

export function fabStudyCells(r: FabStudyRow): string[] {
  return [
    r.name,
    String(r.heaters),
    String(r.crosstalk),
    fmtYield(r.raw, r.dies),
    fmtYield(r.ok, r.dies),
    fmtYield(r.plain, r.dies),
    fmtYield(r.other, r.dies - 1),
    r.maxErr.toExponential(2),
    `${r.msPerDie.toFixed(0)} ms`,
  ];
}

/** Every closed-form cell design of a compiled directory with its phase table (file stem as name). */
export function cellDesigns(dir: string): { name: string; circuit: Circuit; table: PhaseTable }[] {
  return loadCircuits(dir)
    .filter((c) => readCellInfo(c.circuit.info))
    .map((l) => {
      const name = l.netlistPath
        .split("/")
        .pop()!
        .replace(/\.netlist\.json$/, "");
      return { name, circuit: l.circuit, table: parsePhaseTable(readFileSync(join(dir, `${name}.phases.json`), "utf8"), name) };
    });
}
