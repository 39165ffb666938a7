// `*.phases.csv`: the phase table as flat rows, one per element, plus per stage a header
// row (kind "stage"), one row per output phase (kind "output_phase") and one gain row
// (kind "gain"); every non-stage pipeline step is one row whose kind is its role.
// Matrix columns hold the element's transfer entries (1×1 elements fill m00 only; an
// output phase gives e^{iφ}; the gain row gives the gain). Stage-level settings and the
// parameters of non-stage steps go into `params` as `key=value` pairs joined by ';'.
import type { LinearElement, PhaseStage, PhaseTable, PipelineStep } from "../ir.ts";

export const CSV_COLUMNS = [
  "step",
  "stage",
  "role",
  "index",
  "kind",
  "column",
  "mode_top",
  "mode_bottom",
  "theta",
  "phi",
  "sigma_re",
  "sigma_im",
  "dac_bits",
  "dac_theta",
  "dac_phi",
  "m00_re",
  "m00_im",
  "m01_re",
  "m01_im",
  "m10_re",
  "m10_im",
  "m11_re",
  "m11_im",
  "params",
] as const;

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string | number>>;

function cell(v: string | number | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new RangeError(`phase table CSV: non-finite number ${v}`);
    return String(v);
  }
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function isStage(s: PipelineStep): s is PhaseStage {
  return Array.isArray((s as PhaseStage).elements);
}

function params(o: Record<string, unknown>, skip: string[]): string {
  const parts: string[] = [];
  for (const k of Object.keys(o).sort()) {
    if (skip.includes(k)) continue;
    const v = o[k];
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const kk of Object.keys(v).sort()) parts.push(`${k}.${kk}=${String((v as Record<string, unknown>)[kk])}`);
    } else if (v !== undefined) {
      parts.push(`${k}=${Array.isArray(v) ? v.join(" ") : String(v)}`);
    }
  }
  return parts.join(";");
}

function elementRow(step: number, st: PhaseStage, e: LinearElement): Row {
  const row: Row = { step, stage: st.name, role: st.role, index: e.index, kind: e.kind, column: e.column, mode_top: e.modes[0] };
  if (e.kind === "mzi" || e.kind === "coupler") row.mode_bottom = e.modes[1];
  if (e.kind === "mzi" || e.kind === "attenuator") {
    row.theta = e.theta;
    row.phi = e.phi;
  }
  if (e.kind === "phase") row.phi = e.phi;
  if (e.kind === "attenuator") {
    row.sigma_re = e.sigma[0];
    row.sigma_im = e.sigma[1];
  }
  if (e.kind === "coupler") row.params = `coupling=${e.coupling}`;
  if (e.dac) {
    row.dac_bits = e.dac.bits;
    row.dac_theta = e.dac.theta;
    row.dac_phi = e.dac.phi;
  }
  const m = e.matrix as [number, number][][];
  row.m00_re = m[0][0][0];
  row.m00_im = m[0][0][1];
  if (m[0].length === 2) {
    row.m01_re = m[0][1][0];
    row.m01_im = m[0][1][1];
    row.m10_re = m[1][0][0];
    row.m10_im = m[1][0][1];
    row.m11_re = m[1][1][0];
    row.m11_im = m[1][1][1];
  }
  return row;
}

function* stageRows(step: number, st: PhaseStage): Generator<Row> {
  yield {
    step,
    stage: st.name,
    role: st.role,
    kind: "stage",
    params: params(st as unknown as Record<string, unknown>, ["name", "role", "elements", "outputPhases", "outputDac"]),
  };
  for (const e of st.elements) yield elementRow(step, st, e);
  for (const [m, ph] of st.outputPhases.entries()) {
    const r: Row = {
      step,
      stage: st.name,
      role: st.role,
      index: m,
      kind: "output_phase",
      mode_top: m,
      phi: ph,
      m00_re: Math.cos(ph),
      m00_im: Math.sin(ph),
    };
    if (st.outputDac) {
      r.dac_bits = st.outputDac.bits;
      r.dac_phi = st.outputDac.codes[m];
    }
    yield r;
  }
  yield { step, stage: st.name, role: st.role, kind: "gain", m00_re: st.gain, m00_im: 0 };
}

/** Flat CSV (header + rows, '\n' line ends, trailing newline). */
export function phaseTableToCsv(table: PhaseTable): string {
  return [...phaseTableCsvChunks(table)].join("");
}

/** The same text as phaseTableToCsv, a line at a time (for files too large for one string). */
export function* phaseTableCsvChunks(table: PhaseTable): Generator<string> {
  yield `${CSV_COLUMNS.join(",")}\n`;
  const line = (r: Row): string => `${CSV_COLUMNS.map((c) => cell(r[c])).join(",")}\n`;
  for (const [i, s] of table.pipeline.entries()) {
    if (isStage(s)) for (const r of stageRows(i, s)) yield line(r);
    else
      yield line({
        step: i,
        stage: s.name,
        role: s.role,
        kind: s.role,
        params: params(s as unknown as Record<string, unknown>, ["name", "role"]),
      });
  }
}
