// Fabricated dies (netlist/die-fab.ts, optinc.die/2) of every closed-form cell design of a compiled
// directory, calibrated by the oracle (the true die model: pipeline/calibrate-fab.ts) and checked on
// every raw input of the cell: exact dies k/n with a 95 % Clopper–Pearson interval, with and without
// crosstalk compensation, uncalibrated (nominal drive), and a program checked on the next die.
//
//   npx tsx scripts/fab-study.ts <compile-out-dir> [--dies 100] [--seed 1]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCircuits } from "../verify/circuit/load.ts";
import { parsePhaseTable } from "../netlist/phase-table.ts";
import { drawFabDie } from "../netlist/die-fab.ts";
import { FAB_TECHNOLOGIES } from "../netlist/die-fab-technology.ts";
import { nominalCodes } from "../netlist/die-fab-drive.ts";
import { calibrateFab, checkCellOnFab } from "../pipeline/calibrate-fab.ts";
import { cellFromInfo } from "../verify/cells/cell-cases.ts";
import { binomialTail } from "../verify/tolerance/quantile.ts";

const args = process.argv.slice(2);
const flag = (n: string, d: string): string => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const dir = args[0]!;
const dies = Number(flag("dies", "100"));
const seed = Number(flag("seed", "1"));
const tech = FAB_TECHNOLOGIES.foundry!;

/** Two-sided 95 % Clopper–Pearson interval of k successes in n, by bisection on the binomial tail. */
function clopperPearson(k: number, n: number): [number, number] {
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

const fmt = (k: number, n: number): string => {
  const [lo, hi] = clopperPearson(k, n);
  return `${k}/${n} [${(100 * lo).toFixed(1)} %, ${(100 * hi).toFixed(1)} %]`;
};

const loaded = loadCircuits(dir).filter((c) => cellFromInfo(c.circuit.info));
console.log(`| cell design | heaters | crosstalk couplings | uncalibrated exact | oracle calibrated exact | without crosstalk compensation | program on the next die | largest phase error (rad) | calibration time / die |`);
console.log(`|---|---|---|---|---|---|---|---|---|`);
for (const l of loaded) {
  const name = l.netlistPath.split("/").pop()!.replace(/\.netlist\.json$/, "");
  const table = parsePhaseTable(readFileSync(join(dir, `${name}.phases.json`), "utf8"), name);
  let raw = 0;
  let ok = 0;
  let plain = 0;
  let other = 0;
  let maxErr = 0;
  let ms = 0;
  let heaters = 0;
  let xt = 0;
  let prev: { codes: Int32Array; circuit: typeof l.circuit } | null = null;
  for (let d = 0; d < dies; d++) {
    const die = drawFabDie(l.circuit, tech, seed * 1000003 + d, `${name} fab ${d}`);
    heaters = die.heaters.length;
    xt = die.crosstalk.length;
    const full = (r: { exact: number; cases: number }): boolean => r.exact === r.cases;
    if (full(checkCellOnFab(l.circuit, die, nominalCodes(l.circuit, die)))) raw++;
    const t0 = performance.now();
    const cal = calibrateFab(l.circuit, table, die);
    ms += performance.now() - t0;
    maxErr = Math.max(maxErr, cal.maxPhaseErrorRad);
    if (full(checkCellOnFab(cal.circuit, die, cal.codes))) ok++;
    const nc = calibrateFab(l.circuit, table, die, false);
    if (full(checkCellOnFab(nc.circuit, die, nc.codes))) plain++;
    if (prev && full(checkCellOnFab(prev.circuit, die, prev.codes))) other++;
    prev = { codes: cal.codes, circuit: cal.circuit };
  }
  console.log(`| ${name} | ${heaters} | ${xt} | ${fmt(raw, dies)} | ${fmt(ok, dies)} | ${fmt(plain, dies)} | ${fmt(other, dies - 1)} | ${maxErr.toExponential(2)} | ${(ms / dies).toFixed(0)} ms |`);
}
