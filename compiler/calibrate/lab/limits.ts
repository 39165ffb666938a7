// Lab powers for regenerating reads (docs/design/calibration.md §8.5). A read writes
// gain · ReLU(Re z) on its own light, held at gain · limit once Re z passes a `limit`.
// - A group that measures a limited row through its read (its through fringe, magnitude scan, gate
//   scan) is dimmed, every lit port alike, until the estimate keeps that row at most LIMIT_FRACTION
//   of its limit: saturated, the fringe would be flat at the limit.
// - A read's gain can put more light on a later stage than the laser gives: every group is dimmed
//   until no monitor it reads sees more than the setup's monitorMaxMw on the estimate. Other
//   lightings are left bright, so a stage lit through a limited row gets gain · limit, as in operation.
// - A reading behind a saturated read does not follow the lab's laser or input coupling, which the
//   reference tap and the coupling references divide out: readingExponents says how each reading
//   follows a lab port's power on the estimate, and the readings are divided by that power of them.
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import type { LabCircuit } from "../../../netlist/lab/optics.ts";
import { meterPhases, unreadMeters } from "./bright-meters.ts";
import type { Group, Round, Step } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { engine } from "./stage-physics.ts";

/** How far below its limit a measured row is lit: room for the estimate's error on the row's gain. */
export const LIMIT_FRACTION = 0.5;

/** Per readout (site, then detector mode), the pins of the limited rows whose read reaches it. */
function limitedUpstream(lc: LabCircuit): Set<string>[] {
  const hit = upstream.get(lc);
  if (hit) return hit;
  const per: Set<string>[] = Array.from({ length: lc.sites.length + lc.detectors.length }, () => new Set());
  const byName = new Map(lc.nodes.map((n) => [n.name, n]));
  for (const n of lc.nodes) {
    if (n.kind !== "activation") continue;
    n.limits.forEach((limit, m) => {
      const pin = lc.wires.get(`${n.name},in${m}`);
      if (!(limit > 0) || pin === undefined) return;
      // Every node the mode's output reaches, and the readouts those nodes write.
      const seen = new Set<string>();
      const stack = [`${n.name},out${m}`];
      while (stack.length) {
        const to = lc.wires.get(stack.pop()!);
        if (to === undefined) continue;
        const inst = to.slice(0, to.indexOf(","));
        if (seen.has(inst)) continue;
        seen.add(inst);
        const node = byName.get(inst);
        if (node?.kind === "part") {
          for (const s of node.plan.siteIndex) per[s]!.add(pin);
          for (const o of node.plan.outputs) stack.push(`${inst},${o}`);
        } else if (node?.kind === "activation") {
          for (let k = 0; k < node.modes; k++) stack.push(`${inst},out${k}`);
        } else if (node?.kind === "detector") {
          for (let k = 0; k < node.modes; k++) per[lc.sites.length + node.first + k]!.add(pin);
        }
      }
    });
  }
  upstream.set(lc, per);
  return per;
}
const upstream = new WeakMap<LabCircuit, Set<string>[]>();

/** Whether a cell has a limited read at all (else every reading follows the ports: nothing here applies). */
const hasLimits = (lc: LabCircuit): boolean => lc.nodes.some((n) => n.kind === "activation" && n.limits.some((l) => l > 0));

/** The row a group measures (the one its swept or turned entry sums into), if the group reads it behind a limited read. */
function measuredRow(state: SessionState, g: Group): { pin: string; limit: number } | null {
  const entry = "entry" in g ? g.entry : undefined;
  const row =
    g.kind === "gate" || g.kind === "trip"
      ? g.row
      : entry === undefined
        ? undefined
        : state.struct.stages.flatMap((s) => s.rows).find((r) => r.entries.includes(entry));
  const limit = row?.act?.limit ?? 0;
  if (!row || !(limit > 0) || !("read" in g)) return null;
  const pin = `${row.part},out${row.index}`;
  const per = limitedUpstream(state.struct.lc);
  return g.read.some((ro) => per[ro]?.has(pin)) ? { pin, limit } : null;
}

/** The most light (mW) a monitor of an estimation round is planned to see, when the setup states none: a readout's full scale (10 mA at ≈ 0.95 A/W) with room for the estimate's error. */
export const MONITOR_MAX_MW = 6;

/**
 * Fit each group of an estimation round to the cell's powers (one factor for all of its steps, twins
 * included, and for groups that share steps), dimming every lit port alike until, on the estimate,
 * a limited row the group measures through its read stays at most LIMIT_FRACTION of its limit, and
 * no monitor it reads sees more than the setup's monitorMaxMw (a read's gain can put more light on a
 * later stage than the laser gives; behind a saturated read the light falls only once the read
 * leaves its limit, so the fit is repeated).
 */
