// The phase table (`*.phases.json` / `*.phases.csv`): building, canonical JSON writing.
// JSON is written with a fixed key order, one element per line, and numbers in
// JavaScript's shortest round-trip form, so equal tables give byte-identical files and
// parsing the text returns exactly the numbers that were written.
import { MZI_CONVENTION, type PhaseTable, type PipelineStep } from "./ir.ts";

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
  step: ["name", "role", "mesh", "function", "modes", "inputs", "outputs", "workers", "digits", "levels", "amplitudePerLevel", "step", "offset", "params", "gain", "convention", "biasInput", "outputPhases", "outputDac", "elements"],
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

function num(x: number, path: string): string {
  if (!Number.isFinite(x)) throw new RangeError(`phase table: ${path} is ${x}; only finite numbers can be written`);
  return JSON.stringify(x);
}

/** Compact canonical JSON of a value (objects by `order`, nested objects sorted). */
function compact(v: unknown, path: string, order?: string[]): string {
  if (typeof v === "number") return num(v, path);
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x, i) => compact(x, `${path}[${i}]`)).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = orderedKeys(o, order ?? (path.endsWith("dac") || path.endsWith("outputDac") ? KEY_ORDER.dac : []));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${compact(o[k], `${path}.${k}`)}`).join(",")}}`;
}

function stepJson(step: PipelineStep, path: string, ind: string): string {
  const o = step as unknown as Record<string, unknown>;
  const lines = orderedKeys(o, KEY_ORDER.step).map((k) => {
    const p = `${path}.${k}`;
    if (k === "elements" && Array.isArray(o[k])) {
      const els = o[k] as Record<string, unknown>[];
      if (els.length === 0) return `${ind}  "elements": []`;
      const body = els.map((e, i) => `${ind}    ${compact(e, `${p}[${i}]`, KEY_ORDER.element)}`).join(",\n");
      return `${ind}  "elements": [\n${body}\n${ind}  ]`;
    }
    return `${ind}  ${JSON.stringify(k)}: ${compact(o[k], p)}`;
  });
  return `${ind}{\n${lines.join(",\n")}\n${ind}}`;
}

/** Canonical `*.phases.json` text (ends with a newline). */
export function phaseTableToJson(table: PhaseTable): string {
  const conv = table.convention as unknown as Record<string, unknown>;
  const convLines = orderedKeys(conv, KEY_ORDER.convention).map((k) => `    ${JSON.stringify(k)}: ${compact(conv[k], `convention.${k}`)}`);
  const steps = table.pipeline.map((s, i) => stepJson(s, `pipeline[${i}]`, "    "));
  return [
    "{",
    `  "format": ${JSON.stringify(table.format)},`,
    `  "convention": {\n${convLines.join(",\n")}\n  },`,
    steps.length === 0 ? `  "pipeline": []` : `  "pipeline": [\n${steps.join(",\n")}\n  ]`,
    "}",
    "",
  ].join("\n");
}
