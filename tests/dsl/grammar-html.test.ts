import { describe, expect, it } from "vitest";
import { grammarHtml, stripJsComments } from "../../dsl/grammar-html.ts";

describe("optinc grammar HTML", () => {
  const html = grammarHtml();

  it("is self-contained: no URL, no external script or stylesheet", () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).toContain("<style>");
  });

  it("inlines the diagram scripts as valid JavaScript and the serialized grammar", () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts.length).toBe(6); // railroad, builder, behavior, main, grammar data, draw call
    for (const s of scripts) expect(() => new Function(s)).not.toThrow();
    for (const rule of ["spec", "entry", "block", "value", "number", "list"]) expect(html).toContain(`"name": "${rule}"`);
  });

  it("comment stripping keeps string contents", () => {
    expect(stripJsComments("var a = \"x // y\"; // gone\n/* gone */ var b = '/*k*/';")).toBe("var a = \"x // y\";\n var b = '/*k*/';");
  });
});

describe("optinc grammar HTML options table", () => {
  it("lists every option with its default below the diagrams", async () => {
    const { OPTIONS } = await import("../../dsl/options.ts");
    const html = grammarHtml();
    for (const o of OPTIONS) expect(html).toContain(`<td><code>${o.key}</code></td>`);
    expect(html).toContain("<td><code>800 Gb/s</code></td>");
  });
});
