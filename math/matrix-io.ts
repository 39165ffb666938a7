// Reading a matrix for `optinc decompose`: JSON ({ "re": [[…]], "im": [[…]] } or a plain
// array of rows whose entries are numbers, [re, im] pairs or complex strings) and CSV
// (one row per line, real or complex cells such as 0.5, -1e-3, 1+2j, (0.5-0.25j), 3i).
// Every failure carries a stable code and a 1-based line:col into the source text.
import { DECOMPOSE } from "../codes/catalogue.ts";
import { jsonErrorAt, lineCol } from "./source-position.ts";
import { type CMat, zeros } from "./cmat.ts";
import { jsonPathOffset } from "./json-locate.ts";

/** A decompose input code (codes/catalogue.ts DECOMPOSE). */
export type MatrixCode = (typeof DECOMPOSE)[keyof typeof DECOMPOSE];

export class MatrixInputError extends Error {
  constructor(
    readonly code: MatrixCode,
    message: string,
    readonly line = 1,
    readonly col = 1,
    readonly hint?: string,
    readonly length = 1,
  ) {
    super(message);
    this.name = "MatrixInputError";
  }
}

const NUM = String.raw`(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const REAL_RE = new RegExp(`^[+-]?${NUM}$`, "i");
const COMPLEX_RE = new RegExp(`^([+-]?${NUM})?(?:([+-])(${NUM})?)?[ij]$`);
const PURE_IMAG_RE = new RegExp(`^([+-]?)(${NUM})?[ij]$`);

/** Parse "1.5", "-2e-3", "1+2j", "1-j", "2.5j", "(0.5-0.25i)" → [re, im]; undefined if malformed. */
export function parseComplex(raw: string): [number, number] | undefined {
  let s = raw.trim().replace(/\s+/g, "");
  if (s.startsWith("(") && s.endsWith(")")) s = s.slice(1, -1);
  if (s === "") return undefined;
  let out: [number, number] | undefined;
  if (REAL_RE.test(s)) out = [Number(s), 0];
  else {
    const p = PURE_IMAG_RE.exec(s);
    if (p) out = [0, (p[1] === "-" ? -1 : 1) * (p[2] === undefined ? 1 : Number(p[2]))];
    else {
      const c = COMPLEX_RE.exec(s);
      if (c && c[1] !== undefined && c[2] !== undefined)
        out = [Number(c[1]), (c[2] === "-" ? -1 : 1) * (c[3] === undefined ? 1 : Number(c[3]))];
    }
  }
  if (!out || !Number.isFinite(out[0]) || !Number.isFinite(out[1])) return undefined;
  return out;
}

const ENTRY_HINT = "write a real number (0.5, -1e-3) or a complex number (1+2j, -0.5j, (0.5-0.25i))";

export function parseMatrixCsv(text: string): CMat {
  const rows: [number, number][][] = [];
  let width = -1;
  const lines = text.split("\n");
  lines.forEach((rawLine, li) => {
    const line = rawLine.replace(/\r$/, "");
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const row: [number, number][] = [];
    let col = 1;
    for (const cell of line.split(",")) {
      const trimmed = cell.trim().replace(/^"(.*)"$/, "$1");
      const v = parseComplex(trimmed);
      if (!v) {
        const lead = cell.length - cell.trimStart().length;
        throw new MatrixInputError(
          DECOMPOSE.badEntry,
          `bad matrix entry ${JSON.stringify(cell.trim())} in row ${rows.length + 1}, column ${row.length + 1}`,
          li + 1,
          col + lead,
          ENTRY_HINT,
          Math.max(1, cell.trim().length),
        );
      }
      row.push(v);
      col += cell.length + 1;
    }
    if (width >= 0 && row.length !== width) {
      throw new MatrixInputError(
        DECOMPOSE.ragged,
        `row ${rows.length + 1} has ${row.length} entries but row 1 has ${width}`,
        li + 1,
        1,
        "every row of the matrix needs the same number of comma-separated entries",
      );
    }
    width = row.length;
    rows.push(row);
  });
  if (rows.length === 0)
    throw new MatrixInputError(
      DECOMPOSE.ragged,
      "the CSV file contains no matrix rows",
      1,
      1,
      "write one matrix row per line, entries separated by commas",
    );
  return toCMat(rows);
}

function toCMat(rows: [number, number][][]): CMat {
  const m = zeros(rows.length, rows[0].length);
  rows.forEach((r, i) =>
    r.forEach(([a, b], j) => {
      m.re[i * m.cols + j] = a;
      m.im[i * m.cols + j] = b;
    }),
  );
  return m;
}

export function parseMatrixJson(text: string): CMat {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const { line, col, reason } = jsonErrorAt(text, e);
    throw new MatrixInputError(DECOMPOSE.badJson, `invalid JSON: ${reason}`, line, col);
  }
  const at = (path: (string | number)[], code: MatrixCode, message: string, hint?: string): MatrixInputError => {
    const off = jsonPathOffset(text, path) ?? 0;
    const { line, col } = lineCol(text, off);
    return new MatrixInputError(code, message, line, col, hint);
  };
  const shapeHint = 'use { "re": [[…], …], "im": [[…], …] } or a plain array of rows, e.g. [[1, 0], [0, 1]]';
  const readRows = (v: unknown, path: (string | number)[], allowComplex: boolean): [number, number][][] => {
    if (!Array.isArray(v) || v.length === 0)
      throw at(
        path,
        v === undefined ? DECOMPOSE.badShape : DECOMPOSE.ragged,
        `${path.join(".") || "the matrix"} must be a non-empty array of rows`,
        shapeHint,
      );
    return v.map((row: unknown, i) => {
      if (!Array.isArray(row)) throw at([...path, i], DECOMPOSE.badShape, `row ${i + 1} is not an array`, shapeHint);
      if (row.length !== (v[0] as unknown[]).length || row.length === 0) {
        throw at(
          [...path, i],
          DECOMPOSE.ragged,
          `row ${i + 1} has ${row.length} entries but row 1 has ${(v[0] as unknown[]).length}`,
          "every row needs the same (non-zero) number of entries",
        );
      }
      return row.map((x: unknown, j): [number, number] => {
        if (typeof x === "number" && Number.isFinite(x)) return [x, 0];
        if (allowComplex && typeof x === "string") {
          const c = parseComplex(x);
          if (c) return c;
        }
        if (allowComplex && Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === "number" && Number.isFinite(y)))
          return [x[0] as number, x[1] as number];
        throw at(
          [...path, i, j],
          DECOMPOSE.badEntry,
          `bad matrix entry at row ${i + 1}, column ${j + 1}: ${JSON.stringify(x)}`,
          allowComplex ? `${ENTRY_HINT}, or a [re, im] pair` : "entries of re/im must be finite numbers",
        );
      });
    });
  };
  if (Array.isArray(doc)) return toCMat(readRows(doc, [], true));
  if (doc !== null && typeof doc === "object") {
    const o = doc as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== "re" && k !== "im");
    if (extra.length > 0) throw at([extra[0]], DECOMPOSE.badShape, `unexpected key ${JSON.stringify(extra[0])}`, shapeHint);
    const re = readRows(o.re, ["re"], false);
    if (o.im === undefined) return toCMat(re);
    const im = readRows(o.im, ["im"], false);
    if (im.length !== re.length || im[0].length !== re[0].length) {
      throw at(
        ["im"],
        DECOMPOSE.ragged,
        `"im" is ${im.length}×${im[0].length} but "re" is ${re.length}×${re[0].length}`,
        "re and im must have the same shape",
      );
    }
    return toCMat(re.map((r, i) => r.map(([a], j): [number, number] => [a, im[i][j][0]])));
  }
  throw new MatrixInputError(DECOMPOSE.badShape, "the JSON document is not a matrix", 1, 1, shapeHint);
}

/** Parse by format ("json" | "csv"), chosen by the caller from the file extension. */
export function parseMatrixText(text: string, format: "json" | "csv"): CMat {
  return format === "json" ? parseMatrixJson(text) : parseMatrixCsv(text);
}
