// The docs are laid out by purpose: every page sits in guide/, reference/, design/ or studies/, or
// is an index (docs/README.md, and docs/architecture.md, the index of the code's rooms). No page is
// over 600 lines, and the README, the front door, is at most 150.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const FOLDERS = ["guide", "reference", "design", "studies"];
const INDEXES = ["README.md", "architecture.md"];

/** What breaks the layout, for pages given as path → line count (paths relative to docs/). */
function layoutProblems(pages: Map<string, number>, readmeLines: number): string[] {
  const out: string[] = [];
  for (const [p, n] of pages) {
    const parts = p.split("/");
    if (parts.length === 1 ? !INDEXES.includes(p) : !FOLDERS.includes(parts[0]!) || parts.length > 2)
      out.push(`docs/${p}: not in ${FOLDERS.join("/, ")}/ and not an index`);
    if (n > 600) out.push(`docs/${p}: ${n} lines, over 600`);
  }
  if (readmeLines > 150) out.push(`README.md: ${readmeLines} lines, over 150`);
  return out;
}

function pages(dir: string, prefix = ""): [string, number][] {
  return readdirSync(dir).flatMap((f): [string, number][] => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return pages(p, `${prefix}${f}/`);
    return f.endsWith(".md") ? [[`${prefix}${f}`, readFileSync(p, "utf8").split("\n").length - 1]] : [];
  });
}

describe("the docs' layout", () => {
  it("every page in a purpose folder or an index, none over 600 lines; the README at most 150", () => {
    const all = new Map(pages("docs"));
    expect(all.size).toBeGreaterThan(30);
    for (const f of FOLDERS)
      expect(
        [...all.keys()].some((p) => p.startsWith(`${f}/`)),
        f,
      ).toBe(true);
    expect(layoutProblems(all, readFileSync("README.md", "utf8").split("\n").length - 1)).toEqual([]);
  });

  it("planted faults fail: a page at the root, a page in another folder, a long page, a long README", () => {
    expect(layoutProblems(new Map([["calibration.md", 10]]), 100)).toHaveLength(1);
    expect(layoutProblems(new Map([["notes/x.md", 10]]), 100)).toHaveLength(1);
    expect(layoutProblems(new Map([["design/x.md", 601]]), 100)).toHaveLength(1);
    expect(layoutProblems(new Map([["design/x.md", 600]]), 151)).toHaveLength(1);
    expect(
      layoutProblems(
        new Map([
          ["design/x.md", 600],
          ["README.md", 5],
        ]),
        150,
      ),
    ).toEqual([]);
  });
});
