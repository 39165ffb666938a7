// How many of N seeded foundry dies of a compiled circuit decode every case exactly, before and after
// `optinc calibrate`, and what remains: the same dies with classes of errors removed (ablations) and
// the phase-DAC resolution swept. Every figure is one `optinc verify --measured` run (the circuit
// simulated on exactly that die), so the study can be re-checked die by die with the CLI.
//
//   npx tsx scripts/calibration-study.ts <compile-out-dir> [--dies 20] [--seed 1] [--max-cases 50000]
//                                        [--variants foundry,foundry-nodac,...] [--dac-sweep 8,10,12,14,16]
//
// Variants (foundry preset: couplers ±2 %, phase offsets σ 10 mrad, 0.1 dB per MZI, 12-bit DAC):
//   foundry            every static error, 12-bit DAC
//   foundry-nodac      every static error, continuous phases
//   no-loss            couplers and phase offsets (no insertion loss)
//   no-trees           every error except on fixed couplers outside MZIs (the splitter/combiner trees)
//   phase              phase offsets only
//   couplers           coupler deviations only
//   loss               insertion loss only
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { calibrateCircuit } from "../compiler/calibrate/circuit.ts";
import { calibratedCircuit, calibratedPhaseTable } from "../compiler/calibrate/writeback.ts";
import { drawDie, type Die, type LeafError } from "../netlist/die/die.ts";
import { circuitFromPhaseTable } from "../netlist/formats/from-phase-table.ts";
import type { Circuit, PhaseTable } from "../netlist/ir.ts";
import { parsePhaseTable } from "../netlist/formats/phase-table.ts";
import { loadCircuits } from "../verify/circuit/load.ts";
import { readUnitInfo } from "../aggregate/circuit-info.ts";
import { verifyCircuit } from "../verify/circuit/run.ts";
import { TECHNOLOGY_PRESETS } from "../dsl/technology-presets.ts";
import { drawDieShape, linearParts, realizeDie } from "../netlist/die/die.ts";
import { cellCases } from "../aggregate/cell-cases.ts";
import { cellOf, checkCell } from "../verify/cells/cell-verify.ts";
import { copySeed } from "../verify/cells/chip-yield.ts";
import { isClosedForm } from "../verify/cells/verify-closed-form.ts";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const dir = args.find((a) => !a.startsWith("--") && !args[args.indexOf(a) - 1]?.startsWith("--"));
if (!dir) {
  console.error(
    "usage: npx tsx scripts/calibration-study.ts <compile-out-dir> [--dies 20] [--seed 1] [--max-cases 50000] [--variants …] [--dac-sweep …]",
  );
  process.exit(2);
}
const dies = Number(flag("dies", "20"));
const seed = Number(flag("seed", "1"));
const maxCases = Number(flag("max-cases", "50000"));
const variants = flag("variants", "foundry,foundry-nodac,no-loss,no-trees,phase,couplers,loss").split(",");
const sweep = flag("dac-sweep", "").split(",").filter(Boolean).map(Number);

