// The rule every printed tolerance follows (docs/design/robustness.md §1.4): a level claimed at a yield from fewer dies than give 95 % confidence carries the
// confidence it has, on the same line; a yield k/n carries its interval (or a one-sided bound).
import { expect } from "vitest";
import { drawsForConfidence } from "../../../math/binomial.ts";

/** The problems of one printed text; empty when it is honest. */
export function dishonestLines(text: string): string[] {
  const bad: string[] = [];
  for (const line of text.split("\n")) {
    const claim = /(\d+(?:\.\d+)?)%[ -]yield/.exec(line);
    // A line that claims a level (a number besides the yield) at a yield; a table's column title does not.
    const levels = line.replace(claim?.[0] ?? "", "").match(/\d/);
    if (claim && levels && /toleran|estimate/.test(line)) {
      const dies = /\((\d+) dies/.exec(line) ?? /(\d+) Monte-Carlo (?:trials|dies)/.exec(line);
      const need = drawsForConfidence(1 - Number(claim[1]) / 100, 0.95);
      const conf = /(\d+(?:\.\d+)?)% confidence/.exec(line);
      if (!dies) bad.push(`no die count: ${line}`);
      else if (!conf) bad.push(`no confidence: ${line}`);
      else if (Number(dies[1]) < need && Number(conf[1]) >= 95) bad.push(`claims ≥ 95% confidence from ${dies[1]} dies: ${line}`);
    }
    if (/\b0× certified/.test(line)) bad.push(`bare "0× certified": ${line}`);
    for (const m of line.matchAll(/(\d+)\/(\d+) (?:chips|trials)/g))
      if (!/CI \d|yield [≤≥] [\d.]+% at \d/.test(line.slice(m.index))) bad.push(`yield ${m[0]} without its interval: ${line}`);
  }
  return bad;
}

export function expectHonest(text: string): void {
  expect(dishonestLines(text)).toEqual([]);
}
