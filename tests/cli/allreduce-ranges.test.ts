// allreduce numeric options (issue 38): every quantity and --param value is finite and in its
// documented range (1e400us, 1e400Gb/s, wavelengths=0 and opticalStripe=0 used to print NaN tables
// and `ok: true` beside null times); a --json run that succeeds holds finite figures only.
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { nonFiniteAt } from "../../cli/envelope.ts";
import { IO } from "../../codes/catalogue.ts";
import { memoryIo } from "../helpers/io.ts";

async function run(
  args: string[],
): Promise<{ code: number; doc: { ok: boolean; diagnostics: { code: string; message: string }[]; result: unknown } }> {
  const io = memoryIo();
  const code = await main(["--json", "allreduce", "--workers", "4", "--exec-elements", "1024", ...args], io);
  return { code, doc: JSON.parse(io.out()) };
}

describe("allreduce refuses numbers out of range", () => {
  const refused: [string[], RegExp][] = [
    [["--latency", "1e400us"], /--latency: "1e400us" is out of range/],
    [["--bandwidth", "1e400Gb/s"], /--bandwidth: "1e400Gb\/s" is out of range/],
    [["--bandwidth", "1e-400Gb/s"], /--bandwidth must be positive/],
    [["--size", "1e400MB"], /--size: "1e400MB" is out of range/],
    [["--param", "wavelengths=0"], /wavelengths: "0" is out of range; it must be an integer ≥ 1/],
    [["--param", "opticalStripe=0"], /opticalStripe: "0" is out of range/],
    [["--param", "radix=1"], /radix: "1" is out of range; it must be an integer ≥ 2/],
    [["--param", "placementTrials=2.5"], /placementTrials: "2.5" is out of range/],
    [["--param", "fatTreeOversubscription=0"], /fatTreeOversubscription: "0" is out of range; it must be a number > 0/],
    [["--param", "hopLatency=1e400"], /hopLatency: "1e400" is not a non-negative number/],
    [["--electrical-bandwidth", "0Gb/s"], /--electrical-bandwidth must be positive/],
    [["--param", "electricalBps=0"], /electricalBps: "0" is out of range; it must be a number > 0/],
    [["--param", "baselineBits=0"], /baselineBits: "0" is out of range; it must be an integer in 1\.\.64/],
    // Ceilings that keep a run bounded: 1e7 placement trials ran for minutes, a fat-tree radix of
    // 100000 was an internal error (exit 70) allocating its hosts.
    [
      ["--param", "placement=random,placementTrials=10000000"],
      /placementTrials: "10000000" is out of range; it must be an integer in 1\.\.100/,
    ],
    [["--param", "fatTreeRadix=100000"], /fatTreeRadix: "100000" is out of range; it must be an integer in 2\.\.256/],
    // The one seed range (dsl/limits.ts SEED).
    [["--param", "seed=4294967296"], /seed: "4294967296" is out of range; it must be an integer in 0\.\.4294967295/],
  ];
  for (const [args, message] of refused)
    it(`${args.join(" ")}: exit 2, ok false, ${IO.usage}`, async () => {
      const { code, doc } = await run(args);
      expect(code).toBe(2);
      expect(doc.ok).toBe(false);
      expect(doc.diagnostics[0]!.code).toBe(IO.usage);
      expect(doc.diagnostics[0]!.message).toMatch(message);
    });

  it("a successful run holds finite figures only", async () => {
    for (const args of [
      [],
      ["--latency", "0us"],
      ["--latency", "1e300s"],
      ["--param", "wavelengths=1,opticalStripe=1"],
      ["--param", "placementTrials=100,fatTreeRadix=256,seed=4294967295,baselineBits=64,electricalBps=1e9"],
    ]) {
      const { code, doc } = await run(args);
      expect(code, args.join(" ")).toBe(0);
      expect(doc.ok).toBe(true);
      expect(nonFiniteAt(doc.result), args.join(" ")).toBeNull();
    }
  });

  it("nonFiniteAt names the first NaN or infinite number", () => {
    expect(nonFiniteAt({ a: [1, { b: Number.NaN }] })).toBe("a[1].b");
    expect(nonFiniteAt({ a: [1, 2], c: "x", d: null })).toBeNull();
    expect(nonFiniteAt(Number.POSITIVE_INFINITY)).toBe(".");
  });
});