const all = loadCircuits(dir);
const foundry = { ...TECHNOLOGY_PRESETS.foundry!.levels, dacBits: TECHNOLOGY_PRESETS.foundry!.levels.dacBits ?? 16 };
if (isClosedForm(all)) {
  closedFormStudy();
  process.exit(0);
}
const [loaded] = all;
if (!loaded) throw new Error(`no circuit in ${dir}`);
const circuit = loaded.circuit;
const name = loaded.netlistPath.replace(/^.*\//, "").replace(/\.netlist\.json$/, "");
let table: PhaseTable | null = null;
try {
  table = parsePhaseTable(readFileSync(join(dir, `${name}.phases.json`), "utf8"));
} catch {
  table = null;
}
const info = circuit.info;
const opts = {
  seed: loaded.seed ?? 1,
  minExact: 1,
  maxCases,
  rounding: loaded.rounding ?? (info.rounding as "nearest-even") ?? "nearest-even",
  unit: readUnitInfo(info),
  preprocess: loaded.preprocess ?? Object.values(circuit.netlists[circuit.top]!.instances).some((i) => i.settings.role === "preprocess"),
};

/** The die of trial t with some error classes removed. */
function variantDie(base: Die, v: string): Die {
  const keep = (path: string, kind: "coupling" | "phase" | "loss"): boolean => {
    const mziCoupler = /_bs[AB]$/.test(path) || /__bs[AB]$/.test(path);
    switch (v) {
      case "no-loss":
        return kind !== "loss";
      case "no-trees":
        return kind !== "coupling" || mziCoupler;
      case "phase":
        return kind === "phase";
      case "couplers":
        return kind === "coupling";
      case "loss":
        return kind === "loss";
      default:
        return true;
    }
  };
  const leaves = new Map<string, LeafError>();
  for (const [path, e] of base.leaves) {
    const out = { ...e };
    if (!keep(path, "coupling")) delete out.dCoupling;
    if (!keep(path, "phase")) delete out.dPhi;
    if (!keep(path, "loss")) delete out.lossDb;
    if (Object.keys(out).length) leaves.set(path, out);
  }
  return { ...base, id: `${base.id} ${v}`, leaves };
}

function exact(c: Circuit, die: Die, dacBits: number | null): number {
  return verifyCircuit(c, { ...opts, nonIdealities: {}, trials: 0, minYield: 0, measured: { die, dacBits, receiver: "thresholds" } })
    .nominal.exactFraction;
}

function calibrated(die: Die, dacBits: number | null): Circuit {
  const cal = calibrateCircuit(circuit, die, { dacBits });
  if (!table) return calibratedCircuit(circuit, cal);
  const c = circuitFromPhaseTable(calibratedPhaseTable(table, circuit, cal), circuit.name);
  c.info = { ...circuit.info, calibrated_for: die.id };
  return c;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const rows: string[] = [];
console.log(`${name}: ${dies} foundry dies (seed ${seed}), ${maxCases} cases max per check`);
for (const v of variants) {
  const dac = v === "foundry-nodac" ? null : foundry.dacBits;
  let exactBefore = 0;
  let exactAfter = 0;
  let exactKept = 0;
  const before: number[] = [];
  const after: number[] = [];
  const t0 = performance.now();
  for (let t = 0; t < dies; t++) {
    const die = variantDie({ ...drawDie(circuit, foundry, seed, t), dacBits: foundry.dacBits }, v);
    const b = exact(circuit, die, dac);
    const a = exact(calibrated(die, dac), die, dac);
    before.push(b);
    after.push(a);
    if (b === 1) exactBefore++;
    if (a === 1) exactAfter++;
    // What `optinc calibrate` writes: the better of the two programs.
    if (Math.max(a, b) === 1) exactKept++;
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const line = `| ${v} | ${dac ?? "none"} | ${exactBefore}/${dies} | ${exactAfter}/${dies} | ${exactKept}/${dies} | ${pct(mean(before))} | ${pct(mean(after))} | ${pct(Math.min(...after))} |`;
  rows.push(line);
  console.log(`${line}  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
console.log(
  "\n| variant | DAC bits | exact dies before | after (calibrated) | after (never worse) | mean exact before | mean after | worst after |\n|---|---|---|---|---|---|---|---|",
);
for (const r of rows) console.log(r);

if (sweep.length) {
  console.log(`\nDAC sweep, phase offsets only (the part calibration corrects exactly), ${dies} dies:`);
  for (const bits of sweep) {
    let n = 0;
    const worst: number[] = [];
    for (let t = 0; t < dies; t++) {
      const die = variantDie({ ...drawDie(circuit, foundry, seed, t), dacBits: bits }, "phase");
      const a = exact(calibrated(die, bits), die, bits);
      worst.push(a);
      if (a === 1) n++;
    }
    console.log(`  ${bits} bits: ${n}/${dies} dies exact after calibration (worst ${pct(Math.min(...worst))})`);
  }
}

/**
 * A closed-form chip: trial t is one chip on which every physical copy of every cell design is its
 * own die, seeded as verify's Monte-Carlo chips (verify/cells/chip-yield.ts); the chip is exact when
 * every copy decodes every input of its cell. "After": every copy calibrated for its own die.
 */
function closedFormStudy(): void {
  const designs = all.map((l) => ({
    name: l.netlistPath.replace(/^.*\//, "").replace(/\.netlist\.json$/, ""),
    circuit: l.circuit,
    cell: cellOf(l.circuit),
    parts: linearParts(l.circuit),
  }));
  console.log(
    `${dir}: closed-form chip of ${designs.map((d) => `${d.name} ×${d.cell.instances}`).join(", ")}; ${dies} foundry chips (seed ${seed})`,
  );
  console.log(
    "\n| variant | DAC bits | exact chips before | after calibration | cell copies exact before | after |\n|---|---|---|---|---|---|",
  );
  for (const v of variants) {
    const dac = v === "foundry-nodac" ? null : foundry.dacBits;
    let chipsBefore = 0;
    let chipsAfter = 0;
    let copiesBefore = 0;
    let copiesAfter = 0;
    let copies = 0;
    for (let t = 0; t < dies; t++) {
      let okB = true;
      let okA = true;
      designs.forEach((d, di) => {
        const set = cellCases(d.cell);
        for (let k = 0; k < d.cell.instances; k++) {
          const die = variantDie(
            {
              ...realizeDie(drawDieShape(d.circuit, copySeed(seed, di, k), t, d.parts), foundry, `${d.name} copy ${k} trial ${t}`),
              dacBits: foundry.dacBits,
            },
            v,
          );
          const b = checkCell(d.circuit, d.cell, set, { die, dacBits: dac });
          const a = checkCell(calibratedCircuit(d.circuit, calibrateCircuit(d.circuit, die, { dacBits: dac })), d.cell, set, {
            die,
            dacBits: dac,
          });
          copies++;
          if (b.exact === b.cases) copiesBefore++;
          else okB = false;
          if (a.exact === a.cases) copiesAfter++;
          else okA = false;
        }
      });
      if (okB) chipsBefore++;
      if (okA) chipsAfter++;
    }
    console.log(
      `| ${v} | ${dac ?? "none"} | ${chipsBefore}/${dies} | ${chipsAfter}/${dies} | ${copiesBefore}/${copies} | ${copiesAfter}/${copies} |`,
    );
  }
}
