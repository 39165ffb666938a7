// Closing reads one entry at a time (LabSetup.closingPerEntry; docs/design/calibration.md §10.3, the
// per-entry option). The default θ round dithers every θ of a stage together and reads each at
// its own dump: each victim then also moves with its neighbours' dithers by couplings the estimate
// gets wrong on a crosstalk die, which biases its offset (add0 die 0: step θs moved the wrong way, 9 of
// 20). Here each θ is dithered alone, and each read is lit where its input gets the most light after
// any ReLU: the acceptance inputs (operation's powers), or, where those leave a stage behind
// thresholds dark, the operating point with one path opened to the entry.
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import type { LabEngine } from "../../../netlist/lab/engine.ts";
import type { Group, Step } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { codeFor, engine, light, phiForRowPhase } from "./stage-physics.ts";

type Sweep = Extract<Group, { kind: "sweep" }>;

/** A lighting: the codes and lab powers of a read, and the power it brings to the entries it is for. */
interface Lit {
  codes: Int32Array;
  powers: Float64Array;
  p: number;
}

/** A path lighting replaces the operating one only when it brings clearly more light (×4). */
const PATH_GAIN = 4;

/**
 * Power reaching entry e's stage input in the cell's fields `f`, lit by `powers`: a lab port's own, or
 * an upstream row's. With `relu`, a gated input counts only what its ReLU passes (a positive real part);
 * behind a regenerating (homodyne) read always what the read writes, since the row's light ends there.
 */
export function stageInputPower(
  state: SessionState,
  e: number,
  f: ReturnType<LabEngine["fields"]>,
  powers: Float64Array,
  relu: boolean,
): number {
  const en = state.struct.entries[e]!;
  const d = state.struct.stages.find((s) => s.part === en.part)!.inputs[en.input]!;
  if (d.kind === "lab") return powers[d.lab]!;
  const act = d.gated ? state.struct.stages.find((s) => s.part === d.part)!.rows[d.row]!.act : null;
  const [x, y] = f.pin(act && (relu || act.homodyne) ? act.out : `${d.part},out${d.row}`);
  return relu && d.gated && !(x > 0) ? 0 : x * x + y * y;
}

/** Power reaching entry e's stage input (after its ReLU, if gated) at `codes` lit by `powers`, on the estimate. */
function inputPower(state: SessionState, e: number, codes: Int32Array, powers: Float64Array): number {
  return stageInputPower(state, e, engine(state).fields(realizedPhases(state.estimatedDie, codes), powers), powers, true);
}

/**
 * The operating point with one path opened to entry e's input: the upstream entries that carry the
 * light (stage-physics.ts light) fully transmitting and their rows turned to phase 0, every other
 * heater as programmed, one lab port lit. Behind thresholds the acceptance inputs bring a deep
 * stage almost no light (add0's digits θs read nothing at their dumps, docs/design/calibration.md §10.3).
 */
function pathLighting(state: SessionState, e: number, prog: Int32Array): { codes: Int32Array; powers: Float64Array } {
  const en = state.struct.entries[e]!;
  const stage = state.struct.stages.find((s) => s.part === en.part)!;
  const l = light(state, stage, en.input);
  const codes = Int32Array.from(prog);
  for (const o of l.open) codes[state.struct.entries[o]!.theta] = codeFor(state, state.struct.entries[o]!.theta, Math.PI, codes);
  for (const o of l.open) {
    const eo = state.struct.entries[o]!;
    if (state.struct.parked.has(eo.phi)) continue;
    const row = state.struct.stages.find((s) => s.part === eo.part)!.rows[eo.row]!;
    codes[eo.phi] = codeFor(state, eo.phi, phiForRowPhase(state, engine(state), row, o, codes, l.powers), codes);
  }
  return { codes, powers: l.powers };
}

function brighterOf(op: Lit, path: Lit): Lit {
  return path.p > PATH_GAIN * op.p ? path : op;
}

/** The θ round, one θ at a time: five dither steps each, read at its own dump. */
export function planThetaPerEntry(
  state: SessionState,
  prog: Int32Array,
  lights: Float64Array[],
  inP: number[][],
  dither: (h: number, c: number, k: number) => number,
  steps: Step[],
  groups: Group[],
  ditherSteps: number,
): void {
  for (const stage of state.struct.stages)
    for (const e of stage.entries) {
      const en = state.struct.entries[e]!;
      if (state.dead.has(en.dump) || state.unmeasured.has(en.theta)) continue;
      let op: Lit = { codes: prog, powers: lights[0]!, p: -1 };
      lights.forEach((powers, c) => {
        if (inP[c]![e]! > op.p) op = { codes: prog, powers, p: inP[c]![e]! };
      });
      const pl = pathLighting(state, e, prog);
      const lit = brighterOf(op, { ...pl, p: inputPower(state, e, pl.codes, pl.powers) });
      if (!(lit.p > 0)) continue;
      const g: Sweep = { kind: "sweep", what: "theta", entry: e, heater: en.theta, read: [en.dump], steps: [] };
      for (let k = 0; k < ditherSteps; k++) {
        const codes = Int32Array.from(lit.codes);
        codes[en.theta] = dither(en.theta, prog[en.theta]!, k);
        g.steps.push(steps.length);
        steps.push({ purpose: `closing theta ${en.name}`, powers: lit.powers, codes, read: g.read });
      }
      groups.push(g);
    }
}
