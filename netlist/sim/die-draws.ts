// A drawn die as plain arrays: the unit variates of one Monte-Carlo trial (a sign per coupler, a
// standard normal per phase shifter) stored per compiled stage program and op, and the stage
// matrices built from them at an error level. It is the same die as netlist/die/die.ts drawDieShape +
// realizeDie (the same stream, drawn in the same order, and the same arithmetic through
// stage-program.ts transferOf), without building a map of leaf objects for every trial: a trial of a
// 5,000-MZI chip then costs its propagation alone. tests/netlist/die-draws.test.ts compares the
// two bit for bit.
import type { CMat } from "../../math/cmat.ts";
import { createRng } from "../../math/rng.ts";
import type { DieLevels } from "../../dsl/technology.ts";
import { transferOf, type CircuitPrograms } from "./stage-program.ts";
import { buildMatrixWith } from "./stage-build.ts";
import { quantizePhase } from "../dac.ts";
import { lossAmplitude } from "../models.ts";
import { armLossDb, armRng } from "../die/die.ts";

/**
 * Per program, per op: the coupler's sign or the shifter's standard normal (0 for other leaves);
 * `arms`, when drawn, per program per op the arm's loss-spread normal (netlist/die/die.ts armRng).
 */
export type DieDraws = Float64Array[] & { arms?: Float64Array[] };

/** Whether every linear part compiled to a program (otherwise callers take the netlist path). */
export function drawable(cp: CircuitPrograms): boolean {
  return cp.programs.every((p) => p !== null);
}

/** Unit variates of trial `trial`, in drawDieShape's stream and order. */
export function drawDieDraws(cp: CircuitPrograms, seed: number, trial: number, arms = false): DieDraws {
  const rng = createRng(seed * 1000003 + trial * 2 + 1);
  const draws: DieDraws = cp.programs.map((p) => {
    if (!p) throw new Error("drawDieDraws: a part has no stage program (check drawable() first)");
    const u = new Float64Array(p.ops.length);
    for (const i of p.draws) {
      const kind = p.ops[i]!.kind;
      const x = kind === "coupler" ? (rng.next() < 0.5 ? -1 : 1) : rng.normal();
      // An unheated section's variate is taken and dropped (drawDieShape): no programming error there.
      u[i] = kind === "waveguide" ? 0 : x;
    }
    return u;
  });
  if (arms) {
    const a = armRng(seed, trial);
    draws.arms = cp.programs.map((p) => {
      const z = new Float64Array(p!.ops.length);
      for (const i of p!.armDraws) z[i] = a.normal();
      return z;
    });
  }
  return draws;
}

/** Every linear stage matrix of the circuit on the drawn die at `levels`, phases snapped to the DAC. */
export function drawnMatrices(
  cp: CircuitPrograms,
  draws: DieDraws,
  levels: DieLevels,
  dacBits: number | null | undefined,
): Map<string, CMat> {
  const pe = levels.phaseNoise ?? 0;
  const spread = levels.lossSpreadDb ?? 0;
  if (spread && !draws.arms) throw new Error("drawnMatrices: a loss spread needs the die's arm draws (drawDieDraws with arms)");
  const tables = tablesOf(cp, spread ? { ...levels, mziLossDb: 0 } : levels, dacBits);
  const out = new Map<string, CMat>();
  cp.programs.forEach((p, pi) => {
    const u = draws[pi]!;
    const z = spread ? draws.arms![pi]! : null;
    const { code, fixed, minus } = tables[pi]!;
    const m = buildMatrixWith(
      p!,
      (op, i, t) => {
        const c = code[i]!;
        const o = 8 * i;
        if (z && op.arm) {
          // realizeDie's arm: nominal + spread draw (≥ 0) on top of the leaf's own loss.
          const db = armLossDb(levels, z[i]!);
          if (op.kind === "phase") transferOf(op, db !== 0 || pe !== 0, 0, pe ? u[i]! * pe : 0, 1, db, dacBits, t);
          else transferOf(op, db !== 0, 0, 0, 1, db, dacBits, t);
          return;
        }
        if (c === CONSTANT || (c === SIGNED && u[i] === 1)) for (let k = 0; k < 8; k++) t[k] = fixed[o + k]!;
        else if (c === SIGNED && u[i] === -1) for (let k = 0; k < 8; k++) t[k] = minus[o + k]!;
        else if (c === SIGNED) transferOf(op, true, u[i]! * (levels.splitterImbalance ?? 0), 0, 1, 0, dacBits, t);
        else {
          // transferOf's phase: gain 1 · snapped phase + offset when the leaf is listed or a DAC is set.
          const a = fixed[o]!;
          const phi = c === PHASE_SHIFTED ? 1 * fixed[o + 1]! + (pe ? u[i]! * pe : 0) : fixed[o + 1]!;
          t[0] = a * Math.cos(phi);
          t[1] = a * Math.sin(phi);
        }
      },
      cp.workspaces[pi]!,
    );
    out.set(p!.part, m);
  });
  return out;
}

