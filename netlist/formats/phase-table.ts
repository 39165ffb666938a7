// The phase table (`*.phases.json` / `*.phases.csv`): building, canonical JSON writing.
// JSON is written with a fixed key order, one element per line, and numbers in
// JavaScript's shortest round-trip form, so equal tables give byte-identical files and
// parsing the text returns exactly the numbers that were written.
import { MZI_CONVENTION, type PhaseTable, type PipelineStep } from "../ir.ts";

export { phaseTableToCsv } from "./phase-table-csv.ts";
export { PhaseTableError, parsePhaseTable } from "./phase-table-parse.ts";

export const PHASE_TABLE_FORMAT = "optinc.phases/1" as const;

export const CONVENTION_TEXT = {
  name: MZI_CONVENTION,
  mzi:
    "T(theta,phi) = B*P(theta)*B*P(phi) = i*e^(i*theta/2)*[[e^(i*phi)*sin(theta/2), cos(theta/2)], [e^(i*phi)*cos(theta/2), -sin(theta/2)]]; " +
    "B = [[1, i], [i, 1]]/sqrt(2), P(x) = diag(e^(i*x), 1); phi on the top input arm, theta on the top internal arm; " +
    "modes (m, m+1), m = top waveguide; matrices act on column vectors of mode amplitudes",
  coupler: "[[sqrt(1-k), i*sqrt(k)], [i*sqrt(k), sqrt(1-k)]], k = power coupling to the cross port (0.5 gives B)",
  phaseRange: "theta, phi and output phases in radians, wrapped to [0, 2*pi); DAC code c means 2*pi*c/2^bits",
} as const;

/** Wrap pipeline steps (in light order) into a phase table with the convention header. */
export function buildPhaseTable(pipeline: PipelineStep[]): PhaseTable {
  return { format: PHASE_TABLE_FORMAT, convention: { ...CONVENTION_TEXT }, pipeline };
}

const KEY_ORDER: Record<string, string[]> = {
  table: ["format", "convention", "pipeline"],
  convention: ["name", "mzi", "coupler", "phaseRange"],
  step: [
    "name",
    "role",
    "mesh",
    "function",
    "modes",
    "inputs",
    "outputs",
    "outputModes",
    "workers",
    "digits",
    "levels",
    "amplitudePerLevel",
    "step",
    "offset",
    "reference",
    "params",
    "gain",
    "limit",
    "read",
    "convention",
    "biasInput",
    "outputPhases",
    "outputDac",
    "elements",
  ],
  element: ["index", "column", "kind", "modes", "theta", "phi", "sigma", "coupling", "dac", "matrix"],
  dac: ["bits", "theta", "phi", "codes"],
};

function orderedKeys(obj: Record<string, unknown>, order: string[]): string[] {
  const known = order.filter((k) => obj[k] !== undefined);
  const rest = Object.keys(obj)
    .filter((k) => !order.includes(k) && obj[k] !== undefined)
    .sort();
  return [...known, ...rest];
}

class NonFinite extends Error {}

function num(x: number): string {
  if (!Number.isFinite(x)) throw new NonFinite();
  return JSON.stringify(x);
}

/** Compact canonical JSON of a value (objects by `order`, dac objects by the dac order, others sorted). */
function compact(v: unknown, order?: string[], key?: string): string {
  if (typeof v === "number") return num(v);
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i ? "," : "") + compact(v[i]);
    return out + "]";
  }
  const o = v as Record<string, unknown>;
  const keys = orderedKeys(o, order ?? (key === "dac" || key === "outputDac" ? KEY_ORDER.dac : []));
  let out = "{";
  for (let i = 0; i < keys.length; i++) out += `${i ? "," : ""}${JSON.stringify(keys[i])}:${compact(o[keys[i]], undefined, keys[i])}`;
  return out + "}";
}

