// Every "<page>.md §N" cross-reference in README.md and docs/*.md points at a section N of that page
// in docs/ (a heading "## N. …" or "### N.M …"). References into ../shared/reference/ (the sources)
// are not pages of this repository and are left alone (issue #38: allreduce.md cited a §5.4 that
// no page had).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const PAGES = new Map(
  readdirSync("docs")
    .filter((f) => f.endsWith(".md"))
    .map((f) => [f, readFileSync(`docs/${f}`, "utf8")]),
);

/** The numbered sections of a page: "4a", "5.2", … */
function sections(text: string): Set<string> {
  return new Set([...text.matchAll(/^#+ §?(\d+[a-z]?(?:\.\d+[a-z]?)*)[. ]/gm)].map((m) => m[1]!));
}

/** "file: page §N" for each reference in `text` to a docs page without that section. */
function brokenRefs(file: string, text: string, pages: Map<string, string>): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![/\w])(?:docs\/)?([a-z-]+\.md) §(\d+[a-z]?(?:\.\d+[a-z]?)*)/g)) {
    const page = pages.get(m[1]!);
    if (page !== undefined && !sections(page).has(m[2]!)) out.push(`${file}: ${m[1]} §${m[2]}`);
  }
  return out;
}

describe("§ cross-references between the docs", () => {
  const files: [string, string][] = [
    ["README.md", readFileSync("README.md", "utf8")],
    ...[...PAGES].map(([f, t]): [string, string] => [`docs/${f}`, t]),
  ];

  it("every '<page>.md §N' names a section the page has", () => {
    const refs = files.flatMap(([, t]) => [...t.matchAll(/(?<![/\w])(?:docs\/)?[a-z-]+\.md §\d/g)]);
    expect(refs.length).toBeGreaterThan(20);
    expect(files.flatMap(([f, t]) => brokenRefs(f, t, PAGES))).toEqual([]);
  });

  it("a reference to a section the page lacks is caught; the sources' pages are skipped", () => {
    expect(brokenRefs("x.md", "see calibration.md §99 and docs/formats.md §4a", PAGES)).toEqual(["x.md: calibration.md §99"]);
    expect(brokenRefs("x.md", "../shared/reference/calibration.md §99", PAGES)).toEqual([]);
  });
});
