// Primitive component models: pure functions of an instance's settings. Linear models return a
// forward transfer matrix (outputs × inputs, both in mode order, see netlist/ports.ts) and, when
// reciprocal and passive, the full bidirectional S-matrix over pinOrder(ports). Composite models
// (mzi, attenuator, splitter_tree, combiner) are sub-circuits of primitives (netlist/subcircuits.ts).
import { zeros, type CMat } from "../math/cmat.ts";
import type { Netlist, SettingValue } from "./ir.ts";
import { couplerCross, couplerThrough } from "./mzi.ts";
import { multiPorts, PORTS_1PORT, PORTS_2PORT, PORTS_2X2, type PortSpec } from "./ports.ts";
import { combinerNetlist, mziNetlist, splitterTreeNetlist } from "./subcircuits.ts";

export type Settings = Record<string, SettingValue>;

export type ModelKind = "linear" | "source" | "nonlinear" | "detector";

export interface Model {
  kind: ModelKind;
  /** One line for docs and file headers. */
  doc: string;
  ports(s: Settings): PortSpec;
  /** Linear leaf models: forward transfer, outputs × inputs. */
  transfer?(s: Settings): CMat;
  /** Composite models: the sub-circuit (its ports use this model's port names). */
  subcircuit?(s: Settings): Netlist;
  /** Passive reciprocal leaves: S over pinOrder(ports) (inputs, outputs, both). */
  reciprocal?: boolean;
}

/**
 * An unheated section: a waveguide with `unheated: 1` (an output section at phase 0,
 * netlist/formats/stage-netlist.ts). No heater is drawn or driven there, but a fabricated die keeps
 * a phase there as on a heater at code 0: its offset and its neighbours' heat (fab/draw.ts). The
 * σ-level Monte-Carlo gives it no programming error (there is no DAC or drive) and draws its variate
 * unused, so every other leaf of a seeded die is as before.
 */
export function isUnheatedSection(inst: { component: string; settings: Settings }): boolean {
  return inst.component === "waveguide" && Boolean(inst.settings.unheated);
}