// Native JSON.stringify with a key allowlist writes keys in the list's order (nested
// objects too), which is our canonical order; "bits" never occurs at element level, so
// listing it first among the dac keys orders dac objects as {bits, theta, phi}.
const ELEMENT_ALLOWLIST = ["index", "column", "kind", "modes", "bits", "theta", "phi", "sigma", "coupling", "dac", "matrix"];
const ELEMENT_KEYS = new Set(KEY_ORDER.element);
const DAC_KEYS = new Set(["bits", "theta", "phi"]);

/** One element on one line; fast native path for the known shape, generic otherwise. */
function elementJson(e: Record<string, unknown>): string {
  const dac = e.dac as Record<string, unknown> | undefined;
  const known = Object.keys(e).every((k) => ELEMENT_KEYS.has(k)) && (dac === undefined || Object.keys(dac).every((k) => DAC_KEYS.has(k)));
  if (!known) return compact(e, KEY_ORDER.element);
  const text = JSON.stringify(e, ELEMENT_ALLOWLIST);
  // Non-finite numbers become null in JSON.stringify; the schema has no nulls.
  if (text.includes("null")) throw new NonFinite();
  return text;
}

/** Path of the first non-finite number (only computed when writing failed). */
function findNonFinite(v: unknown, path: string): string | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? undefined : path;
  if (v === null || typeof v !== "object") return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = findNonFinite(v[i], `${path}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const p = findNonFinite(x, path ? `${path}.${k}` : k);
    if (p) return p;
  }
  return undefined;
}

function* stepJson(step: PipelineStep, ind: string): Generator<string> {
  const o = step as unknown as Record<string, unknown>;
  yield `${ind}{\n`;
  let first = true;
  for (const k of orderedKeys(o, KEY_ORDER.step)) {
    if (!first) yield ",\n";
    first = false;
    if (k === "elements" && Array.isArray(o[k])) {
      const els = o[k] as Record<string, unknown>[];
      if (els.length === 0) {
        yield `${ind}  "elements": []`;
        continue;
      }
      yield `${ind}  "elements": [\n`;
      for (let i = 0; i < els.length; i++) yield `${ind}    ${elementJson(els[i]!)}${i + 1 < els.length ? ",\n" : "\n"}`;
      yield `${ind}  ]`;
      continue;
    }
    yield `${ind}  ${JSON.stringify(k)}: ${compact(o[k], undefined, k)}`;
  }
  yield `\n${ind}}`;
}

/** Canonical `*.phases.json` text (ends with a newline). */
export function phaseTableToJson(table: PhaseTable): string {
  return [...phaseTableJsonChunks(table)].join("");
}

/**
 * The same text as phaseTableToJson, in pieces of at most one element line each, for tables too
 * large for one string (a 2000×2000 decompose). A non-finite number throws a RangeError that
 * names its path.
 */
export function* phaseTableJsonChunks(table: PhaseTable): Generator<string> {
  try {
    yield* writeJson(table);
  } catch (e) {
    if (!(e instanceof NonFinite)) throw e;
    const path = findNonFinite(table, "") ?? "(unknown)";
    const value = path
      .split(/\.|\[|\]/)
      .filter(Boolean)
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], table);
    throw new RangeError(`phase table: ${path} is ${String(value)}; only finite numbers can be written`);
  }
}

function* writeJson(table: PhaseTable): Generator<string> {
  const conv = table.convention as unknown as Record<string, unknown>;
  const convLines = orderedKeys(conv, KEY_ORDER.convention).map((k) => `    ${JSON.stringify(k)}: ${compact(conv[k])}`);
  yield `{\n  "format": ${JSON.stringify(table.format)},\n  "convention": {\n${convLines.join(",\n")}\n  },\n`;
  if (table.pipeline.length === 0) {
    yield `  "pipeline": []\n}\n`;
    return;
  }
  yield `  "pipeline": [\n`;
  for (let i = 0; i < table.pipeline.length; i++) {
    yield* stepJson(table.pipeline[i]!, "    ");
    yield i + 1 < table.pipeline.length ? ",\n" : "\n";
  }
  yield "  ]\n}\n";
}