export function fitLabPowers(state: SessionState, stage: string | null, steps: Step[], groups: Group[]): void {
  const eng = engine(state);
  const nSites = state.struct.lc.sites.length;
  const cap = state.setup.monitorMaxMw ?? MONITOR_MAX_MW;
  const limited = hasLimits(state.struct.lc);
  const owner = new Map<number, number>();
  const parent = groups.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const factor = groups.map(() => 1);
  groups.forEach((g, gi) => {
    if (g.kind === "dark" || g.kind === "accept" || g.kind === "ladder" || g.kind === "reference") return;
    const all = [...g.steps, ...((g.kind === "sweep" || g.kind === "gate") && g.twin ? g.twin : [])];
    for (const s of all) {
      const o = owner.get(s);
      if (o === undefined) owner.set(s, gi);
      else parent[find(gi)] = find(o);
    }
    const m = limited && state.setup.belowLimit !== false ? measuredRow(state, g) : null;
    const monitors = g.read.filter((ro) => ro < nSites);
    if (!m && monitors.length === 0) return;
    const bright = unreadMeters(state, { stage } as Round, g.read);
    // The next factor to try at f, or null when f fits: each condition's own scaling (exact while the
    // light is linear in the ports' power; behind a saturated read the light stays up until it leaves).
    const next = (f: number): number | null => {
      let row = 0;
      let light = 0;
      for (const s of all) {
        const st = steps[s]!;
        const x = eng.fields(
          meterPhases(state, st.codes, bright),
          f === 1 ? st.powers : Float64Array.from(st.powers, (p) => p * f),
          monitors.length ? { readouts: monitors } : { pin: m!.pin },
        );
        if (m) row = Math.max(row, x.pin(m.pin)[0] / m.limit);
        for (const ro of monitors) light = Math.max(light, x.power[ro]!);
      }
      if (m && row > LIMIT_FRACTION) return f * (LIMIT_FRACTION / row) ** 2;
      if (light > cap) return f * Math.min(0.999, cap / light);
      return null;
    };
    let f = 1;
    let over = 1;
    let tries = 0;
    for (let g = next(f); g !== null && tries < 12; g = next(f), tries++) [over, f] = [f, g];
    // Past a saturated read the scaling overshoots: the largest factor that fits, by bisection in log.
    if (tries > 1) {
      for (let k = 0; k < 6; k++) {
        const mid = Math.sqrt(over * f);
        if (next(mid) === null) f = mid;
        else over = mid;
      }
    }
    factor[gi] = f;
  });
  const scale = new Map<number, number>();
  factor.forEach((k, gi) => scale.set(find(gi), Math.min(scale.get(find(gi)) ?? 1, k)));
  const dimmed = new Map<Float64Array, Map<number, Float64Array>>();
  for (const [s, gi] of owner) {
    const k = scale.get(find(gi))!;
    if (k === 1) continue;
    const p = steps[s]!.powers;
    let byK = dimmed.get(p);
    if (!byK) dimmed.set(p, (byK = new Map()));
    if (!byK.has(k))
      byK.set(
        k,
        Float64Array.from(p, (x) => x * k),
      );
    steps[s]!.powers = byK.get(k)!;
  }
}

/** Relative step of the lab powers over which a reading's exponent is taken. */
const DP = 1e-3;

const exponents = new WeakMap<Step, Float64Array | null>();

/**
 * How each readout of a step follows the lab's laser and coupling: the exponent e of reading ∝ x^e
 * when every lab port's power is scaled by x, on the estimate (a monitor: 1 when its light follows
 * the ports, 0 behind a saturated read; a detector: ½ more, its local oscillator being the laser's).
 * Null when every readout follows the ports (1 for a monitor, 1 for a detector): the readings are
 * divided as they always were. Taken once per step, on the estimate when first asked.
 */
export function readingExponents(state: SessionState, st: Step): Float64Array | null {
  if (exponents.has(st)) return exponents.get(st)!;
  let out: Float64Array | null = null;
  const lc = state.struct.lc;
  if (hasLimits(lc) && state.setup.readingExponents !== false) {
    const per = limitedUpstream(lc);
    if (st.read.some((ro) => (per[ro]?.size ?? 0) > 0)) {
      const eng = engine(state);
      const ph = realizedPhases(state.estimatedDie, st.codes);
      const nSites = lc.sites.length;
      const a = eng.fields(ph, st.powers, { readouts: st.read });
      const va = st.read.map((ro) => (ro < nSites ? a.power[ro]! : ro < nSites + lc.detectors.length ? a.detectorRe[ro - nSites]! : 0));
      const b = eng.fields(
        ph,
        Float64Array.from(st.powers, (p) => p * (1 + DP)),
        { readouts: st.read },
      );
      const vb = st.read.map((ro) => (ro < nSites ? b.power[ro]! : ro < nSites + lc.detectors.length ? b.detectorRe[ro - nSites]! : 0));
      const e = Float64Array.from(st.read, (ro, j) => {
        const monitor = ro < nSites;
        if (!monitor && ro >= nSites + lc.detectors.length) return 1;
        const ratio = vb[j]! / va[j]!;
        // Dark, or a field that turns sign: as the ports.
        if (!(ratio > 0)) return 1;
        const q = Math.log(ratio) / Math.log(1 + DP);
        // The field's share (a monitor reads its square), and a detector's local oscillator.
        const x = monitor ? Math.min(1, Math.max(0, q)) : Math.min(0.5, Math.max(0, q)) + 0.5;
        return Math.abs(x - 1) < 1e-6 ? 1 : x;
      });
      if (e.some((x) => x !== 1)) out = e;
    }
  }
  exponents.set(st, out);
  return out;
}
