// By default `compile` and `verify` print a short summary, like tsc: at most 6 lines of at most 100
// characters (what was built, exact or not, the yield against its target, where the report is).
// --verbose prints every detail line. The full tier compiles every example here; `npm test` checks
// the quick start's compile in tests/compile/closed-form-e2e.test.ts, which runs it anyway.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";
import { terseProblems } from "../helpers/terse.ts";
import { FULL } from "../helpers/tier.ts";

const examples = FULL
  ? readdirSync("examples")
      .filter((f) => f.endsWith(".optinc"))
      .map((f) => f.replace(/\.optinc$/, ""))
      .sort()
  : [];

describe("terse terminal summaries", () => {
  it("the check fails on a planted long line and on a seventh line", () => {
    expect(terseProblems(`a\n${"x".repeat(101)}\n`)).toHaveLength(1);
    expect(terseProblems("1\n2\n3\n4\n5\n6\n7\n")).toEqual(["7 lines"]);
    expect(terseProblems("1\n2\n3\n4\n5\n6\n")).toEqual([]);
  });

  for (const name of examples)
    it.skipIf(!FULL)(
      `compile examples/${name}.optinc prints ≤ 6 lines of ≤ 100 characters; verify too, and --verbose every detail`,
      async () => {
        const dir = join(mkdtempSync(join(tmpdir(), "optinc-terse-")), "out");
        const io = memoryIo();
        expect(await main(["compile", `examples/${name}.optinc`, "-o", dir], io)).toBe(0);
        expect(io.out()).toBe("");
        expect(terseProblems(io.err())).toEqual([]);
        expect(io.err()).toMatch(/exact: 100% of/);
        const aggregator = /aggregator\s+(\w+)/.exec(readFileSync(`examples/${name}.optinc`, "utf8"))![1]!;
        expect(io.err()).toContain(`report: ${join(dir, `${aggregator}.report.html`)}`);
        if (name === "paper-4x8-trained") return;
        expect(io.err()).toMatch(/yield at \w+: \d+\/\d+ chips exact \(95% CI [\d.]+–[\d.]+%\); target 99% at 95%: met/);
        const brief = memoryIo();
        expect(await main(["verify", dir], brief)).toBe(0);
        expect(terseProblems(brief.out())).toEqual([]);
        expect(brief.out()).toMatch(/ {2}PASS\n$/);
        const verbose = memoryIo();
        expect(await main(["verify", dir, "--verbose"], verbose)).toBe(0);
        // The detail is still there, and it is what the short form leaves out.
        expect(verbose.out()).toMatch(/^ {2}cell \S+ ×\d+: exact \d+\/\d+/m);
        expect(terseProblems(verbose.out())).not.toEqual([]);
      },
      // cluster-1024: its compile (about 160 s idle) and two verifies of 200,000 cases end to end
      // through 9,199 cell copies (about 120 s each); 921 s beside a KLayout check.
      1_800_000,
    );
});
