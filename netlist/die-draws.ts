// A drawn die as plain arrays: the unit variates of one Monte-Carlo trial (a sign per coupler, a
// standard normal per phase shifter) stored per compiled stage program and op, and the stage
// matrices built from them at an error level. It is the same die as netlist/die.ts drawDieShape +
// realizeDie (the same stream, drawn in the same order, and the same arithmetic through
// stage-program.ts transferOf), without building a map of leaf objects for every trial: a trial of a
// 5,000-MZI chip then costs its propagation alone. tests/netlist/die-draws.test.ts compares the
// two bit for bit.
import type { CMat } from "../math/cmat.ts";
import { createRng } from "../math/rng.ts";
import type { DieLevels } from "../dsl/technology.ts";
import { transferOf, type CircuitPrograms } from "./stage-program.ts";
import { buildMatrixWith } from "./stage-build.ts";

/** Per program, per op: the coupler's sign or the shifter's standard normal (0 for other leaves). */
export type DieDraws = Float64Array[];

/** Whether every linear part compiled to a program (otherwise callers take the netlist path). */
export function drawable(cp: CircuitPrograms): boolean {
  return cp.programs.every((p) => p !== null);
}

/** Unit variates of trial `trial`, in drawDieShape's stream and order. */
export function drawDieDraws(cp: CircuitPrograms, seed: number, trial: number): DieDraws {
  const rng = createRng(seed * 1000003 + trial * 2 + 1);
  return cp.programs.map((p) => {
    if (!p) throw new Error("drawDieDraws: a part has no stage program (check drawable() first)");
    const u = new Float64Array(p.ops.length);
    for (const i of p.draws) u[i] = p.ops[i]!.kind === "coupler" ? (rng.next() < 0.5 ? -1 : 1) : rng.normal();
    return u;
  });
}

/** Every linear stage matrix of the circuit on the drawn die at `levels`, phases snapped to the DAC. */
export function drawnMatrices(
  cp: CircuitPrograms,
  draws: DieDraws,
  levels: DieLevels,
  dacBits: number | null | undefined,
): Map<string, CMat> {
  const ci = levels.splitterImbalance ?? 0;
  const pe = levels.phaseNoise ?? 0;
  const loss = levels.mziLossDb ?? 0;
  const out = new Map<string, CMat>();
  cp.programs.forEach((p, pi) => {
    const u = draws[pi]!;
    // realizeDie lists a coupler when imbalance is set, a shifter when phase error is set, an MZI
    // arm when loss is set; transferOf treats a listed leaf exactly as leafTransfer does.
    const m = buildMatrixWith(
      p!,
      (op, i, t) => {
        if (op.kind === "coupler") return transferOf(op, ci !== 0, ci ? u[i]! * ci : 0, 0, 1, 0, dacBits, t);
        const armLoss = loss && op.arm ? loss : 0;
        const has = (op.kind === "phase" && pe !== 0) || armLoss !== 0;
        transferOf(op, has, 0, op.kind === "phase" && pe ? u[i]! * pe : 0, 1, armLoss, dacBits, t);
      },
      cp.workspaces[pi]!,
    );
    out.set(p!.part, m);
  });
  return out;
}
