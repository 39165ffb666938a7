// The headline: pass/fail badge and the three numbers a reader looks for first.
import type { ReportData } from "./types.ts";
import { esc, label, pct } from "./svg/escape.ts";
import { yieldSummary } from "./charts/yield.ts";

export interface VerdictFigures {
  exactMatch?: number;
  areaRatio?: number;
  yield?: number;
  pass?: boolean;
}

/** Resolve the verdict from the explicit section and, where missing, from the other sections. */
export function verdictFigures(d: ReportData): VerdictFigures {
  const v = d.verdict ?? {};
  const minExact = v.minExact ?? d.yield?.minExact ?? 1;
  const yieldValue = v.yield ?? (d.yield ? yieldSummary(d.yield).yield : undefined);
  let pass = v.pass;
  if (pass === undefined && (v.exactMatch !== undefined || yieldValue !== undefined)) {
    pass =
      (v.exactMatch === undefined || v.exactMatch >= minExact) &&
      (yieldValue === undefined || v.minYield === undefined || yieldValue >= v.minYield);
  }
  return { exactMatch: v.exactMatch, areaRatio: v.areaRatio, yield: yieldValue, pass };
}

function kpi(value: string, key: string, bad = false): string {
  return `<div class="kpi${bad ? " bad" : ""}"><div class="v">${esc(value)}</div><div class="k">${esc(key)}</div></div>`;
}

export function verdictHtml(d: ReportData): string {
  const f = verdictFigures(d);
  const v = d.verdict ?? {};
  const parts: string[] = [];
  if (f.pass !== undefined) parts.push(`<div class="badge ${f.pass ? "pass" : "fail"}">${f.pass ? "✔ PASS" : "✘ FAIL"}</div>`);
  else parts.push(`<div class="badge info">not verified</div>`);
  if (f.exactMatch !== undefined) {
    const of =
      v.cases !== undefined
        ? `of ${label(v.cases, 0)} cases${v.spaceSize !== undefined && v.spaceSize !== v.cases ? ` (space ${label(v.spaceSize, 0)})` : ""}`
        : "of cases";
    parts.push(kpi(pct(f.exactMatch, 2), `exact match ${of}, ideal components`, f.exactMatch < (v.minExact ?? 1)));
  }
  if (f.areaRatio !== undefined) parts.push(kpi(pct(f.areaRatio, 1), "area ratio (MZIs vs un-approximated ONN)"));
  if (f.yield !== undefined) {
    const trials = d.yield ? ` of ${d.yield.trials} Monte-Carlo trials` : "";
    parts.push(
      kpi(
        pct(f.yield, 1),
        `yield${trials} at exact match ≥ ${pct(v.minExact ?? d.yield?.minExact ?? 1, 2)}`,
        v.minYield !== undefined && f.yield < v.minYield,
      ),
    );
  }
  return `<div class="verdict">${parts.join("")}</div>`;
}

/** One plain-text line with the same facts (used as the page's description). */
export function verdictLine(d: ReportData): string {
  const f = verdictFigures(d);
  const bits: string[] = [];
  if (f.pass !== undefined) bits.push(f.pass ? "PASS" : "FAIL");
  if (f.exactMatch !== undefined) bits.push(`exact match ${pct(f.exactMatch, 2)}`);
  if (f.areaRatio !== undefined) bits.push(`area ratio ${pct(f.areaRatio, 1)}`);
  if (f.yield !== undefined) bits.push(`yield ${pct(f.yield, 0)}`);
  return bits.join(" · ");
}
