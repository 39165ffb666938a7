// A meta-MZI pair of a gated row read past its dead fan-in monitor (dead-monitor.ts): the only live
// reader left is the next stage's dumps, behind the ReLU, which passes the row's field only while
// Re z > 0. With both entries at comparable amplitude, a swept φ closes the gate on part of the
// circle, and the truncated fringe gave the relative phase 0.2 rad off (an efficiency 6 % off). So
// the gate is held open: the held entry, whose phase in the ReLU's frame is known (the reference
// from its gate scan; the partner once its own pair is read), sits at row phase 0, and the swept
// entry's input light is dimmed at its lab port until it brings at most GATED_RATIO of the held
// entry's field. Re z then stays above |z_h|·(cos a − GATED_RATIO) > 0 for a gate error |a| up to
// 1 rad, and the reader sees the whole fringe. Only the input power changes: both entries stay at
// their operating θ, so the relative phase is the one used in operation.
import type { LabEngine } from "../../../netlist/lab/engine.ts";
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import type { SessionState } from "./session-state.ts";
import {
  atOperatingTheta,
  codeFor,
  light,
  materialize,
  merge,
  meterCodes,
  phiForRowPhase,
  stageCodes,
  treeMonitor,
  type Light,
} from "./stage-physics.ts";
import type { Row, Stage } from "./structure.ts";

/** The swept entry's field at the row against the held entry's, at most. */
export const GATED_RATIO = 0.5;

/** Whether a pair read past its dead fan-in monitor is read through a ReLU (no later shared monitor, a gated row). */
export function gatedPair(state: SessionState, e: number, partner: number, row: Row): boolean {
  if (state.setup.openGate === false || row.sink.kind !== "stage" || !row.sink.gated) return false;
  const pt = state.struct.entries[partner]!.tree;
  return (
    treeMonitor(
      state,
      state.struct.entries[e]!.tree.filter((t) => pt.includes(t)),
    ) === undefined
  );
}

const ports = (l: Light): Set<number> => new Set([...l.powers].flatMap((p, i) => (p > 0 ? [i] : [])));

/** Light on a stage input from lab ports outside `avoid` (so it can be dimmed alone), or null. */
function lightAvoiding(state: SessionState, stage: Stage, input: number, avoid: ReadonlySet<number>): Light | null {
  const l = light(state, stage, input);
  if (![...ports(l)].some((p) => avoid.has(p))) return l;
  const d = stage.inputs[input]!;
  if (d.kind === "lab") return null;
  const u = state.struct.stages.find((s) => s.part === d.part)!;
  // A θ read at its dump first: a lighting through a nominal θ brings a field the estimate does not know.
  const es = [...u.rows[d.row]!.entries].sort(
    (a, b) => +state.unmeasured.has(state.struct.entries[a]!.theta) - +state.unmeasured.has(state.struct.entries[b]!.theta),
  );
  for (const e of es) {
    const inner = lightAvoiding(state, u, state.struct.entries[e]!.input, avoid);
    if (inner) return { powers: inner.powers, open: [...inner.open, e] };
  }
  return null;
}

/**
 * The open-gate setting of a pair: `held` lit at full power and turned to row phase 0, `swept`
 * lit through lab ports of its own, dimmed to GATED_RATIO of the held field, both at their
 * operating θ (a held partner of the swept reference at θ = π), the row's meter at the setting its gate scan chose. Null when the two lightings
 * share every lab port (the pair is then read as before).
 */
export function gatedSetting(
  state: SessionState,
  stage: Stage,
  row: Row,
  base: { codes: Int32Array; program: Int32Array },
  eng: LabEngine,
  swept: number,
  held: number,
): { powers: Float64Array; codes: Int32Array } | null {
  const sn = state.struct.entries[swept]!;
  const hn = state.struct.entries[held]!;
  const lh = light(state, stage, hn.input);
  const ls = lightAvoiding(state, stage, sn.input, ports(lh));
  if (!ls) return null;
  const codes = stageCodes(state, stage, materialize(state, base, merge(lh, ls), eng), new Set([swept, held]));
  // The reference's own sweep gives its efficiency only, so its partner may hold the gate at full
  // transmission: held at a dim operating θ, it needed the reference dimmed 30-fold, and light the
  // partner's port leaks into the reference's path (through the dark entries upstream) then
  // outweighed it (divide0 die 17: an efficiency fitted at a third).
  const full = swept === row.ref;
  atOperatingTheta(state, codes, base.program, full ? [sn.theta] : [sn.theta, hn.theta]);
  if (full) for (let it = 0; it < 2; it++) codes[hn.theta] = codeFor(state, hn.theta, Math.PI, codes);
  meterCodes(state, row, codes, state.meterSetting.get(`${row.part}/${row.index}`) ?? 0);
  for (let it = 0; it < 2; it++) codes[hn.phi] = codeFor(state, hn.phi, phiForRowPhase(state, eng, row, held, codes, lh.powers), codes);
  const field = (powers: Float64Array): number => {
    const pin = `${row.part},out${row.index}`;
    const [x, y] = eng.fields(realizedPhases(state.estimatedDie, codes), powers, { pin }).pin(pin);
    return Math.hypot(x, y);
  };
  const k = Math.min(1, ((GATED_RATIO * field(lh.powers)) / Math.max(1e-300, field(ls.powers))) ** 2);
  return { powers: Float64Array.from(lh.powers, (p, i) => p + k * ls.powers[i]!), codes };
}
