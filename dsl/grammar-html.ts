// Railroad diagrams of the .optinc grammar as one self-contained HTML page (no network access needed).
// Chevrotain's createSyntaxDiagramsCode links its scripts from unpkg; we inline the same files from the
// installed package instead, and drop their comments (the only other URLs in them).
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSyntaxDiagramsCode } from "chevrotain";
import { BLOCKS, optionsIn } from "./options.ts";
import { specParser } from "./parser.ts";

const RES = "@@RES@@/";

/**
 * Find chevrotain's diagram scripts: beside the bundle in an installed package (scripts/build.mjs
 * copies them to dist/chevrotain-diagrams/), else node_modules/chevrotain/diagrams (its package
 * `exports` expose only ".", so walk up from here and from cwd).
 */
export function findDiagramsDir(cwd = process.cwd()): string | undefined {
  const starts: string[] = [];
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const shipped = join(here, "chevrotain-diagrams");
    if (existsSync(join(shipped, "src", "main.js"))) return shipped;
    starts.push(here);
  } catch {
    /* not a file URL (unusual bundlers) */
  }
  starts.push(cwd);
  for (const start of starts) {
    let dir = start;
    for (;;) {
      const cand = join(dir, "node_modules", "chevrotain", "diagrams");
      if (existsSync(join(cand, "src", "main.js"))) return cand;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

/** Remove /* *\/ and // comments from the vendored scripts (a tiny scanner that respects string literals). */
export function stripJsComments(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const n = src[i + 1];
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (c === "/" && n === "*") {
      const j = src.indexOf("*/", i + 2);
      i = j < 0 ? src.length : j + 2;
    } else if (c === "/" && n === "/") {
      while (i < src.length && src[i] !== "\n") i++;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/[ \t]+$/gm, "").replace(/\n{3,}/g, "\n\n");
}

/** The SVG/XLink namespace names are identifiers, not fetched resources; spell them without a literal URL. */
function deUrlNamespaces(js: string): string {
  return js
    .replace(/"http:\/\/www\.w3\.org\/2000\/svg"/g, '["http:", "", "www.w3.org", "2000", "svg"].join("/")')
    .replace(/"http:\/\/www\.w3\.org\/1999\/xlink"/g, '["http:", "", "www.w3.org", "1999", "xlink"].join("/")');
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The grammar is generic (`name = value`, `name { ... }`); the options that fill it are listed below it. */
function optionsTableHtml(): string {
  const rows: string[] = [];
  for (const g of [{ name: "", doc: "Top-level settings." }, ...BLOCKS]) {
    rows.push(`<tr><th colspan="4">${g.name ? `${esc(g.name)} { ... }` : "top level"}: ${esc(g.doc)}</th></tr>`);
    for (const o of optionsIn(g.name)) {
      rows.push(
        `<tr><td><code>${esc(o.key)}</code></td><td>${esc(o.reader.accepts)}</td><td><code>${esc(o.defaultText)}</code></td><td>${esc(o.doc)}</td></tr>`,
      );
    }
  }
  return `<h2>Options</h2>
<table class="options">
<tr><th>Option</th><th>Accepts</th><th>Default</th><th>Meaning</th></tr>
${rows.join("\n")}
</table>
<style>
  table.options { border-collapse: collapse; margin: 1em auto; font: 13px sans-serif; }
  table.options td, table.options th { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
</style>`;
}

export function grammarHtml(diagramsDir = findDiagramsDir()): string {
  if (!diagramsDir) throw new Error("cannot find node_modules/chevrotain/diagrams (is chevrotain installed?)");
  const html = createSyntaxDiagramsCode(specParser().getSerializedGastProductions(), { resourceBase: RES, css: `${RES}diagrams.css` });
  const read = (rel: string) => readFileSync(join(diagramsDir, rel), "utf8");
  let out = html.replace(/<link rel='stylesheet' href='@@RES@@\/diagrams\.css'>/, () => `<style>\n${read("diagrams.css")}\n</style>`);
  out = out.replace(
    /<script src='@@RES@@\/([^']+)'><\/script>/g,
    (_m, rel: string) => `<script>\n${deUrlNamespaces(stripJsComments(read(rel)))}\n</script>`,
  );
  out = out.replace(
    "<!-- This is a generated file -->",
    "<!-- optinc grammar: railroad diagrams (railroad-diagrams by Tab Atkins Jr., CC0; Chevrotain diagrams, Apache-2.0). Generated; works offline. -->",
  );
  out = out.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n<title>optinc spec grammar</title>');
  out = out.replace('<div id="diagrams" align="center"></div>', (m) => `<h1>optinc spec grammar</h1>\n${m}\n${optionsTableHtml()}`);
  if (out.includes(RES)) throw new Error("grammar page still references external diagram resources");
  return out.trimStart();
}
