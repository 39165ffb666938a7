// The real bundle (built by globalSetup), run as users run it.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

function optinc(args: string[], env: Record<string, string> = {}) {
  const { PATH, HOME, SYSTEMROOT } = process.env;
  return spawnSync(process.execPath, ["bin/optinc.mjs", ...args], { cwd: ROOT, encoding: "utf8", env: { PATH, HOME, SYSTEMROOT, ...env } });
}

describe("optinc (spawned bundle)", () => {
  it("`optinc check examples/*.optinc examples/*.yaml` exits 0", () => {
    const files = readdirSync(join(ROOT, "examples"))
      .filter((f) => /\.(optinc|ya?ml)$/.test(f))
      .map((f) => `examples/${f}`);
    expect(files.length).toBeGreaterThanOrEqual(8);
    const r = optinc(["check", ...files]);
    expect(r.stderr).toContain(`${files.length} specs ok`);
    expect(r.status).toBe(0);
  });

  it("NO_COLOR is respected even with FORCE_COLOR set; --json prints exactly one document", () => {
    const bad = optinc(["check", "tests/dsl/__golden__/grammar.json"], { FORCE_COLOR: "1", NO_COLOR: "1" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toContain("\u001b[");
    const j = optinc(["--json", "check", "examples/paper-4x8.optinc"]);
    expect(j.status).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ schemaVersion: 2, ok: true, command: "check" });
  });
});
