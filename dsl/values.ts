// Typed readers for option values. Each reader checks kind, unit and range of one AST value and either
// returns the SI value or reports a diagnostic and returns undefined.
import type { Loc, NumberValue, Value } from "./ast.ts";
import { didYouMean } from "./suggest.ts";
import { DIMENSION_INFO, dimensionOf, UNITS, type Dimension } from "./units.ts";
import { SPEC } from "../codes/catalogue.ts";

export interface Problem {
  code: string;
  loc: Loc;
  message: string;
  hint?: string;
}

export interface Reader<T> {
  /** For the docs: what may be written. */
  accepts: string;
  read(v: Value, key: string, report: (p: Problem) => void): T | undefined;
}

function show(v: Value): string {
  if (v.kind === "number") return v.unit ? `${v.text} ${v.unit.text}` : v.text;
  if (v.kind === "word") return v.text;
  return "a list";
}

function kindName(v: Value): string {
  return v.kind === "number" ? `the number ${show(v)}` : v.kind === "word" ? `the name '${v.text}'` : "a list";
}

interface Range {
  min?: number;
  max?: number;
  /** Bounds excluded (margin in (0, 0.5)). */
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

/** Readable bounds: 1e15 rather than 1000000000000000, π rather than 3.14159…. */
export function fmtBound(x: number): string {
  if (x === Math.PI) return "π";
  if (Math.abs(x) < 1e7) return String(x);
  const exp = x.toExponential();
  if (!Number.isInteger(x) || /^-?1e/.test(exp)) return exp.replace("e+", "e");
  return String(x).replace(/\B(?=(\d{3})+$)/g, "_"); // 4_294_967_295, as it would be written
}

function rangeText(r: Range, unit = ""): string {
  const u = unit ? ` ${unit}` : "";
  const lo = r.min === undefined ? "" : `${r.exclusiveMin ? "greater than" : "at least"} ${fmtBound(r.min)}${u}`;
  const hi = r.max === undefined ? "" : `${r.exclusiveMax ? "less than" : "at most"} ${fmtBound(r.max)}${u}`;
  return [lo, hi].filter(Boolean).join(" and ");
}

function inRange(x: number, r: Range): boolean {
  if (r.min !== undefined && (r.exclusiveMin ? x <= r.min : x < r.min)) return false;
  if (r.max !== undefined && (r.exclusiveMax ? x >= r.max : x > r.max)) return false;
  return true;
}

function expectNumber(v: Value, key: string, what: string, report: (p: Problem) => void): NumberValue | undefined {
  if (v.kind === "number") {
    if (!Number.isFinite(v.value)) {
      report({ code: SPEC.outOfRange, loc: v.loc, message: `${key}: ${v.text} is too large to be a number`, hint: `write ${what}` });
      return undefined;
    }
    return v;
  }
  report({ code: SPEC.wrongKind, loc: v.loc, message: `${key} expects ${what}, not ${kindName(v)}` });
  return undefined;
}

/** Convert a number's unit to the dimension's SI factor, reporting missing, foreign or unknown units. */
function unitFactor(v: NumberValue, key: string, dim: Dimension, unitRequired: boolean, report: (p: Problem) => void): number | undefined {
  const info = DIMENSION_INFO[dim];
  if (!v.unit) {
    if (!unitRequired) return 1;
    report({
      code: SPEC.missingUnit,
      loc: v.loc,
      message: `${key} = ${v.text} has no unit; it is ${info.what}`,
      hint: `write it with a unit, e.g. ${key} = ${info.example}`,
    });
    return undefined;
  }
  const table = UNITS[dim];
  const factor = table[v.unit.text];
  if (factor !== undefined) return factor;
  const other = dimensionOf(v.unit.text);
  const units = Object.keys(table);
  report({
    code: SPEC.wrongUnit,
    loc: v.unit.loc,
    message: other
      ? `'${v.unit.text}' is ${DIMENSION_INFO[other].what}, but ${key} is ${info.what}`
      : `unknown unit '${v.unit.text}' for ${key}`,
    hint: other
      ? `use a unit for ${info.what}: ${units.join(", ")}`
      : (didYouMean(v.unit.text, units) ?? `use one of: ${units.join(", ")}`),
  });
  return undefined;
}

function checkRange(
  x: number,
  r: Range,
  v: NumberValue,
  key: string,
  unit: string,
  report: (p: Problem) => void,
  integer = false,
): boolean {
  if (inRange(x, r)) return true;
  // For whole numbers with inclusive bounds the nearest allowed value is a concrete fix.
  const near =
    r.min !== undefined && x < r.min ? (r.exclusiveMin ? undefined : r.min) : r.max !== undefined && !r.exclusiveMax ? r.max : undefined;
  const hint =
    integer && near !== undefined && !v.unit ? `the nearest allowed value is ${key.split(".").pop()} = ${fmtBound(near)}` : undefined;
  report({ code: SPEC.outOfRange, loc: v.loc, message: `${key} must be ${rangeText(r, unit)} (got ${show(v)})`, hint });
  return false;
}

function rejectUnit(v: NumberValue, key: string, report: (p: Problem) => void): boolean {
  if (!v.unit) return true;
  report({
    code: SPEC.wrongUnit,
    loc: v.unit.loc,
    message: `${key} takes a plain number, without a unit`,
    hint: `remove '${v.unit.text}'`,
  });
  return false;
}

/** An integer, optionally with a unit from `dim` (e.g. precision = 8 bits). */
export function int(r: Range, dim?: Dimension): Reader<number> {
  return {
    accepts: `integer${dim ? ` (optionally in ${Object.keys(UNITS[dim]).join("/")})` : ""}${r.min !== undefined || r.max !== undefined ? `, ${rangeText(r)}` : ""}`,
    read(v, key, report) {
      const n = expectNumber(v, key, "a whole number", report);
      if (!n) return undefined;
      const f = dim ? unitFactor(n, key, dim, false, report) : rejectUnit(n, key, report) ? 1 : undefined;
      if (f === undefined) return undefined;
      const x = n.value * f;
      if (!Number.isInteger(x)) {
        report({ code: SPEC.notInteger, loc: n.loc, message: `${key} must be a whole number (got ${show(n)})` });
        return undefined;
      }
      return checkRange(x, r, n, key, "", report, true) ? x : undefined;
    },
  };
}

/** An integer from a fixed set (levels ∈ {2, 4, 8, 16}). */
export function intIn(allowed: readonly number[], why: string): Reader<number> {
  const inner = int({ min: Math.min(...allowed), max: Math.max(...allowed) });
  return {
    accepts: allowed.join(" | "),
    read(v, key, report) {
      if (v.kind === "number" && Number.isFinite(v.value) && !v.unit && !allowed.includes(v.value)) {
        const near = allowed.reduce((a, b) => (Math.abs(b - v.value) < Math.abs(a - v.value) ? b : a));
        report({
          code: SPEC.outOfRange,
          loc: v.loc,
          message: `${key} must be ${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]} (${why}), not ${show(v)}`,
          hint: `the nearest allowed value is ${key} = ${near}`,
        });
        return undefined;
      }
      return inner.read(v, key, report);
    },
  };
}

/** A plain real number without unit. */
export function real(r: Range): Reader<number> {
  return {
    accepts: `number, ${rangeText(r)}`,
    read(v, key, report) {
      const n = expectNumber(v, key, "a number", report);
      if (!n || !rejectUnit(n, key, report)) return undefined;
      return checkRange(n.value, r, n, key, "", report) ? n.value : undefined;
    },
  };
}

/** A physical quantity; the unit is required unless the dimension is a plain count. Range in SI units. */
export function quantity(dim: Dimension, r: Range, opts: { integer?: boolean; unitOptional?: boolean } = {}): Reader<number> {
  return {
    accepts: `${DIMENSION_INFO[dim].what} (${Object.keys(UNITS[dim]).join(", ")})${r.min !== undefined || r.max !== undefined ? `, ${rangeText(r)}` : ""}`,
    read(v, key, report) {
      const n = expectNumber(v, key, `${DIMENSION_INFO[dim].what}, e.g. ${DIMENSION_INFO[dim].example}`, report);
      if (!n) return undefined;
      const f = unitFactor(n, key, dim, !opts.unitOptional, report);
      if (f === undefined) return undefined;
      let x = n.value * f;
      if (opts.integer) {
        const rounded = Math.round(x);
        if (Math.abs(x - rounded) > 1e-9 * Math.max(1, Math.abs(x))) {
          report({ code: SPEC.notInteger, loc: n.loc, message: `${key} must be a whole count (got ${show(n)} = ${x})` });
          return undefined;
        }
        x = rounded;
      }
      return checkRange(x, r, n, key, "", report) ? x : undefined;
    },
  };
}

/** A percentage written with `%` (yield = 99 %), stored as a fraction; the range is in percent. */
export function percent(r: Range): Reader<number> {
  return {
    accepts: `${DIMENSION_INFO.fraction.what} (%), ${rangeText(r, "%")}`,
    read(v, key, report) {
      const n = expectNumber(v, key, `${DIMENSION_INFO.fraction.what}, e.g. ${DIMENSION_INFO.fraction.example}`, report);
      if (!n) return undefined;
      const f = unitFactor(n, key, "fraction", true, report);
      if (f === undefined) return undefined;
      const inPercent = n.value * f * 100;
      return checkRange(inPercent, r, n, key, "%", report) ? inPercent / 100 : undefined;
    },
  };
}

/** One of a fixed set of names. */
export function choice<T extends string>(choices: readonly T[]): Reader<T> {
  return {
    accepts: choices.join(" | "),
    read(v, key, report) {
      if (v.kind === "word" && (choices as readonly string[]).includes(v.text)) return v.text as T;
      report({
        code: v.kind === "word" ? SPEC.unknownChoice : SPEC.wrongKind,
        loc: v.loc,
        message: v.kind === "word" ? `unknown ${key} '${v.text}'` : `${key} expects one of ${choices.join(", ")}, not ${kindName(v)}`,
        hint: (v.kind === "word" ? didYouMean(v.text, choices) : undefined) ?? `choose one of: ${choices.join(", ")}`,
      });
      return undefined;
    },
  };
}

/** A keyword standing for a special value (auto, all, none), or whatever `inner` accepts. */
export function orWord<T, W>(word: string, meaning: W, inner: Reader<T>): Reader<T | W> {
  return {
    accepts: `${word} | ${inner.accepts}`,
    read(v, key, report) {
      if (v.kind === "word") {
        if (v.text === word) return meaning;
        report({
          code: SPEC.unknownChoice,
          loc: v.loc,
          message: `unknown ${key} '${v.text}'`,
          hint: didYouMean(v.text, [word]) ?? `write ${word} or ${inner.accepts}`,
        });
        return undefined;
      }
      return inner.read(v, key, report);
    },
  };
}

/** A non-empty list `[a, b, ...]` whose items `item` accepts. */
export function list<T>(item: Reader<T>, opts: { unique?: boolean } = {}): Reader<T[]> {
  return {
    accepts: `[list of ${item.accepts}]`,
    read(v, key, report) {
      if (v.kind !== "list") {
        report({ code: SPEC.wrongKind, loc: v.loc, message: `${key} expects a list such as [1, 2], not ${kindName(v)}` });
        return undefined;
      }
      if (v.items.length === 0) {
        report({ code: SPEC.outOfRange, loc: v.loc, message: `${key} must not be an empty list` });
        return undefined;
      }
      const out: T[] = [];
      let ok = true;
      const seen = new Map<string, Loc>();
      for (const it of v.items) {
        const x = item.read(it, `${key} item`, report);
        if (x === undefined) ok = false;
        else {
          const k = JSON.stringify(x);
          if (opts.unique && seen.has(k)) {
            report({
              code: SPEC.duplicateEntry,
              loc: it.loc,
              message: `${key} lists ${show(it)} twice`,
              hint: "remove the repeated entry",
            });
            ok = false;
          }
          seen.set(k, it.loc);
          out.push(x);
        }
      }
      return ok ? out : undefined;
    },
  };
}

/** A name (identifier), e.g. a preset. Validity against a table is checked by the caller. */
export function word(accepts: string): Reader<string> {
  return {
    accepts,
    read(v, key, report) {
      if (v.kind === "word") return v.text;
      report({ code: SPEC.wrongKind, loc: v.loc, message: `${key} expects ${accepts}, not ${kindName(v)}` });
      return undefined;
    },
  };
}
