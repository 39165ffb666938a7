// Hostile inputs of `optinc verify`: the codes of a target that cannot be verified at all, each
// from an input — a missing path (OPT6001), a directory without netlists (OPT6002), a report that
// is not JSON (OPT6003, at its own line and in words), a netlist over the size limit (OPT6008,
// refused from its size without reading it: a sparse 300 MB file) — with the documented exit code
// and the file named (relative to the working directory, as verify names files). The untouched
// directory verifies (the cases can fail).
import { closeSync, mkdirSync, openSync, readFileSync, ftruncateSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { compiledVariants, expectRefused, runJson } from "./compiled-variants.ts";
import { snapshot } from "./harness.ts";

describe("hostile verify targets: each code from an input", async () => {
  const { at, out, variant } = await compiledVariants("optinc-verify-hostile-");
  const report = "cf.report.json";
  const cutReport = variant("cut-report", report, (t) => t.slice(0, Math.floor(t.length / 2)));
  mkdirSync(at("empty"));
  mkdirSync(at("big"));
  const big = at("big", "x.netlist.json");
  const fd = openSync(big, "w");
  ftruncateSync(fd, 300 * 1024 * 1024);
  closeSync(fd);

  const lines = (f: string): number => readFileSync(f, "utf8").split("\n").length;
  const cases = [
    { what: "a path that does not exist", target: at("missing"), exit: 2, code: "OPT6001", file: at("missing"), message: /no such file/ },
    {
      what: "a directory without netlists",
      target: at("empty"),
      exit: 2,
      code: "OPT6002",
      file: at("empty"),
      message: /no \*\.netlist\.json/,
    },
    {
      what: "a truncated report.json",
      target: cutReport,
      exit: 1,
      code: "OPT6003",
      file: join(cutReport, report),
      message: /^not valid JSON: the file ends .*truncated/,
      line: lines(join(cutReport, report)),
    },
    {
      what: "a netlist over the size limit",
      target: at("big"),
      exit: 1,
      code: "OPT6008",
      file: big,
      message: /314572800 bytes, more than the 256 MB limit/,
    },
  ];

  it("the compiled directory itself verifies (the cases below start from a valid input)", async () => {
    const before = snapshot(out);
    const r = await runJson("verify", [out]);
    expect(r.code, r.err).toBe(0);
    expect(snapshot(out)).toEqual(before);
  });

  for (const c of cases)
    it(`${c.what}: exit ${c.exit}, ${c.code} at its file`, async () => {
      const r = await runJson("verify", [c.target]);
      // verify names files relative to the working directory (cli/commands/verify.ts).
      const file = relative(process.cwd(), c.file) || c.file;
      const d = expectRefused(r, { ...c, file });
      expect(d.message).not.toContain(`${file}:`);
    });
});
