import { describe, expect, it } from "vitest";
import { formatOptinc, formatSpec } from "../../dsl/format.ts";
import { loadSpec } from "../../dsl/load.ts";
import { exampleFiles, readExample } from "./helpers.ts";

const MESSY = `   # header comment

// another header
aggregator   messy{workers=8 precision=8 bits   # trailing
levels = 4
route = trained
network{hidden=[64,32] activation=relu}


  approximate { layers = [1,
     # inside a list
     2]  }
  technology { mzi_loss = 0.02 dB  splitter_imbalance = 0.002  phase_noise = 0.002 rad  dac_bits = 12 bits  detector_noise = 0.01 }
  link {
    bandwidth = 800 Gb/s
  } # after link
  # before the end
}
# trailer
`;

describe("fmt", () => {
  for (const f of exampleFiles()) {
    it(`${f} is already canonical, and formatting is idempotent`, () => {
      const text = readExample(f);
      const once = formatSpec(f, text);
      expect(once.diagnostics).toEqual([]);
      expect(once.text).toBe(text);
      expect(formatSpec(f, once.text!).text).toBe(once.text);
    });
  }

  it("canonicalises a messy file, keeps every comment, and check accepts the output", () => {
    const a = formatOptinc("m.optinc", MESSY);
    expect(a.diagnostics).toEqual([]);
    const out = a.text!;
    expect(formatOptinc("m.optinc", out).text).toBe(out);
    for (const c of [
      "# header comment",
      "// another header",
      "# trailing",
      "# inside a list",
      "# after link",
      "# before the end",
      "# trailer",
    ])
      expect(out).toContain(c);
    expect(out).toContain("  precision = 8 bits  # trailing\n");
    expect(out).toContain("  network   { hidden = [64, 32]  activation = relu }");
    expect(out).toContain("    splitter_imbalance = 0.002\n"); // too long for one line → one entry per line
    const before = loadSpec("m.optinc", MESSY);
    const after = loadSpec("m.optinc", out);
    expect(after.diagnostics).toEqual([]);
    expect(after.checked!.spec).toEqual(before.checked!.spec);
  });

  it("keeps a single blank line where the source had blank lines", () => {
    const out = formatOptinc("m.optinc", "aggregator x {\n  workers = 4\n\n\n\n  levels = 4\n}\n").text!;
    expect(out).toBe("aggregator x {\n  workers = 4\n\n  levels = 4\n}\n");
  });

  it("refuses to format a file with syntax errors and says why", () => {
    const r = formatOptinc("m.optinc", "aggregator x {\n  workers = \n");
    expect(r.text).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThan(0);
  });
});
