// The "smaller things": -q decompose, README examples that match the files written, help examples,
// one set of limits for every command, and flags that would be silently ignored.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSane, inParallel, optinc, optincInProcess, ROOT } from "./harness.ts";
import { TINY, workspace, type Workspace } from "./fixtures.ts";
import { allreduce, AllreduceOptionsError } from "../../pipeline/allreduce/allreduce.ts";

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
});
afterAll(() => ws?.cleanup());

async function run(args: string[]) {
  const r = await optinc(args, { cwd: ws.dir });
  expectSane(r, args.join(" "));
  return r;
}

/** Ranges and values: the CLI's own parsing, run in this process (harness.ts, optincInProcess). */
async function accepts(args: string[]) {
  const r = await optincInProcess(args, { cwd: ws.dir });
  expectSane(r, args.join(" "));
  return r;
}

describe("smaller things", () => {
  it("-q decompose prints nothing (the files are its output)", async () => {
    const r = await run(["-q", "decompose", "u2.json", "-o", "q"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("");
    expect(readdirSync(ws.path("q")).sort()).toEqual(["u2.phases.csv", "u2.phases.json"]);
  });

  it("README and docs name emitted files as compile writes them (<aggregator name>.*)", () => {
    const names = readdirSync(join(ROOT, "examples"))
      .filter((f) => f.endsWith(".optinc"))
      .map((f) => /aggregator\s+(\S+)/.exec(readFileSync(join(ROOT, "examples", f), "utf8"))![1]!);
    const docs = [
      "README.md",
      ...readdirSync(join(ROOT, "docs"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
    ]
      .map((f) => readFileSync(join(ROOT, f), "utf8"))
      .join("\n");
    // A guide's own spec (`aggregator my_cluster { … }` in a code block) names its files too.
    names.push(...[...docs.matchAll(/^aggregator\s+(\w+)\s*\{/gm)].map((m) => m[1]!));
    const used = [...docs.matchAll(/out\/([A-Za-z0-9_-]+)\.(?:netlist\.json|report\.json|report\.html|phases\.json)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    for (const n of used) expect(names, `out/${n}.*`).toContain(n);
    expect(docs).not.toMatch(/export out\/paper-4x8\b/);
  });

  it("verify and allreduce --help show examples", async () => {
    for (const cmd of ["verify", "allreduce"]) {
      const r = await run([cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Examples:");
      expect(r.stdout).toMatch(new RegExp(`\\$ optinc ${cmd} `));
    }
  });

  it("export --neff / --wavelength / --length-phases with a format that ignores them: exit 2", async () => {
    for (const args of [
      ["--format", "yaml", "--neff", "2.3"],
      ["--format", "json", "--wavelength", "1310"],
      ["--format", "yaml", "--length-phases"],
      ["--format", "spi", "--neff", "2.3"],
    ]) {
      const r = await accepts(["export", "out", ...args, "-o", "exp"]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/error\[OPT0003\]: .*(only appl|applies only)/);
    }
    const ok = await accepts(["export", "out", "--format", "spi", "--length-phases", "--neff", "2.3", "-o", "exp"]);
    expect(ok.code).toBe(0);
  });
});

describe("one set of limits for the spec and every flag", () => {
  const spec = (line: string) => {
    const f = `lim-${Math.random().toString(36).slice(2)}.optinc`;
    writeFileSync(ws.path(f), TINY.replace("  levels    = 2\n", `  levels    = 2\n${line}\n`));
    return f;
  };

  it("workers: a spec takes 4096 and refuses 4097; allreduce executes 512 and refuses 513 unless it models", async () => {
    const w = (n: number) => {
      const f = `w${n}.optinc`;
      writeFileSync(ws.path(f), TINY.replace("workers   = 2", `workers   = ${n}`));
      return f;
    };
    expect((await accepts(["check", w(4096)])).code).toBe(0);
    expect((await accepts(["check", w(4097)])).code).toBe(1);
    expect((await accepts(["allreduce", "--workers", "512", "--exec-elements", "16", "--size", "64KB"])).code).toBe(0);
    expect((await accepts(["allreduce", "--workers", "513"])).code).toBe(2);
    expect((await accepts(["allreduce", "--workers", "16384", "--models", "all", "--size", "64KB"])).code).toBe(0);
    expect((await accepts(["allreduce", "--workers", "16385", "--models", "all"])).code).toBe(2);
  });

  it("DAC bits: 1..24 or none everywhere; 0 and 25 refused everywhere", async () => {
    const cases: [string[], number][] = [
      [["check", spec("  technology { dac_bits = 24 bits }")], 0],
      [["check", spec("  technology { dac_bits = 0 bits }")], 1],
      [["check", spec("  technology { dac_bits = 25 bits }")], 1],
      ...["0", "25"].flatMap((bits): [string[], number][] => [
        [["verify", "out", "--dac-bits", bits], 2],
        [["allreduce", "--netlist", "out", "--dac-bits", bits], 2],
        [["decompose", "u2.json", "--dac-bits", bits, "-o", "d"], 2],
      ]),
      [["verify", "out", "--dac-bits", "24", "--trials", "1"], 0],
      [["verify", "out", "--dac-bits", "none"], 0],
      [["allreduce", "--netlist", "out", "--dac-bits", "none", "--size", "16KB"], 0],
    ];
    const runs = await inParallel(
      cases.map(
        ([args]) =>
          () =>
            accepts(args),
      ),
    );
    cases.forEach(([args, code], i) => expect(runs[i]!.code, args.join(" ")).toBe(code));
  });

  it("seeds: 0..4294967295 for the spec, compile, verify and allreduce", async () => {
    const max = "4294967295";
    writeFileSync(ws.path("seedmax.optinc"), TINY.replace("seed = 3", `seed = ${max}`));
    writeFileSync(ws.path("seedover.optinc"), TINY.replace("seed = 3", "seed = 4294967296"));
    const cases: [string[], number[]][] = [
      [["check", "seedmax.optinc"], [0]],
      [["check", "seedover.optinc"], [1]],
      [["verify", "out", "--seed", max, "--phase-noise", "0.001", "--trials", "1"], [0]],
      [["allreduce", "--seed", max, "--workers", "4", "--exec-elements", "1024"], [0]],
      [["compile", "tiny.optinc", "--seed", "4294967296"], [2]],
      [["verify", "out", "--seed", "4294967296"], [2]],
      [["allreduce", "--seed", "4294967296"], [2]],
      // accepted (exit 1 would only mean that this seed trained inexactly)
      [
        ["compile", "tiny.optinc", "--seed", max, "-o", "seeded", "--no-evaluate"],
        [0, 1],
      ],
    ];
    const runs = await inParallel(
      cases.map(
        ([args]) =>
          () =>
            accepts(args),
      ),
    );
    cases.forEach(([args, codes], i) => {
      expect(codes, args.join(" ")).toContain(runs[i]!.code);
      if (codes.includes(0)) expect(runs[i]!.stderr).not.toMatch(/OPT0003/);
    });
  });
});

describe("allreduce executes the ring only where it can", () => {
  const o = {
    cwd: ".",
    nonIdeal: {},
    seed: 1,
    execElements: 16,
    blockSize: 16,
    link: { transceiverBps: 800e9, transceivers: 8, stepLatency: 2.7e-6 },
  };
  it("refuses to execute 513 workers, naming --models; the same count modelled runs", () => {
    expect(() => allreduce({ ...o, workers: [513] })).toThrow(AllreduceOptionsError);
    expect(() => allreduce({ ...o, workers: [513] })).toThrow(/runs at most 512: add --models all/);
    const r = allreduce({ ...o, workers: [513], models: "all", messageBytes: 65536 });
    expect(r.kind).not.toBe("not-compiled");
  });
});
