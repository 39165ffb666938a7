// In-process tests of check / fmt / grammar through main(argv, io).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "optinc-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const BAD = "aggregator bad {\n  workers = 4\n  precision = 7 bits\n  link { bandwidth = 800 Gbps }\n}\n";

describe("optinc check", () => {
  it("accepts every example (.optinc and .yaml) with exit 0", async () => {
    const io = memoryIo({ NO_COLOR: "1" }, ROOT);
    const files = ["paper-4x8", "paper-4x16", "cluster-16", "eight-workers"].flatMap((n) => [`examples/${n}.optinc`, `examples/${n}.yaml`]);
    expect(await main(["check", ...files], io)).toBe(0);
    expect(io.err()).toContain("8 specs ok");
    expect(io.out()).toBe("");
  });

  it("exit 1 with rendered diagnostics for spec errors", async () => {
    const io = memoryIo();
    expect(await main(["check", file("bad.optinc", BAD)], io)).toBe(1);
    expect(io.err()).toContain("bad.optinc:3:15: error[OPT2008]");
    expect(io.err()).toContain("bad.optinc:4:26: error[OPT2006]");
    expect(io.err()).toContain("  = hint: did you mean 'Gb/s'?");
    expect(io.err()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("reports options of the other route (OPT3004, OPT3005) as located warnings with a caret, as compile does", async () => {
    const closed = file(
      "route.optinc",
      "aggregator r {\n  workers = 3\n  precision = 4 bits\n  network { hidden = [8] }\n  training { seed = 2  epochs = 3 }\n  mesh = reck\n}\n",
    );
    let io = memoryIo({ NO_COLOR: "1" }, dir);
    expect(await main(["check", "route.optinc"], io)).toBe(0);
    const lines = io.err().split("\n");
    expect(lines.filter((l) => /warning\[OPT300\d\]/.test(l))).toEqual([
      "route.optinc:4:13: warning[OPT3005]: network.hidden does not apply to route = auto (it builds closed-form cells)",
      "route.optinc:5:24: warning[OPT3005]: training.epochs does not apply to route = auto (it builds closed-form cells)",
      "route.optinc:6:3: warning[OPT3005]: mesh does not apply to route = auto (it builds closed-form cells)",
    ]);
    // The caret underlines the key; training.seed applies to both routes and is not reported.
    expect(io.err()).toContain("4 |   network { hidden = [8] }\n  |             ^^^^^^\n");
    expect(io.err()).not.toContain("training.seed");
    const trained = file(
      "dac.optinc",
      "aggregator d {\n  workers = 3\n  precision = 4 bits\n  route = trained\n  training { dac_bits = 8 bits }\n}\n",
    );
    io = memoryIo({ NO_COLOR: "1" }, dir);
    expect(await main(["--json", "check", trained], io)).toBe(0);
    expect(JSON.parse(io.out()).diagnostics).toMatchObject([
      {
        code: "OPT3004",
        severity: "warning",
        line: 5,
        column: 14,
        length: 8,
        message: expect.stringContaining("training.dac_bits is not used by the trainer yet"),
      },
    ]);
    // The same spec on the closed-form route says dac_bits does not apply there instead.
    io = memoryIo({ NO_COLOR: "1" }, dir);
    expect(
      await main(
        ["--json", "check", file("dac2.optinc", readFileSync(trained, "utf8").replace("route = trained", "route = closed-form"))],
        io,
      ),
    ).toBe(0);
    expect(JSON.parse(io.out()).diagnostics.map((d: { code: string }) => d.code)).toEqual(["OPT3005"]);
    void closed;
  });

  it("paths in diagnostics are as the user typed them (relative to cwd)", async () => {
    file("rel.optinc", BAD);
    const io = memoryIo({ NO_COLOR: "1" }, dir);
    expect(await main(["check", "rel.optinc"], io)).toBe(1);
    expect(io.err()).toMatch(/^rel\.optinc:3:15: error\[OPT2008\]/m);
  });

  it("exit 2 for a missing file, an unknown extension, or no arguments", async () => {
    for (const args of [["check", join(dir, "nope.optinc")], ["check", file("x.txt", "")], ["check"]]) {
      const io = memoryIo();
      expect(await main(args, io), args.join(" ")).toBe(2);
    }
  });

  it("--quiet hides notes and warnings but keeps errors", async () => {
    const warn = file("warn.optinc", "aggregator w {\n  workers = 4\n  cascade { radix = 4 }\n}\n");
    let io = memoryIo();
    expect(await main(["--quiet", "check", warn], io)).toBe(0);
    expect(io.err()).toBe("");
    io = memoryIo();
    expect(await main(["check", warn], io)).toBe(0);
    expect(io.err()).toContain("warning[OPT2016]");
    io = memoryIo();
    expect(await main(["-q", "check", file("bad2.optinc", BAD)], io)).toBe(1);
    expect(io.err()).toContain("error[OPT2008]");
    expect(io.err()).not.toContain("failed:");
  });
});

describe("--json envelope", () => {
  it("one JSON document on stdout with the diagnostics; nothing else on stdout", async () => {
    const io = memoryIo();
    const code = await main(["--json", "check", file("bad3.optinc", BAD), join(ROOT, "examples/paper-4x8.optinc")], io);
    expect(code).toBe(1);
    const env = JSON.parse(io.out());
    expect(io.out().trimEnd().split("\n").at(-1)).toBe("}");
    expect(env).toMatchObject({ schemaVersion: 2, ok: false, command: "check" });
    expect(env.diagnostics.map((d: { code: string }) => d.code)).toEqual(["OPT2008", "OPT2006"]);
    for (const d of env.diagnostics)
      expect(Object.keys(d).sort()).toEqual(expect.arrayContaining(["code", "column", "file", "line", "message", "severity"]));
    expect(env.result.specs).toEqual([
      { file: join(dir, "bad3.optinc"), ok: false },
      {
        file: join(ROOT, "examples/paper-4x8.optinc"),
        ok: true,
        name: "paper_4x8",
        spec: expect.objectContaining({ name: "paper_4x8", workers: 4, link: expect.objectContaining({ bandwidth: 800e9 }) }),
      },
    ]);
    expect(io.err()).toBe(""); // --json puts nothing human-readable on stderr for spec errors
  });

  it("ok: true and no colour codes for a valid spec", async () => {
    const io = memoryIo({ FORCE_COLOR: "1" });
    expect(await main(["--json", "check", join(ROOT, "examples/cluster-16.yaml")], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ schemaVersion: 2, ok: true, command: "check", diagnostics: [] });
    expect(io.out()).not.toContain("\u001b[");
  });

  it("usage errors still produce one JSON document (exit 2)", async () => {
    const io = memoryIo();
    expect(await main(["--json", "fmt"], io)).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({
      schemaVersion: 2,
      ok: false,
      command: "fmt",
      diagnostics: [{ code: "OPT0003", severity: "error" }],
      result: null,
    });
  });
});

describe("colour", () => {
  const run = async (env: Record<string, string>, args: string[] = []) => {
    const io = memoryIo(env);
    await main([...args, "check", file("c.optinc", BAD)], io);
    return io.err().includes("\u001b[");
  };
  it("FORCE_COLOR turns colour on; NO_COLOR (non-empty) turns it off; flags win over both", async () => {
    expect(await run({ FORCE_COLOR: "1" })).toBe(true);
    expect(await run({ FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
    expect(await run({ FORCE_COLOR: "1", NO_COLOR: "" })).toBe(true);
    expect(await run({ FORCE_COLOR: "1" }, ["--no-color"])).toBe(false);
    expect(await run({ NO_COLOR: "1" }, ["--color"])).toBe(true);
    expect(await run({})).toBe(false); // not a TTY
  });
});

describe("optinc fmt", () => {
  const messy = "aggregator   m{workers=4  # four\nlevels=4}\n";
  it("prints the canonical form on stdout", async () => {
    const io = memoryIo();
    expect(await main(["fmt", file("m.optinc", messy)], io)).toBe(0);
    expect(io.out()).toBe("aggregator m {\n  workers = 4  # four\n  levels  = 4\n}\n");
  });
  it("--check exits 1 when the file is not formatted, 0 when it is", async () => {
    const p = file("m2.optinc", messy);
    expect(await main(["fmt", "--check", p], memoryIo())).toBe(1);
    expect(await main(["fmt", "--write", p], memoryIo())).toBe(0);
    expect(readFileSync(p, "utf8")).toBe("aggregator m {\n  workers = 4  # four\n  levels  = 4\n}\n");
    expect(await main(["fmt", "--check", p], memoryIo())).toBe(0);
    expect(await main(["check", p], memoryIo())).toBe(0);
  });
  it("syntax errors stop fmt with exit 1 and a diagnostic", async () => {
    const io = memoryIo();
    expect(await main(["fmt", file("s.optinc", "aggregator m {\n  workers = \n")], io)).toBe(1);
    expect(io.err()).toContain("error[OPT1003]");
    expect(io.out()).toBe("");
  });
  it("formats YAML specs too", async () => {
    const io = memoryIo();
    expect(await main(["fmt", file("y.yaml", "aggregator:   y\nworkers:    4   # four\n")], io)).toBe(0);
    expect(io.out()).toBe("aggregator: y\nworkers: 4 # four\n");
  });
});

describe("optinc grammar", () => {
  it("-o writes a self-contained HTML file; --json reports its sha256", async () => {
    const out = join(dir, "g", "grammar.html");
    const io = memoryIo();
    expect(await main(["--json", "grammar", "-o", out], io)).toBe(0);
    const env = JSON.parse(io.out());
    expect(env).toMatchObject({
      schemaVersion: 2,
      ok: true,
      command: "grammar",
      result: { artifacts: [{ kind: "grammar-html", path: out }] },
    });
    expect(env.result.artifacts[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("<!DOCTYPE html>");
    expect(html).not.toMatch(/https?:\/\//);
    expect(existsSync(`${out}.${process.pid}.tmp`)).toBe(false);
  });
  it("without -o prints the HTML on stdout", async () => {
    const io = memoryIo();
    expect(await main(["grammar"], io)).toBe(0);
    expect(io.out()).toMatch(/^<!-- optinc grammar/);
  });
});

describe("--help", () => {
  for (const cmd of ["check", "fmt", "grammar"]) {
    it(`${cmd} --help shows an example`, async () => {
      const io = memoryIo();
      expect(await main([cmd, "--help"], io)).toBe(0);
      expect(io.out()).toContain("Examples:");
      expect(io.out()).toContain(`$ optinc`);
    });
  }
  it("the top-level help lists exit codes", async () => {
    const io = memoryIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.out()).toContain("Exit codes:");
  });
});
