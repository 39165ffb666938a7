// Every link and every "page.md §N" reference resolves:
// - a markdown link in README.md, CONTRIBUTING.md or a docs/ page names a file that exists
//   (relative to the page), and its #anchor a heading of that file;
// - "design/calibration.md §3" in docs prose (relative to docs/), "docs/design/calibration.md §3"
//   anywhere, names a page whose headings number that section ("## 3. …", "### 3.2 …");
// - "docs/<path>.md" in a comment, a test or a CLI string names a page that exists.
// References into ../shared/reference/ (the sources) are not pages of this repository.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { docPages, sourceFiles } from "../helpers/repo-files.ts";

/** The numbered sections of a page: "4a", "5.2", … */
function sections(text: string): Set<string> {
  return new Set([...text.matchAll(/^#+ §?(\d+[a-z]?(?:\.\d+[a-z]?)*)[. ]/gm)].map((m) => m[1]!));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const s = slug(m[1]!.replace(/`/g, ""));
    const n = seen.get(s) ?? 0;
    out.add(n ? `${s}-${n}` : s);
    seen.set(s, n + 1);
  }
  return out;
}

const read = (f: string): string => readFileSync(f, "utf8");

/** "file: link" for each relative markdown link of `text` (in `file`) that does not resolve. */
function brokenLinks(file: string, text: string, readPage: (p: string) => string | null = pageText): string[] {
  const out: string[] = [];
  const prose = text.replace(/```[\s\S]*?```/g, "");
  for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!;
    if (/^[a-z]+:/i.test(target) || target.startsWith("../shared/") || target.startsWith("../../shared/")) continue;
    const [path, anchor] = target.split("#") as [string, string | undefined];
    const resolved = path === "" ? file : normalize(join(dirname(file), path));
    const page = readPage(resolved);
    if (page === null) out.push(`${file}: ${target} (no such file)`);
    else if (anchor && resolved.endsWith(".md") && !anchors(page).has(anchor)) out.push(`${file}: ${target} (no such heading)`);
  }
  return out;
}

function pageText(p: string): string | null {
  if (!existsSync(p)) return null;
  return statSync(p).isDirectory() ? "" : read(p);
}

const SECTION_REF = /(?<![\w/.])(docs\/)?((?:guide|reference|design|studies)\/[a-z0-9-]+\.md) §(\d+[a-z]?(?:\.\d+[a-z]?)*)/g;

/** "file: page §N" for each section reference of `text` to a page without that section. */
function brokenSectionRefs(file: string, text: string, readPage: (p: string) => string | null = pageText): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(SECTION_REF)) {
    const page = readPage(`docs/${m[2]}`);
    if (page === null || !sections(page).has(m[3]!)) out.push(`${file}: ${m[2]} §${m[3]}`);
  }
  // A bare "report.md §3" in a docs page names a page of the same folder. Elsewhere a bare name of
  // a docs page is ambiguous (names of the sources in ../shared/reference/ are left alone).
  const here = file.startsWith("docs/") ? dirname(file) : null;
  for (const m of text.matchAll(/(?<![\w/.-])([a-z][a-z0-9-]*\.md) §(\d+[a-z]?(?:\.\d+[a-z]?)*)/g)) {
    const sibling = here ? readPage(join(here, m[1]!)) : null;
    if (sibling !== null) {
      if (!sections(sibling).has(m[2]!)) out.push(`${file}: ${m[1]} §${m[2]}`);
    } else if (DOCS_PAGE_NAMES.has(m[1]!) && !SOURCE_NAMES.has(m[1]!)) out.push(`${file}: ${m[1]} § without its folder`);
  }
  return out;
}

/** "file: docs/x.md" for each docs page path named in `text` that does not exist. */
function missingPages(file: string, text: string): string[] {
  return [...text.matchAll(/(?<![\w/.])docs\/([\w/-]+\.md)/g)]
    .filter((m) => !existsSync(`docs/${m[1]}`))
    .map((m) => `${file}: docs/${m[1]}`);
}

const DOCS = docPages();
/** Page names under docs/, and those of the sources (../shared/reference/), which code cites bare. */
const DOCS_PAGE_NAMES = new Set(DOCS.map((f) => basename(f)));
const SOURCE_NAMES = new Set(
  existsSync("../shared/reference") ? readdirSync("../shared/reference") : ["robustness.md", "calibration.md", "layout.md"],
);
const SOURCES = sourceFiles().filter((f) => !f.endsWith("section-refs.test.ts"));

describe("links and § references resolve", () => {
  it("every markdown link in the README and docs/ names a file that exists, and its anchor a heading", () => {
    expect(DOCS.length).toBeGreaterThan(20);
    expect(DOCS.flatMap((f) => brokenLinks(f, read(f)))).toEqual([]);
  });

  it("every '<folder>/<page>.md §N' in the docs, the README and the code names a section the page has", () => {
    const all: [string, string][] = [...DOCS, ...SOURCES].map((f) => [f, read(f)]);
    const refs = all.flatMap(([, t]) => [...t.matchAll(SECTION_REF)]);
    expect(refs.length).toBeGreaterThan(50);
    expect(all.flatMap(([f, t]) => brokenSectionRefs(f, t))).toEqual([]);
  });

  it("every docs/<page>.md a comment, a test or the CLI names exists", () => {
    expect([...DOCS, ...SOURCES].flatMap((f) => missingPages(f, read(f)))).toEqual([]);
  });

  it("planted faults fail: a missing file, a missing heading, a missing section, a bare page name", () => {
    const pages = (p: string): string | null =>
      p === "docs/design/x.md" ? "# X\n\n## 3. The stage scale\n" : p === "docs/guide/y.md" ? "# Y\n" : null;
    expect(brokenLinks("docs/guide/y.md", "see [x](../design/x.md#3-the-stage-scale)", pages)).toEqual([]);
    expect(brokenLinks("docs/guide/y.md", "see [x](../design/x.md#4-nothing)", pages)).toHaveLength(1);
    expect(brokenLinks("docs/guide/y.md", "see [z](../design/z.md)", pages)).toHaveLength(1);
    expect(brokenSectionRefs("a.ts", "// docs/design/x.md §3", pages)).toEqual([]);
    expect(brokenSectionRefs("a.ts", "// docs/design/x.md §99", pages)).toHaveLength(1);
    expect(brokenSectionRefs("a.md", "see testing.md §9", pages)).toHaveLength(1);
    expect(brokenSectionRefs("docs/design/y.md", "see x.md §3", pages)).toEqual([]);
    expect(brokenSectionRefs("docs/design/y.md", "see x.md §4", pages)).toHaveLength(1);
    expect(brokenSectionRefs("a.md", "../shared/reference/calibration.md §99", pages)).toEqual([]);
    expect(missingPages("a.ts", "// docs/calibration.md")).toHaveLength(1);
  });
});
