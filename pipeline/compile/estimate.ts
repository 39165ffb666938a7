// An up-front estimate of what training and mapping will cost, computed from the plan alone (no
// training): compile refuses a spec above the caps (OPT2019) unless --force, instead of eating
// gigabytes or hours before failing. The model is deliberately simple and errs high; the caps and
// the formulas are documented in docs/reference/cli.md §9.1.
import { reducedSpaceSize, type UnitFunction } from "../../aggregate/unit.ts";
import { chooseArchitecture } from "../../compiler/onn/architecture.ts";
import { EXHAUSTIVE_LIMIT, RESTART_LIMIT, RESTARTS } from "../../compiler/onn/unit.ts";
import type { Spec } from "../../dsl/spec.ts";
import { CompileError } from "../../compiler/errors.ts";
import { SPEC } from "../../codes/catalogue.ts";

/** Largest estimated peak memory compile accepts without --force. */
export const MEMORY_CAP_BYTES = 1024 ** 3;
/** Largest estimated compile time without --force (at ESTIMATE_FLOPS). */
export const TIME_CAP_SECONDS = 3600;
/** Sustained floating-point rate assumed for the time estimate (the 2-core reference machine). */
export const ESTIMATE_FLOPS = 1e9;

export interface UnitEstimate {
  file: string;
  cases: number;
  dims: number[];
  bytes: number;
  seconds: number;
}

export interface CompileEstimate {
  /** Peak over units (they train one after another). */
  bytes: number;
  /** Sum over units. */
  seconds: number;
  units: UnitEstimate[];
}

/** One unit: dataset and activations, weights with optimiser state, and the Σ·U/SVD mapping. */
export function estimateUnit(spec: Spec, fn: UnitFunction, file: string): UnitEstimate {
  const { dims } = chooseArchitecture(spec, fn);
  const cases = Math.min(reducedSpaceSize(fn), EXHAUSTIVE_LIMIT);
  let weights = 0;
  let mapping = 0;
  let mappingFlops = 0;
  for (let i = 0; i + 1 < dims.length; i++) {
    const m = dims[i + 1]!;
    const n = dims[i]! + 1; // bias column
    weights += m * n;
    // Complex m×m and n×n unitaries (16 B per entry), a few working copies; Jacobi SVD ~ 40·k³.
    mapping = Math.max(mapping, 4 * 16 * (m * m + n * n));
    mappingFlops += 40 * (m ** 3 + n ** 3);
  }
  const width = dims.reduce((a, d) => a + d, 0);
  // Full-batch evaluation keeps pre-activations, activations and gradients of every case (Float64).
  const activations = 3 * 8 * cases * width;
  const bytes = activations + 8 * cases * (dims[0]! + dims[dims.length - 1]!) + 4 * 8 * weights + mapping;
  const epochs = 2 * spec.training.epochs;
  const runs = cases <= RESTART_LIMIT ? RESTARTS : 1;
  // Forward and backward pass: ~6 flops per weight per case per epoch.
  const seconds = (runs * epochs * cases * weights * 6 + mappingFlops) / ESTIMATE_FLOPS;
  return { file, cases, dims, bytes, seconds };
}

export function estimateCompile(spec: Spec, units: { fn: UnitFunction; file: string }[]): CompileEstimate {
  const est = units.map((u) => estimateUnit(spec, u.fn, u.file));
  return { bytes: Math.max(0, ...est.map((e) => e.bytes)), seconds: est.reduce((a, e) => a + e.seconds, 0), units: est };
}

export function overCap(e: CompileEstimate): boolean {
  return e.bytes > MEMORY_CAP_BYTES || e.seconds > TIME_CAP_SECONDS;
}

const GB = (b: number) => `${(b / 1e9).toFixed(b < 1e10 ? 2 : 0)} GB`;
const HOURS = (s: number) => (s < 3600 ? `${Math.ceil(s / 60)} min` : `${(s / 3600).toFixed(s < 36000 ? 1 : 0)} h`);

/** Throws OPT2019 (located at network.hidden, else training.epochs) when the estimate is over a cap. */
export function refuseOverCap(spec: Spec, units: { fn: UnitFunction; file: string }[]): void {
  // A unit whose reduced space is too large to train is refused by the trainer itself (OPT3002),
  // with a better hint than any estimate.
  const e = estimateCompile(
    spec,
    units.filter((u) => reducedSpaceSize(u.fn) <= EXHAUSTIVE_LIMIT),
  );
  if (!e.units.length) return;
  if (!overCap(e)) return;
  const worst = e.units.reduce((a, u) => (u.bytes > a.bytes ? u : a));
  throw new CompileError(
    SPEC.overCap,
    `compiling this spec is estimated to need ${GB(e.bytes)} of memory and ${HOURS(e.seconds)} (limits ${GB(MEMORY_CAP_BYTES)} and ${HOURS(TIME_CAP_SECONDS)}); the largest unit is ${worst.dims.join("×")} trained on ${worst.cases.toLocaleString("en-US")} cases`,
    spec.network.hidden !== "auto" ? "network.hidden" : "training.epochs",
    "use narrower network.hidden layers or fewer training.epochs, or pass --force to compile anyway",
  );
}
