// "verify can be fooled": a netlist from another spec under the expected name, a renamed netlist,
// a netlist edited after compile, and `allreduce --netlist` with a wrong circuit. Each is exit 1
// with a one-line reason; the genuine output passes. What verify and allreduce decide is their own
// code, so the commands run through main in this process (harness.ts, optincInProcess).
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelope, expectSane, optincInProcess as optinc } from "./harness.ts";
import { workspace, type Workspace } from "./fixtures.ts";

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace();
});
afterAll(() => ws?.cleanup());

async function verify(dir: string, ...extra: string[]) {
  const r = await optinc(["--json", "verify", dir, ...extra], { cwd: ws.dir });
  expectSane(r, `verify ${dir}`);
  return { r, env: envelope(r) };
}

describe("verify checks identity", () => {
  it("the genuine compile output passes", async () => {
    const { r, env } = await verify("out");
    expect(r.code).toBe(0);
    expect(env).toMatchObject({ ok: true, command: "verify", diagnostics: [] });
  });

  it("a netlist from another spec dropped in under the expected name fails (exit 1, OPT6006)", async () => {
    const dir = ws.copyOut("foreign");
    copyFileSync(join(ws.other, "other.netlist.json"), join(dir, "tiny.netlist.json"));
    const { r, env } = await verify("foreign");
    expect(r.code).toBe(1);
    expect(env.ok).toBe(false);
    expect(env.diagnostics.map((d) => d.code)).toContain("OPT6006");
    expect(env.diagnostics.map((d) => d.message).join("\n")).toMatch(/from spec "other" but report\.json is for "tiny"/);
    // text mode: one line per reason, file:line:col first
    const text = await optinc(["verify", "foreign"], { cwd: ws.dir });
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/^foreign\/tiny\.netlist\.json:1:1: error\[OPT6006\]: not the compiled circuit: /m);
  });

  it("a renamed netlist fails", async () => {
    const dir = ws.copyOut("renamed");
    renameSync(join(dir, "tiny.netlist.json"), join(dir, "paper_4x8.netlist.json"));
    const { r, env } = await verify("renamed");
    expect(r.code).toBe(1);
    expect(env.diagnostics[0]!.message).toMatch(/named paper_4x8\.netlist\.json but holds unit tiny.*renamed/);
  });

  it("a netlist whose unit function was edited after compile fails", async () => {
    const dir = ws.copyOut("edited");
    const p = join(dir, "tiny.netlist.json");
    writeFileSync(p, readFileSync(p, "utf8").replace('"unit_divisor": 2', '"unit_divisor": 1'));
    const { r, env } = await verify("edited");
    expect(r.code).toBe(1);
    expect(env.diagnostics.map((d) => d.message).join("\n")).toMatch(/does not compute the unit function its info\.unit_hash names/);
  });

  it("a malformed info block is a located error naming the key (OPT6005), not a stack trace", async () => {
    const dir = ws.copyOut("malformed");
    const p = join(dir, "tiny.netlist.json");
    writeFileSync(p, readFileSync(p, "utf8").replace('"unit_divisor": 2', '"unit_divisor": 0'));
    const { r, env } = await verify("malformed");
    expect(r.code).toBe(1);
    expect(env.diagnostics).toMatchObject([
      {
        code: "OPT6005",
        file: "malformed/tiny.netlist.json",
        message: expect.stringMatching(/info unit_\* settings must be integers \(unit_divisor ≥ 1\), got 2, 2, 0/),
      },
    ]);
  });

  it("a report whose unit list names a netlist that is missing fails", async () => {
    const dir = ws.copyOut("missing");
    const p = join(dir, "tiny.report.json");
    const report = JSON.parse(readFileSync(p, "utf8"));
    report.onn.units.push({ ...report.onn.units[0], file: "tiny.L2" });
    writeFileSync(p, JSON.stringify(report));
    const { r, env } = await verify("missing");
    expect(r.code).toBe(1);
    expect(env.diagnostics[0]!.message).toMatch(/tiny\.report\.json lists unit tiny\.L2\.netlist\.json, missing from the directory/);
  });
});

describe("allreduce --netlist", () => {
  it("a circuit with wrong phases: verify fails and allreduce exits 1 instead of printing a speed-up as success", async () => {
    const dir = ws.copyOut("wrong");
    const p = join(dir, "tiny.netlist.json");
    writeFileSync(p, readFileSync(p, "utf8").replace(/"phi":[-0-9.e]+/g, '"phi":0'));
    const v = await verify("wrong");
    expect(v.r.code).toBe(1);
    expect(v.env.diagnostics.map((d) => d.code)).toEqual(["OPT6007"]);
    const a = await optinc(["--json", "allreduce", "--netlist", "wrong/tiny.netlist.json", "--size", "64KB"], { cwd: ws.dir });
    expectSane(a, "allreduce wrong circuit");
    expect(a.code).toBe(1);
    const env = envelope(a);
    expect(env.diagnostics[0]).toMatchObject({ code: "OPT7001", severity: "error" });
    expect(env.diagnostics[0]!.message).toMatch(/not exact: \d+ of \d+ aggregated values differ/);
    const allowed = await optinc(["allreduce", "--netlist", "wrong/tiny.netlist.json", "--size", "64KB", "--allow-inexact"], {
      cwd: ws.dir,
    });
    expectSane(allowed, "allreduce --allow-inexact");
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/warning\[OPT7001\]/);
  });

  it("a circuit the simulator cannot run (a coupling outside [0, 1]) is an input error for verify and allreduce, not exit 70", async () => {
    const dir = ws.copyOut("unphysical");
    const p = join(dir, "tiny.netlist.json");
    writeFileSync(p, readFileSync(p, "utf8").replace(/"coupling":[-0-9.e]+/, '"coupling":-0.5'));
    for (const args of [
      ["verify", "unphysical/tiny.netlist.json"],
      ["allreduce", "--netlist", "unphysical/tiny.netlist.json", "--size", "4KB"],
    ]) {
      const r = await optinc(args, { cwd: ws.dir });
      expectSane(r, args.join(" "));
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(
        /^unphysical\/tiny\.netlist\.json:1:1: error\[OPT6005\]: instance "[^"]+" \(coupler\): coupler power coupling -0\.5 is outside \[0, 1\]/m,
      );
    }
  });

  it("the genuine circuit is exact: exit 0", async () => {
    const a = await optinc(["allreduce", "--netlist", "out/tiny.netlist.json", "--size", "64KB"], { cwd: ws.dir });
    expectSane(a, "allreduce genuine");
    expect(a.code).toBe(0);
    expect(a.stdout).toContain("OptINC speed-up");
  });

  it("a foreign netlist under the expected name is refused before any simulation", async () => {
    const dir = ws.copyOut("foreign2");
    copyFileSync(join(ws.other, "other.netlist.json"), join(dir, "tiny.netlist.json"));
    rmSync(join(dir, "tiny.phases.json"));
    const a = await optinc(["allreduce", "--netlist", "foreign2/tiny.netlist.json"], { cwd: ws.dir });
    expectSane(a, "allreduce foreign");
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/error\[OPT6006\]/);
  });
});
