// The package as a user installs it: `npm pack` of the built tree, installed from the tarball into a
// fresh folder with no registry (an empty npm cache, --offline) and no install scripts. There the
// shipped CLI checks a shipped example, writes the starter spec with init, compiles it as written
// and verifies it, and a script imports the library and compiles the same spec (its result must
// equal the CLI's --json result, timing aside); a TypeScript file type-checks against the shipped
// declarations (the full tier). dist/ is built by tests/global-setup.ts.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FULL } from "../helpers/tier.ts";

const run = promisify(execFile);
const repo = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), "optinc-package-"));
const app = join(scratch, "app");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}
let packed: Packed;
const npm = (args: string[], cwd: string) =>
  run("npm", [...args, "--cache", join(scratch, "npm-cache"), "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd,
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
const optinc = (args: string[]) => run("npx", ["--offline", "optinc", ...args], { cwd: app, env: { ...process.env, OPTINC_JOBS: "1" } });

beforeAll(async () => {
  const { stdout } = await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], repo);
  packed = (JSON.parse(stdout) as Packed[])[0]!;
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  await npm(["install", "--offline", "--ignore-scripts", join(scratch, packed.filename)], app);
});

describe("npm pack", () => {
  it("ships the built CLI and library, the declarations, the examples, README and licence; no tests, no sources", () => {
    const paths = packed.files.map((f) => f.path);
    for (const p of ["bin/optinc.mjs", "dist/optinc.mjs", "dist/optinc-worker.mjs", "dist/index.mjs", "dist/index.d.ts", "dist/types.d.ts"])
      expect(paths).toContain(p);
    for (const p of [
      "dist/errors.d.ts",
      "dist/lab-types.d.ts",
      "dist/THIRD-PARTY-LICENSES.txt",
      "examples/paper-4x8.optinc",
      "README.md",
      "LICENSE",
    ])
      expect(paths).toContain(p);
    expect(paths.filter((p) => /(^|\/)tests?\/|\.test\.|(?<!\.d)\.ts$|\.map$/.test(p))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it("docs/reference/api.md states the tarball's size (within 15%) and its file count", () => {
    const doc = readFileSync(join(repo, "docs/reference/api.md"), "utf8");
    const m = /tarball of ([\d.]+) MB \(([\d.]+) MB unpacked, (\d+) files\)/.exec(doc);
    expect(m, "the size sentence").not.toBeNull();
    expect(Math.abs(Number(m![1]) * 1e6 - packed.size) / packed.size).toBeLessThan(0.15);
    expect(Math.abs(Number(m![2]) * 1e6 - packed.unpackedSize) / packed.unpackedSize).toBeLessThan(0.15);
    expect(Number(m![3])).toBe(packed.entryCount);
  });
});

describe("installed from the tarball", () => {
  let cliResult: { outDir: string; report: Record<string, unknown> };

  // The starter, not the quick start: it builds the same route = auto flat cells with their yield
  // trials in under half the time, and the quick start's compile is checked end to end elsewhere.
  it("npx optinc --version, checks a shipped example, writes the starter, compiles and verifies it: exit 0 each", async () => {
    expect((await optinc(["--version"])).stdout.trim()).toBe("0.1.0");
    await optinc(["check", "node_modules/optinc/examples/paper-4x8.optinc"]);
    await optinc(["init", "starter"]);
    const { stdout } = await optinc(["--json", "compile", "starter/starter.optinc", "-o", "cli-out"]);
    cliResult = JSON.parse(stdout).result;
    const v = await optinc(["verify", "cli-out"]);
    expect(v.stdout + v.stderr).toContain("PASS");
  });

  it("a script imports the API: the starter's result equals the CLI's and is exact, its yield target met; init writes the CLI's starter", async () => {
    writeFileSync(
      join(app, "script.mjs"),
      `import { compile, init, OptincError } from "optinc";
const starter = await compile({ spec: "starter/starter.optinc", out: "cli-out", env: { OPTINC_JOBS: "1" } });
const { file } = await init({ dir: "again" });
let code = null;
try { await compile({ spec: "nowhere.optinc" }); } catch (e) { code = e instanceof OptincError ? e.code : String(e); }
process.stdout.write(JSON.stringify({ starter, file, code }));
`,
    );
    const { stdout } = await run(process.execPath, ["script.mjs"], { cwd: app });
    const r = JSON.parse(stdout);
    const untimed = (x: { report: Record<string, unknown> }) => ({ ...x, report: { ...x.report, timing: null } });
    expect(untimed(r.starter)).toEqual(untimed(cliResult));
    expect(r.starter.report).toMatchObject({ ok: true, name: "starter", onn: { exactMatch: 1 } });
    const y = r.starter.report.yield;
    expect(y.trials).toBeGreaterThanOrEqual(100);
    expect(y.passing).toBe(y.trials);
    expect(y.target.verdict).toBe("met");
    expect(readFileSync(join(app, r.file), "utf8")).toBe(readFileSync(join(app, "starter/starter.optinc"), "utf8"));
    expect(r.code).toBe("OPT0001");
  });

  // About 10 s on a busy 2-core machine: the full tier (the build checks the declarations' imports).
  it.runIf(FULL)("a TypeScript file type-checks against the shipped declarations (exports → types)", async () => {
    writeFileSync(
      join(app, "typed.ts"),
      `import { compile, die, OptincError, type CompileResult, type ClosedFormReport, type DieResult } from "optinc";
const r: CompileResult = await compile({ spec: "a.optinc", out: "o", evaluate: false, signal: AbortSignal.timeout(1000) });
const exact: number = r.report.onn.exactMatch;
if (r.report.route === "closed-form") { const y: ClosedFormReport["yield"] = r.report.yield; console.log(y?.target.verdict); }
const e = new OptincError("compile", 1, []);
const d: Promise<DieResult> = die({ dir: "o", technology: "foundry", departure: ["crosstalk"] });
console.log(exact, e.code satisfies string, d);
// @ts-expect-error: an option compile does not take
await compile({ spec: "a.optinc", outDirectory: "o" });
`,
    );
    const tsc = join(repo, "node_modules/typescript/bin/tsc");
    const args = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022"];
    await run(process.execPath, [tsc, ...args, "--types", "node", "--typeRoots", join(repo, "node_modules/@types"), "typed.ts"], {
      cwd: app,
    });
  });
});
