// Options object → the command line the CLI parses. Every key of a command's options names one of
// its flags (camelCase for --kebab-case); tests/api/api.test.ts checks this table against the
// options the CLI registers, so a flag added to a command without its key here fails the suite.
import { IO } from "../codes/catalogue.ts";
import { OptincError } from "./errors.ts";

/** How a key becomes flags: a value, a switch, a switch that turns a default off, a repeated value. */
export type FlagKind = "value" | "switch" | "negated" | "list";

export interface CommandTable {
  /** Positional arguments in order: [key, variadic]. */
  args: readonly (readonly [key: string, variadic: boolean])[];
  flags: Readonly<Record<string, FlagKind>>;
}

const V = "value" as const;
const S = "switch" as const;
const N = "negated" as const;
const technology = { phaseNoise: V, lossDb: V, imbalance: V, dacBits: V, detectorNoise: V };

export const COMMANDS = {
  init: { args: [["dir", false]], flags: {} },
  check: { args: [["specs", true]], flags: {} },
  fmt: { args: [["spec", false]], flags: { write: S, check: S } },
  grammar: { args: [], flags: { out: V } },
  compile: {
    args: [["spec", false]],
    flags: { out: V, seed: V, jobs: V, force: S, evaluate: N, explain: S, checkBudget: V, layout: S },
  },
  allreduce: {
    args: [],
    flags: {
      workers: V,
      size: V,
      bandwidth: V,
      transceivers: V,
      latency: V,
      bits: V,
      levels: V,
      rounding: V,
      netlist: V,
      ...technology,
      block: V,
      execElements: V,
      seed: V,
      errorRate: V,
      workload: V,
      parameters: V,
      computeTime: V,
      layers: V,
      spec: V,
      iterations: V,
      chart: V,
      astra: V,
      electricalBandwidth: V,
      models: V,
      param: V,
      allowInexact: S,
    },
  },
  verify: {
    args: [["target", false]],
    flags: {
      ...technology,
      trials: V,
      seed: V,
      minExact: V,
      minYield: V,
      maxCases: V,
      rounding: V,
      receiver: V,
      calibrate: N,
      jobs: V,
      technology: V,
      tolerance: S,
      measured: V,
      fitReceiver: S,
      power: S,
      laserMw: V,
      errorTarget: V,
    },
  },
  decompose: {
    args: [["matrix", false]],
    flags: { mesh: V, dacBits: V, outDir: V, unitary: S, svd: S, tol: V, maxError: V },
  },
  export: { args: [["dir", false]], flags: { format: V, outDir: V, lengthPhases: S, neff: V, wavelength: V } },
  die: {
    args: [["dir", false]],
    flags: { technology: V, seed: V, trial: V, cell: V, copy: V, dacBits: V, out: V, id: V, fabricated: S, departure: "list" },
  },
  protocol: { args: [["dir", false]], flags: { cell: V, readings: V, out: V } },
  measure: { args: [["dir", false]], flags: { die: V, cell: V, seed: V, protocol: V, readings: V, out: V } },
  calibrate: {
    args: [["dir", false]],
    flags: { measured: V, readings: V, cell: V, out: V, dacBits: V, tolerance: V, maxCases: V, verify: N, show: V },
  },
  layout: { args: [["dir", false]], flags: { out: V, cell: V, pdk: V, portOrder: N, stagger: N, heaterClearance: V } },
} as const satisfies Record<string, CommandTable>;

export type ApiCommand = keyof typeof COMMANDS;

/** Keys every function takes besides its command's (api/types.ts RunOptions). */
export const RUN_KEYS: ReadonlySet<string> = new Set(["cwd", "env", "signal", "onStderr"]);

const kebab = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function usage(command: string, message: string, hint?: string): OptincError {
  return new OptincError(command, 2, [{ code: IO.usage, severity: "error", message, ...(hint ? { hint } : {}) }]);
}

/** A scalar option value as the command line spells it. */
function text(command: string, key: string, v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  throw usage(command, `option ${key} must be a string or a number, got ${v === null ? "null" : typeof v}`);
}

/** The CLI's argument list for `command` with these options (global flags not included). */
export function argvOf(command: ApiCommand, options: Readonly<Record<string, unknown>>): string[] {
  const table: CommandTable = COMMANDS[command];
  const flags: string[] = [];
  for (const [key, v] of Object.entries(options)) {
    if (RUN_KEYS.has(key) || table.args.some(([a]) => a === key)) continue;
    const kind = table.flags[key];
    if (!kind) {
      const known = Object.keys(table.flags);
      throw usage(command, `unknown option ${key} for ${command}`, known.length ? `${command} takes ${known.join(", ")}` : undefined);
    }
    if (v === undefined) continue;
    if (kind === "switch" || kind === "negated") {
      if (typeof v !== "boolean") throw usage(command, `option ${key} must be true or false`);
      if (kind === "switch" && v) flags.push(kebab(key));
      if (kind === "negated" && !v) flags.push(`--no-${kebab(key).slice(2)}`);
    } else if (kind === "list") {
      for (const item of Array.isArray(v) ? v : [v]) flags.push(kebab(key), text(command, key, item));
    } else flags.push(kebab(key), text(command, key, v));
  }
  const positionals: string[] = [];
  for (const [key, variadic] of table.args) {
    const v = options[key];
    if (v === undefined) continue;
    if (variadic) positionals.push(...(Array.isArray(v) ? v : [v]).map((x) => text(command, key, x)));
    else positionals.push(text(command, key, v));
  }
  // `--` ends the options: a path that starts with "-" is still a path.
  return [command, ...flags, ...(positionals.length ? ["--", ...positionals] : [])];
}
