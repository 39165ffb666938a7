// The compile resource estimate (pipeline/compile/estimate.ts): every bundled example is under the caps,
// an oversized network is refused with OPT2019 at network.hidden before any training, and a unit
// too large to train keeps the trainer's own error (OPT3002).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../dsl/load.ts";
import { compileSpec } from "../../pipeline/compile/trained.ts";
import { CompileError } from "../../compiler/errors.ts";

const ROOT = join(import.meta.dirname, "../..");

function refusal(text: string): CompileError | null {
  const r = loadSpec("e.optinc", text);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  try {
    // Stop at the first epoch: only the passes before training matter here.
    compileSpec(r.checked!, {
      onEpoch: () => {
        throw new Error("trained");
      },
    });
  } catch (e) {
    if (e instanceof CompileError) return e;
    expect((e as Error).message).toBe("trained");
  }
  return null;
}

describe("resource estimate", () => {
  // cluster-64, cluster-256 and cluster-1024 are left to route = auto (closed-form cells); as one trained unit their
  // reduced space is past what exhaustive training handles, and the trainer says so.
  const tooLarge = ["cluster-1024.optinc", "cluster-256.optinc", "cluster-64.optinc"];
  // cluster-16's four radix-2 levels, each trained as one unit, are estimated at over an hour.
  const overCap = ["cluster-16.optinc"];
  for (const f of readdirSync(join(ROOT, "examples")).filter((x) => x.endsWith(".optinc"))) {
    const says = tooLarge.includes(f)
      ? "is refused by the trainer (OPT3002)"
      : overCap.includes(f)
        ? "is refused by the estimate (OPT2019)"
        : "is under the caps (training starts)";
    it(`${f} ${says}`, () => {
      const e = refusal(readFileSync(join(ROOT, "examples", f), "utf8"));
      if (tooLarge.includes(f)) expect(e?.code).toBe("OPT3002");
      else if (overCap.includes(f)) expect(e?.code).toBe("OPT2019");
      else expect(e).toBeNull();
    });
  }
  it("hidden = [4096, 4096] is refused with OPT2019 at network.hidden", () => {
    const e = refusal("aggregator w {\n  network { hidden = [4096, 4096] }\n}\n");
    expect(e?.code).toBe("OPT2019");
    expect(e?.path).toBe("network.hidden");
    expect(e?.message).toMatch(/estimated to need [\d.]+ GB of memory/);
  });
});
