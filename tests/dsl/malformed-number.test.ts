// OPT1006 "malformed number" (issue 38: documented, never emitted; `workers = 1e` gave OPT2006).
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../dsl/load.ts";
import { SYNTAX } from "../../codes/catalogue.ts";

const spec = (value: string) => `aggregator t {\n  workers = ${value}\n  precision = 8 bits\n}\n`;

describe("malformed numbers", () => {
  for (const [value, hint] of [
    ["1e", /exponent/],
    ["1e+", /exponent/],
    ["1.5.3", /decimal point/],
    ["4.", /decimal point/],
    ["0x10", /decimal/],
    ["0x", /decimal/],
    ["0b", /decimal/],
    ["1_", /underscores/],
  ] as const)
    it(`'${value}' is one OPT1006 at the number, nothing else there`, () => {
      const r = loadSpec("t.optinc", spec(value));
      expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([[SYNTAX.badNumber, 2, 13]]);
      expect(r.diagnostics[0]!.message).toBe(`malformed number '${value}'`);
      expect(r.diagnostics[0]!.hint).toMatch(hint);
    });

  it("numbers with units, exponents and digit groups are not malformed", () => {
    for (const text of [
      spec("4"),
      "aggregator t {\n  link { bandwidth = 800Gb/s  latency = 2.7e-6 s }\n}\n",
      "aggregator t {\n  workload { parameters = 23_712_932 }\n}\n",
      // 0 bytes: `B` is a unit, not a radix prefix.
      "aggregator t {\n  workload { gradient_size = 0B }\n}\n",
    ])
      expect(loadSpec("t.optinc", text).diagnostics.filter((d) => d.code === SYNTAX.badNumber)).toEqual([]);
  });
});
