// "Multi-file output is not all-or-nothing" and "Exit 70 for user errors" (output paths): every
// writing command checks its output path before any work and commits its whole output set at once;
// on failure the directory is byte-identical to before. The checks are the commands' own, so the
// cases run `main` in this process (harness.ts); the read-only directory, checked as another user,
// spawns the bundle.
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelope, expectSane, optinc, optincInProcess, snapshot } from "./harness.ts";
import { workspace, type Workspace } from "./fixtures.ts";

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace();
  writeFileSync(
    ws.path("u2.json"),
    JSON.stringify([
      [0, 1],
      [1, 0],
    ]),
  );
  writeFileSync(ws.path("a-file"), "not a directory\n");
});
afterAll(() => ws?.cleanup());

describe("all-or-nothing output", () => {
  it("a compile whose output set cannot be committed leaves the earlier compile intact (exit 2, OPT0005)", async () => {
    const target = ws.copyOut("blocked");
    rmSync(ws.path("blocked", "tiny.spi"));
    mkdirSync(ws.path("blocked", "tiny.spi")); // a directory where a file must go
    const before = snapshot(target);
    const r = await optincInProcess(["--json", "compile", "tiny.optinc", "-o", "blocked", "--no-evaluate"], { cwd: ws.dir });
    expectSane(r, "compile into blocked dir");
    expect(r.code).toBe(2);
    expect(envelope(r).diagnostics.map((d) => d.code)).toContain("OPT0005");
    expect(snapshot(target)).toEqual(before);
  });

  it("a successful compile replaces the previous output set and leaves no staging folder", async () => {
    const target = ws.copyOut("again");
    writeFileSync(ws.path("again", "tiny.report.html"), "stale");
    const r = await optincInProcess(["compile", "tiny.optinc", "-o", "again", "--no-evaluate"], { cwd: ws.dir });
    expectSane(r, "compile again");
    expect(r.code).toBe(0);
    expect(readFileSync(ws.path("again", "tiny.report.html"), "utf8")).not.toBe("stale");
    expect(snapshot(target).filter((l) => l.includes("optinc-"))).toEqual([]);
  });
});

describe("output paths are checked before any work (exit 2 at once, never 70)", () => {
  const cases: [string, string[]][] = [
    ["compile -o <existing file>", ["compile", "slow.optinc", "-o", "a-file", "--force"]],
    ["compile -o <path under a file>", ["compile", "slow.optinc", "-o", "a-file/sub", "--force"]],
    ["compile -o /proc/x", ["compile", "slow.optinc", "-o", "/proc/x", "--force"]],
    ["decompose -o /proc/x", ["decompose", "u2.json", "-o", "/proc/x"]],
    ["decompose -o /sys/kernel", ["decompose", "u2.json", "-o", "/sys/kernel"]],
    ["export -o <existing file>", ["export", "out", "--format", "yaml", "-o", "a-file"]],
    ["grammar -o <a directory>", ["grammar", "-o", "out"]],
    ["grammar -o /dev/null", ["grammar", "-o", "/dev/null"]],
  ];
  for (const [what, args] of cases) {
    it(what, async () => {
      const before = snapshot(ws.dir);
      const r = await optincInProcess(["--json", ...args], { cwd: ws.dir });
      expectSane(r, what);
      expect(r.code, r.stderr).toBe(2);
      expect(r.ms).toBeLessThan(3000); // at once: no training, no decomposition
      expect(envelope(r).diagnostics[0]!.code).toBe("OPT0004");
      expect(snapshot(ws.dir)).toEqual(before);
    });
  }

  it("compile -o <read-only directory> (checked as an unprivileged user when run as root)", async () => {
    const ro = ws.path("ro");
    mkdirSync(ro);
    chmodSync(ws.dir, 0o755);
    chmodSync(ro, 0o555);
    const asRoot = process.getuid?.() === 0;
    const r = await optinc(["compile", "slow.optinc", "-o", "ro", "--force"], { cwd: ws.dir, ...(asRoot ? { uid: 65534 } : {}) });
    expectSane(r, "compile -o read-only");
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/error\[OPT0004\]: output directory 'ro' is not writable \(EACCES\)/);
  });
});

describe("fmt --write", () => {
  it("follows a symlink (the link stays, its target is rewritten) and keeps the file mode", async () => {
    writeFileSync(ws.path("messy.optinc"), "aggregator   m{workers=4}\n");
    chmodSync(ws.path("messy.optinc"), 0o640);
    symlinkSync("messy.optinc", ws.path("link.optinc"));
    const r = await optincInProcess(["fmt", "--write", "link.optinc"], { cwd: ws.dir });
    expectSane(r, "fmt --write link");
    expect(r.code).toBe(0);
    const snap = snapshot(ws.dir);
    expect(snap).toContain("link.optinc -> messy.optinc");
    expect(snap.find((l) => l.startsWith("messy.optinc "))).toMatch(/^messy\.optinc 640 /);
    expect(readFileSync(ws.path("messy.optinc"), "utf8")).toBe("aggregator m {\n  workers = 4\n}\n");
  });
});
