// The docs, the README and the code's comments say what the code does now: no branch names, no
// issue numbers, no work-log narrative that dates a figure by when it was measured. Git keeps the
// history. Scanned: README.md, CONTRIBUTING.md, CHANGELOG.md's absence aside (a changelog is
// history by design), every page under docs/, and the comments of every source, test and script.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { docPages, sourceFiles } from "../helpers/repo-files.ts";

/** What gives a line away as development history, each with what it catches. */
const HISTORY_PATTERNS: [RegExp, string][] = [
  [/\bbranch(es)?\s+h\d+/i, "a branch name"],
  [/\bh\d{2,}-[a-z]+/, "a branch name"],
  [/\b(issues?|tasks?|PR)\s+#\d+/i, "an issue number"],
  [/(^|[\s(,;])#\d{1,3}\b(?![-\w])/, "an issue number"],
  [
    /\bthe (eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth)\b/i,
    "a work-log ordinal",
  ],
  [/\bmachine is (faster|slower)\b/i, "a work-log comparison of machines"],
  [/\b(this|last|previous|next|earlier) (session|stop)\b/i, "a work-log session"],
  [/\b(before|after|since|until) (commit )?[0-9a-f]{7,40}\b/, "a figure dated by a commit"],
  [/\bbefore the ladder\b/i, "a figure dated by an earlier design"],
  [/\bkept as history\b|\bas history\b/i, "history kept in the docs"],
  [/\bWIP\b/, "work in progress"],
  [/\b(earlier|previous|older) (code|version|release)s?\b|\bthe old (code|cells|deck|rule)\b/i, "a narrative of earlier versions"],
  [/\bon the cells before\b|\bbefore (this|the) (change|fix|floor)\b/i, "a narrative of earlier versions"],
];

/** "file:line: what — text" for every line of `text` that a pattern above matches. */
function historyLines(file: string, text: string, commentsOnly: boolean): string[] {
  const out: string[] = [];
  text.split("\n").forEach((line, i) => {
    const scanned = commentsOnly ? commentOf(line, file) : line;
    if (!scanned) return;
    for (const [re, what] of HISTORY_PATTERNS)
      if (re.test(scanned)) {
        out.push(`${file}:${i + 1}: ${what} — ${line.trim().slice(0, 160)}`);
        break;
      }
  });
  return out;
}

/** The comment part of a source line: after //, or a JSDoc/block line, or after # in Python and shell. */
function commentOf(line: string, file: string): string | null {
  if (/\.(py|sh)$/.test(file)) {
    const m = /(^|\s)#(?!!)(.*)$/.exec(line);
    return m ? m[2]! : null;
  }
  const t = line.trim();
  if (t.startsWith("*") || t.startsWith("/*")) return t;
  const k = line.indexOf("// ");
  return k >= 0 ? line.slice(k) : null;
}

describe("no development history in docs, README and comments", () => {
  const docs = docPages();
  // This file names the patterns it looks for.
  const sources = sourceFiles();

  it("the docs and the README read as today's code", () => {
    expect(docs.length).toBeGreaterThan(20);
    expect(docs.flatMap((f) => historyLines(f, readFileSync(f, "utf8"), false))).toEqual([]);
  });

  it("comments in sources, tests and scripts read as today's code", () => {
    expect(sources.length).toBeGreaterThan(500);
    expect(sources.flatMap((f) => historyLines(f, readFileSync(f, "utf8"), true))).toEqual([]);
  });

  it("planted lines fail: a branch, an issue number, a work-log word, a commit-dated figure", () => {
    const planted = [
      `Measured on ${"branch"} h70 with the new cells.`,
      `The crossings rule (${"issue"} #39) is met.`,
      `As ${"#"}23 asked, calibration reads monitors.`,
      "The thirteenth run of the ladder.",
      "This machine is faster than the last one.",
      "99/100, against 86/100 on the cells before 60eb7c1.",
      `Left alone ${"last"} stop.`,
      "Both fail on the old cells.",
    ];
    for (const line of planted) expect(historyLines("x.md", line, false), line).toHaveLength(1);
    expect(historyLines("x.ts", `const n = 3; // measured on ${"branch"} h63`, true)).toHaveLength(1);
    expect(historyLines("x.py", `x = 1  # ${"issue"} #37`, true)).toHaveLength(1);
  });

  it("ordinary prose and code pass: counts, anchors, colours, 'no longer than'", () => {
    const fine = [
      "A path is no longer than 16 crossings.",
      "A dump reads a twentieth of its prediction; earlier cells' digits feed it.",
      "See [the method](design/calibration.md#3-the-stage-scale) and step 3.",
      'const css = "#1f77b4"; // the default colour',
      "The second stage takes 45 ms.",
    ];
    for (const line of fine) expect(historyLines("x.md", line, false), line).toEqual([]);
  });
});
