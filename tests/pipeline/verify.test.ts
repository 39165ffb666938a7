// pipeline/verify/verify.ts verifyTarget on the hand-built 2-worker circuit (exact for nearest-even): the
// golden average's rounding comes from report.json, else the circuit info, else the option, else
// nearest-even; a wrong rounding at any level makes verification fail, so each level is seen.
import { describe, expect, it } from "vitest";
import { verifyTarget, type VerifyTargetOptions } from "../../pipeline/verify/verify.ts";
import type { LoadedCircuit } from "../../verify/circuit/load.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { tinyCircuit } from "../verify/circuit/tiny-pipeline.ts";

function loaded(rounding: LoadedCircuit["rounding"], infoRounding?: string): LoadedCircuit {
  const c: Circuit = tinyCircuit();
  const info = { ...c.info };
  delete info.rounding;
  if (infoRounding) info.rounding = infoRounding;
  return {
    netlistPath: "/x/tiny.netlist.json",
    reportPath: null,
    circuit: { ...c, info },
    rounding,
    preprocess: null,
    technology: null,
    seed: null,
    identity: [],
  };
}

const base = (circuits: LoadedCircuit[], extra: Partial<VerifyTargetOptions> = {}): VerifyTargetOptions => ({
  circuits,
  target: "/x",
  shown: (p) => p.replace("/x/", "out/"),
  trials: 0,
  minExact: 1,
  minYield: 1,
  maxCases: 1000,
  receiver: "thresholds",
  ...extra,
});

describe("verifyTarget: the golden rounding, level by level", () => {
  it("nothing stated: nearest-even, the circuit's own rule, passes", () => {
    const r = verifyTarget(base([loaded(null)]));
    expect(r.pass).toBe(true);
    expect(r.messages).toEqual([]);
    expect(r.text).toMatch(/^verify out\/tiny\.netlist\.json: 2 inputs × 2 PAM-2 digits \(2 bit\), rounding nearest-even\n/);
  });

  it("the option applies when neither report nor info says (floor: fails, and the verdict names the file)", () => {
    const r = verifyTarget(base([loaded(null)], { rounding: "floor" }));
    expect(r.pass).toBe(false);
    expect(r.messages).toMatchObject([
      { kind: "verdict", code: "OPT6007", message: expect.stringMatching(/^out\/tiny\.netlist\.json: exact match/) },
    ]);
  });

  it("the circuit info beats the option, and report.json beats the info", () => {
    expect(verifyTarget(base([loaded(null, "nearest-even")], { rounding: "floor" })).pass).toBe(true);
    expect(verifyTarget(base([loaded(null, "floor")], { rounding: "nearest-even" })).pass).toBe(false);
    expect(verifyTarget(base([loaded("nearest-even", "floor")], { rounding: "floor" })).pass).toBe(true);
    expect(verifyTarget(base([loaded("floor", "nearest-even")])).pass).toBe(false);
  });

  it("an identity problem is a problem of its own (printed as a diagnostic), and no run happens", () => {
    const l = { ...loaded(null), identity: ["it was renamed"] };
    const r = verifyTarget(base([l]));
    expect(r.pass).toBe(false);
    expect(r.text).toBeNull();
    expect(r.messages).toMatchObject([
      {
        kind: "problem",
        code: "OPT6006",
        file: "out/tiny.netlist.json",
        line: 1,
        column: 1,
        message: "not the compiled circuit: it was renamed",
      },
    ]);
    expect(r.json).toMatchObject({ format: "optinc.verify/1", circuits: [] });
  });
});