export function num(s: Settings, key: string, fallback?: number): number {
  const v = s[key];
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new Error(`missing numeric setting "${key}"`);
  }
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`setting "${key}" must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function int(s: Settings, key: string, fallback?: number): number {
  const v = num(s, key, fallback);
  if (!Number.isInteger(v) || v < 0) throw new Error(`setting "${key}" must be a non-negative integer, got ${v}`);
  return v;
}

/** Amplitude factor of a loss in dB. */
export function lossAmplitude(db: number): number {
  return db === 0 ? 1 : 10 ** (-db / 20);
}

/** Effective power coupling of a coupler: coupling + imbalance, checked to lie in [0, 1]. */
export function effectiveCoupling(s: Settings): number {
  const k = num(s, "coupling", 0.5) + num(s, "imbalance", 0);
  if (k < -1e-15 || k > 1 + 1e-15) throw new Error(`coupler power coupling ${k} is outside [0, 1]`);
  return Math.min(1, Math.max(0, k));
}

function mat(rows: number, cols: number, entries: [number, number, number, number][]): CMat {
  const m = zeros(rows, cols);
  for (const [i, j, re, im] of entries) {
    m.re[i * cols + j] = re;
    m.im[i * cols + j] = im;
  }
  return m;
}

/** [[τ, iκ], [iκ, τ]] with τ = √(1−k), κ = √k (netlist/mzi.ts). */
export function couplerTransfer(s: Settings): CMat {
  const k = effectiveCoupling(s);
  const t = couplerThrough(k);
  const c = couplerCross(k);
  return mat(2, 2, [
    [0, 0, t, 0],
    [0, 1, 0, c],
    [1, 0, 0, c],
    [1, 1, t, 0],
  ]);
}

/** a · e^{iφ}, a = 10^(−loss_db/20). */
export function phaseTransfer(s: Settings): CMat {
  const phi = num(s, "phi");
  const a = lossAmplitude(num(s, "loss_db", 0));
  return mat(1, 1, [[0, 0, a * Math.cos(phi), a * Math.sin(phi)]]);
}

/** A waveguide: amplitude 10^(−loss_db/20); its phase is referenced to an equal-length arm (0). */
export function waveguideTransfer(s: Settings): CMat {
  return mat(1, 1, [[0, 0, lossAmplitude(num(s, "loss_db", 0)), 0]]);
}

export const MODELS: Record<string, Model> = {
  coupler: {
    kind: "linear",
    doc: "2×2 directional coupler [[τ, iκ], [iκ, τ]], κ² = coupling + imbalance",
    ports: () => PORTS_2X2,
    transfer: couplerTransfer,
    reciprocal: true,
  },
  phase: {
    kind: "linear",
    doc: "phase shifter o1 → o2: 10^(−loss_db/20) · e^{i·phi}",
    ports: () => PORTS_2PORT,
    transfer: phaseTransfer,
    reciprocal: true,
  },
  waveguide: {
    kind: "linear",
    doc: "waveguide o1 → o2 with loss: 10^(−loss_db/20) (phase referenced to its partner arm)",
    ports: () => PORTS_2PORT,
    transfer: waveguideTransfer,
    reciprocal: true,
  },
  crossing: {
    kind: "linear",
    doc: "waveguide crossing (drawn by optinc layout): o2 → o4 and o1 → o3 straight through, amplitude 10^(−loss_db/20)",
    ports: () => PORTS_2X2,
    // rows (o3, o4), columns (o2, o1): the top input leaves at the bottom and vice versa
    transfer: (s) => {
      const a = lossAmplitude(num(s, "loss_db", 0));
      return mat(2, 2, [
        [0, 1, a, 0],
        [1, 0, a, 0],
      ]);
    },
    reciprocal: true,
  },
  junction: {
    kind: "linear",
    doc: "a track through a crossing layer it does not cross (drawn by optinc layout): o1 → o2, amplitude 10^(−loss_db/20), loss-matched to a crossing",
    ports: () => PORTS_2PORT,
    transfer: waveguideTransfer,
    reciprocal: true,
  },
  amplifier: {
    kind: "linear",
    doc: "gain block o1 → o2 (the stage's σ_max scale): amplitude × gain",
    ports: () => PORTS_2PORT,
    transfer: (s) => mat(1, 1, [[0, 0, num(s, "gain"), 0]]),
  },
  terminator: {
    kind: "linear",
    doc: "absorbing termination: a dark input or a dumped output",
    ports: () => PORTS_1PORT,
    transfer: () => zeros(0, 0),
    reciprocal: true,
  },
  mzi: {
    kind: "linear",
    doc: "MZ-in MZI B·P(θ)·B·P(φ) as couplers + phase shifters (netlist/subcircuits.ts)",
    ports: () => PORTS_2X2,
    subcircuit: (s) =>
      mziNetlist({
        theta: num(s, "theta"),
        phi: num(s, "phi"),
        couplingA: num(s, "coupling_a", 0.5),
        couplingB: num(s, "coupling_b", 0.5),
        lossDb: num(s, "loss_db", 0),
      }),
  },
  attenuator: {
    kind: "linear",
    doc: "single-mode attenuator: an MZI whose bottom input is dark and bottom output dumped",
    ports: () => PORTS_2PORT,
    subcircuit: (s) => attenuatorNetlist(num(s, "theta"), num(s, "phi"), num(s, "loss_db", 0)),
  },
  splitter_tree: {
    kind: "linear",
    doc: "1 → n tree of 50:50 couplers (the broadcast unit)",
    ports: (s) => multiPorts(1, int(s, "n")),
    subcircuit: (s) => splitterTreeNetlist(int(s, "n")),
  },
  combiner: {
    kind: "linear",
    doc: "n → 1 tree of 50:50 couplers: out0 = Σ in_k / √n for in-phase inputs",
    ports: (s) => multiPorts(int(s, "n"), 1),
    subcircuit: (s) => combinerNetlist(int(s, "n")),
  },
  bias_source: {
    kind: "source",
    doc: "constant optical source of real amplitude `amplitude` on out0",
    ports: () => multiPorts(0, 1),
  },
  pam_source: {
    kind: "source",
    doc: "PAM modulator array: electrical digit d on in<k> → amplitude d·amplitude_per_level on out<k>",
    ports: (s) => multiPorts(int(s, "workers") * int(s, "digits"), int(s, "workers") * int(s, "digits")),
  },
  activation: {
    kind: "nonlinear",
    doc: "per-mode coherent nonlinearity: relu z ↦ z if Re z > 0 else 0; leaky-relu else slope·z; then, per mode when set, `limit` (z scaled down to Re z = limit above it) and `gain` (a regenerating read writes its output on fresh light)",
    ports: (s) => multiPorts(int(s, "modes"), int(s, "modes")),
  },
  detector: {
    kind: "detector",
    doc: "homodyne Re(field) + threshold decoding: clamp(round((Re y − offset)/step), 0, levels−1); step and offset per mode when lists; with `reference`, one more input (last) and Re y scaled by reference/Re y_ref first",
    ports: (s) => multiPorts(int(s, "modes") + (s.reference !== undefined ? 1 : 0), int(s, "modes")),
  },
};

export function attenuatorNetlist(theta: number, phi: number, lossDb: number): Netlist {
  const m = mziNetlist({ theta, phi, lossDb });
  m.instances.dark = { component: "terminator", settings: {} };
  m.instances.dump = { component: "terminator", settings: {} };
  m.connections["dark,o1"] = "bsA,o1";
  m.connections["bsB,o4"] = "dump,o1";
  m.ports = { o1: "phi,o1", o2: "bsB,o3" };
  return m;
}

export function getModel(component: string): Model | undefined {
  return Object.hasOwn(MODELS, component) ? MODELS[component] : undefined;
}

// ---------------------------------------------------------------------------
// Non-linear behaviour (used by the simulator; documented in docs/reference/netlists.md §4–§5)
// ---------------------------------------------------------------------------

/** Amplitude of digit d from a pam_source. */
export function pamAmplitude(s: Settings, digit: number): number {
  return digit * num(s, "amplitude_per_level");
}

/** An activation's rule: relu zeroes a field whose Re is not > 0; leaky-relu scales it by `slope`. */
export function activationRule(s: Settings): { leaky: boolean; slope: number } {
  const fn = s.function;
  if (fn === "relu") return { leaky: false, slope: 0 };
  if (fn === "leaky-relu") return { leaky: true, slope: num(s, "slope") };
  throw new Error(`activation: unknown function ${JSON.stringify(fn)} (expected "relu" or "leaky-relu")`);
}

/**
 * Whether an activation is a homodyne read (`read = "homodyne"`, netlist/devices/homodyne.ts): it
 * reads Re z against an LO and writes its rule's output on fresh light in phase, so the output's Im
 * is 0. Without it, the field model: the phase passes (only the `ideal` technology builds that).
 */
export function activationHomodyne(s: Settings): boolean {
  if (s.read === undefined) return false;
  if (s.read !== "homodyne") throw new Error(`activation: read must be "homodyne" or absent, got ${JSON.stringify(s.read)}`);
  return true;
}

/**
 * An activation's gain per mode (`gain`, a regenerating read's: it writes gain_m · f(z) on fresh
 * light), or null for unit gain.
 */
export function activationGains(s: Settings): number[] | null {
  const g = s.gain;
  if (g === undefined) return null;
  if (!Array.isArray(g) || g.length !== num(s, "modes") || !g.every((x) => typeof x === "number" && Number.isFinite(x) && x > 0))
    throw new Error(`activation: gain must list one finite number > 0 per mode, got ${JSON.stringify(g)}`);
  return g as number[];
}

/**
 * An activation's saturation per mode (`limit`, a regenerating read's limiting amplifier: above it
 * the output stays at Re z = limit, the phase kept), in the units of its input; null for none. A
 * mode's limit of 0 means none.
 */
export function activationLimits(s: Settings): number[] | null {
  const g = s.limit;
  if (g === undefined) return null;
  if (!Array.isArray(g) || g.length !== num(s, "modes") || !g.every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0))
    throw new Error(`activation: limit must list one finite number ≥ 0 per mode (0: none), got ${JSON.stringify(g)}`);
  return g as number[];
}

/** A mode's limit and gain on cases [from, to) of one row pair, after the rule (in place). */
export function limitAndGain(re: Float64Array, im: Float64Array, from: number, to: number, limit: number, gain: number): void {
  for (let i = from; i < to; i++) {
    if (limit > 0 && re[i]! > limit) {
      im[i] = (im[i]! * limit) / re[i]!;
      re[i] = limit;
    }
    re[i] *= gain;
    im[i] *= gain;
  }
}

/** Returns an in-place activation on split re/im arrays whose index i is the mode (limit[i] and gain[i] applied). */
export function activationFn(s: Settings): (re: Float64Array, im: Float64Array, from: number, to: number) => void {
  const unit = activationUnitFn(s);
  const gains = activationGains(s);
  const limits = activationLimits(s);
  if (!gains && !limits) return unit;
  return (re, im, from, to) => {
    unit(re, im, from, to);
    for (let i = from; i < to; i++) limitAndGain(re, im, i, i + 1, limits?.[i] ?? 0, gains?.[i] ?? 1);
  };
}

/** The activation's rule at unit gain, in place on any range (the caller applies a mode's gain). */
export function activationUnitFn(s: Settings): (re: Float64Array, im: Float64Array, from: number, to: number) => void {
  const field = fieldActivationFn(s);
  if (!activationHomodyne(s)) return field;
  return (re, im, from, to) => {
    field(re, im, from, to);
    im.fill(0, from, to);
  };
}

/** The activation's rule on the field (z ↦ z, or slope · z, where Re z ≤ 0). */
function fieldActivationFn(s: Settings): (re: Float64Array, im: Float64Array, from: number, to: number) => void {
  const { leaky, slope } = activationRule(s);
  if (!leaky) {
    return (re, im, from, to) => {
      for (let i = from; i < to; i++)
        if (!(re[i] > 0)) {
          re[i] = 0;
          im[i] = 0;
        }
    };
  }
  return (re, im, from, to) => {
    for (let i = from; i < to; i++)
      if (!(re[i] > 0)) {
        re[i] *= slope;
        im[i] *= slope;
      }
  };
}

/** A detector's step and offset per input mode: one setting for all modes, or a list of one per mode. */
export function detectorThresholds(s: Settings, modes: number): { step: number[]; offset: number[] } {
  const per = (key: string, fallback?: number): number[] => {
    const v = s[key];
    if (Array.isArray(v)) {
      if (v.length !== modes || !v.every((x) => Number.isFinite(x)))
        throw new Error(`setting "${key}" must list ${modes} finite numbers (one per mode), got ${JSON.stringify(v)}`);
      return [...v];
    }
    return new Array<number>(modes).fill(num(s, key, fallback));
  };
  return { step: per("step"), offset: per("offset", 0) };
}

/** The reference level of a ratiometric detector (models.ts detector), or null. */
export function detectorReference(s: Settings): number | null {
  return s.reference === undefined ? null : num(s, "reference");
}

/** A ratiometric detector's scale of the decoded fields: reference / Re y_ref (0 when the reference is dark). */
export function ratioScale(reference: number, refRe: number): number {
  return refRe > 0 ? reference / refRe : 0;
}

/** Threshold decoding of the homodyne signal Re y; a half step rounds up (Math.round). */
export function detectDigit(re: number, step: number, offset: number, levels: number): number {
  const d = Math.round((re - offset) / step);
  return d <= 0 ? 0 : d > levels - 1 ? levels - 1 : d; // `<= 0` also maps Math.round's −0 to 0
}
