// "Ctrl-C is ignored while training": SIGINT and SIGTERM stop any command within a second — mid-
// training, mid-simulation, mid-decomposition — exit 130/143 with one line, and leave the output
// directory byte-identical (no new file, no hidden staging folder).
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelope, expectSane, optinc, snapshot, type Run } from "./harness.ts";
import { workspace, type Workspace } from "./fixtures.ts";

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace();
});
afterAll(() => ws?.cleanup());

function expectInterrupted(r: Run, code: 130 | 143, what: string): void {
  expectSane(r, what);
  expect(r.code, `${what}\n${r.stderr}`).toBe(code);
  expect(r.msAfterSignal!, what).toBeLessThan(1000);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines.at(-1)).toMatch(/^optinc: interrupted by SIG(INT|TERM); nothing was written$/);
}

describe("interrupts", () => {
  it("SIGINT in the middle of training: exit 130 within 1 s, the earlier compile in -o untouched", async () => {
    const target = ws.copyOut("int-train");
    const before = snapshot(target);
    const r = await optinc(["--verbose", "compile", "slow.optinc", "-o", "int-train", "--force"], {
      cwd: ws.dir,
      signal: "SIGINT",
      afterStderr: "train…",
      signalAfterMs: 1500,
    });
    expectInterrupted(r, 130, "compile slow (SIGINT)");
    expect(r.stderr).toContain("train…"); // the training pass had started 1.5 s before
    expect(snapshot(target)).toEqual(before);
    expect(snapshot(ws.dir).filter((l) => /optinc-staging|optinc-replaced|optinc-probe|\.tmp/.test(l))).toEqual([]);
  });

  it("SIGTERM in the middle of training into a new directory: exit 143, the directory never appears", async () => {
    const r = await optinc(["--json", "compile", "slow.optinc", "-o", "term-new/deeper", "--force"], {
      cwd: ws.dir,
      signal: "SIGTERM",
      afterStderr: "",
      signalAfterMs: 1200,
    });
    expectInterrupted(r, 143, "compile slow (SIGTERM)");
    const env = envelope(r);
    expect(env).toMatchObject({ ok: false, command: "compile", diagnostics: [{ code: "OPT0009" }], result: null });
    expect(snapshot(ws.path("term-new"))).toEqual([".: missing"]);
  });

  it("SIGINT in the middle of a Monte-Carlo simulation (verify)", async () => {
    const before = snapshot(ws.out);
    const r = await optinc(["verify", "out", "--phase-noise", "0.01", "--trials", "100000"], {
      cwd: ws.dir,
      signal: "SIGINT",
      afterCpuMs: 1500,
    });
    expectInterrupted(r, 130, "verify 100000 trials");
    expect(snapshot(ws.out)).toEqual(before);
  });

  it("SIGTERM in the middle of a 256×256 SVD decomposition", async () => {
    const n = 256;
    const rows = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => Math.sin(i * 7 + j * 13 + 1).toFixed(6)).join(","),
    );
    writeFileSync(ws.path("w256.csv"), `${rows.join("\n")}\n`);
    const before = snapshot(ws.dir);
    // once it has used 0.9 s of CPU (the decomposition takes some 4.7 s of it): well inside it however loaded the machine
    const r = await optinc(["decompose", "w256.csv"], { cwd: ws.dir, signal: "SIGTERM", afterCpuMs: 900 });
    expectInterrupted(r, 143, "decompose 256x256");
    expect(snapshot(ws.dir)).toEqual(before);
  });
});
