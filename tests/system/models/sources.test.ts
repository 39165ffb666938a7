// Every default cost-model input names its source (paper, public simulator code, datasheet,
// literature, a derivation) or is labelled an assumption with a sweep beside it
// (system/models/sources.ts). The test fails if a default loses its label.
import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL_INPUTS, parseModelParams } from "../../../system/models/params.ts";
import { PARAM_SOURCES, sourceLabel, type ParamSource } from "../../../system/models/sources.ts";

const KINDS = ["paper", "simulator", "datasheet", "literature", "derived", "assumption"];

/** What is wrong with a table of sources against the defaults (empty: nothing). */
function problems(defaults: object, sources: Record<string, ParamSource | undefined>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(defaults)) {
    const s = sources[key];
    if (!s) {
      out.push(`${key}: no source`);
      continue;
    }
    if (!KINDS.includes(s.kind)) out.push(`${key}: unknown kind ${s.kind}`);
    if (s.source.trim().length < 8) out.push(`${key}: source label too short`);
    if (s.kind === "assumption") {
      if (!s.sweep?.length) out.push(`${key}: assumption without a sweep`);
      for (const v of s.sweep ?? []) {
        try {
          parseModelParams(`${key}=${v}`);
        } catch (e) {
          out.push(`${key}: sweep value ${v} is not a valid --param (${(e as Error).message})`);
        }
      }
    } else if (s.sweep) out.push(`${key}: a sourced value carries a sweep`);
  }
  for (const key of Object.keys(sources)) if (!(key in defaults)) out.push(`${key}: source of no default`);
  return out;
}

describe("sourced defaults (system/models/sources.ts)", () => {
  it("every default has a source label or is an assumption with a sweep", () => {
    expect(problems(DEFAULT_MODEL_INPUTS, PARAM_SOURCES)).toEqual([]);
  });

  it("the check fails when a default loses its label, or an assumption its sweep", () => {
    const { sipRingLiveTime: _, ...dropped } = PARAM_SOURCES;
    expect(problems(DEFAULT_MODEL_INPUTS, dropped)).toEqual(["sipRingLiveTime: no source"]);
    const bare = { ...PARAM_SOURCES, placement: { kind: "assumption" as const, source: "a guess worth stating" } };
    expect(problems(DEFAULT_MODEL_INPUTS, bare)).toEqual(["placement: assumption without a sweep"]);
    const blank = { ...PARAM_SOURCES, hopLatency: { kind: "datasheet" as const, source: "" } };
    expect(problems(DEFAULT_MODEL_INPUTS, blank)).toEqual(["hopLatency: source label too short"]);
  });

  it("the SiP-Ring live time is ffsim-opera's n_nondelay = 4 delays of 1 ms (duty 0.8)", () => {
    expect(DEFAULT_MODEL_INPUTS.sipRingLiveTime).toBe(4 * DEFAULT_MODEL_INPUTS.sipRingReconfigTime);
    expect(PARAM_SOURCES.sipRingLiveTime.kind).toBe("simulator");
    expect(sourceLabel("sipRingLiveTime")).toMatch(/n_nondelay = 4/);
  });

  it("the WRHT ring losses come from DSENT's photonics model; the unrecovered powers are assumptions", () => {
    for (const k of ["mrrThroughLossDb", "mrrDropLossDb", "couplingLossDb", "photodetectorLossDb", "waveguideLossDbPerM"] as const)
      expect(sourceLabel(k)).toMatch(/^literature: DSENT/);
    for (const k of ["laserPowerDbm", "receiverSensitivityDbm"] as const) expect(sourceLabel(k)).toMatch(/^assumption \(sweep /);
  });
});
