// docs/reference/netlists.md's figures from the code: the monitor photodiodes of paper-4x8's cells (the
// compiled files' count) and the --length-phases defaults (netlist/formats/spice-dialect.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HEATER_LENGTH_UM } from "../../netlist/heater.ts";
import { basePeriods, DEFAULT_LENGTH_ENCODING, periodUm } from "../../netlist/formats/spice-dialect.ts";
import { missingClaims } from "../../scripts/robustness-core.ts";
import { compiledVariant, flatPam4 } from "../helpers/examples.ts";

const doc = readFileSync("docs/reference/netlists.md", "utf8");

describe("docs/reference/netlists.md figures", () => {
  it("paper-4x8's cells carry the monitor photodiodes their compile places", () => {
    const n = (d: string) => compiledVariant("paper-4x8", flatPam4).report.cells.find((c) => c.design === `paper_4x8.${d}`)!.monitors.count;
    const claim = `paper-4x8's flat PAM-4 cells carry ${n("add0")} (add0), ${n("add1")} (add1) and ${n("divide0")} (divide0).`;
    expect(missingClaims(doc, [claim])).toEqual([]);
    expect(missingClaims(doc.replace(`carry ${n("add0")} (add0)`, "carry 97 (add0)"), [claim])).toEqual([claim]);
  });

  it("--length-phases: n_eff, λ, m, P and the length range", () => {
    const e = DEFAULT_LENGTH_ENCODING;
    const P = periodUm(e);
    const m = basePeriods(e);
    expect(e.minLengthUm).toBe(HEATER_LENGTH_UM);
    const claims = [
      `the smallest with \`m·P ≥ ${HEATER_LENGTH_UM} µm\``,
      `with \`n_eff = ${e.neff}\` (500 × 220 nm Si strip, TE, no dispersion) and \`λ = ${e.wavelength * 1e9} nm\``,
      `Defaults: \`m = ${m}\`, \`P = ${P.toFixed(4)} µm\`, so every length lies in [${(m * P).toFixed(3)}, ${((m + 1) * P).toFixed(3)}) µm`,
    ];
    expect(missingClaims(doc, claims)).toEqual([]);
  });
});