const CONSTANT = 0;
const SIGNED = 1;
const PHASE = 2;
const PHASE_SHIFTED = 3;

/**
 * Per op, what of its transfer does not depend on the die at these levels and DAC: a constant
 * transfer, a coupler's two transfers (its draw is a sign), or a shifter's loss amplitude and
 * snapped phase (only its offset is drawn). The numbers are transferOf's; computing them once per
 * level saves the DAC snap and loss power on every die.
 */
interface TransferTable {
  code: Uint8Array;
  /** 8 per op: the transfer (sign +), or [amplitude, phase] of a shifter. */
  fixed: Float64Array;
  /** 8 per op: a coupler's transfer for sign −. */
  minus: Float64Array;
}

const tableCache = new WeakMap<CircuitPrograms, { key: string; tables: TransferTable[] }>();

function tablesOf(cp: CircuitPrograms, levels: DieLevels, dacBits: number | null | undefined): TransferTable[] {
  const ci = levels.splitterImbalance ?? 0;
  const pe = levels.phaseNoise ?? 0;
  const loss = levels.mziLossDb ?? 0;
  const key = `${ci} ${pe} ${loss} ${dacBits}`;
  const hit = tableCache.get(cp);
  if (hit?.key === key) return hit.tables;
  const tables = cp.programs.map((p): TransferTable => {
    const n = p!.ops.length;
    const table = { code: new Uint8Array(n), fixed: new Float64Array(8 * n), minus: new Float64Array(8 * n) };
    const t = new Float64Array(8);
    p!.ops.forEach((op, i) => {
      // realizeDie lists a coupler when imbalance is set, a shifter when phase error is set, an MZI
      // arm when loss is set; transferOf treats a listed leaf exactly as leafTransfer does.
      const armLoss = loss && op.arm ? loss : 0;
      if (op.kind === "coupler") {
        transferOf(op, ci !== 0, ci, 0, 1, 0, dacBits, t);
        table.fixed.set(t, 8 * i);
        if (ci === 0) return;
        transferOf(op, true, -ci, 0, 1, 0, dacBits, t);
        table.minus.set(t, 8 * i);
        table.code[i] = SIGNED;
      } else if (op.kind === "phase") {
        const has = pe !== 0 || armLoss !== 0;
        table.fixed[8 * i] = lossAmplitude(armLoss ? op.lossDb + armLoss : op.lossDb);
        table.fixed[8 * i + 1] = dacBits ? quantizePhase(op.phi, dacBits) : op.phi;
        table.code[i] = has || dacBits ? PHASE_SHIFTED : PHASE;
      } else {
        transferOf(op, armLoss !== 0, 0, 0, 1, armLoss, dacBits, t);
        table.fixed.set(t, 8 * i);
      }
    });
    return table;
  });
  tableCache.set(cp, { key, tables });
  return tables;
}
