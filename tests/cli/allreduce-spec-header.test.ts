// `optinc allreduce --spec` states the link its models ran at: the spec's, under any link flag.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";

const SPEC = `aggregator my_cluster {
  workers   = 8
  precision = 8 bits
  levels    = 4
  link { bandwidth = 400 Gb/s  transceivers = 4  step_latency = 2.7 us }
  workload { compute_time = 120 ms  parameters = 25 M }
}
`;

async function header(args: string[]): Promise<string> {
  const io = memoryIo();
  expect(await main(["allreduce", "--workers", "4", "--size", "1MB", ...args], io), io.err()).toBe(0);
  return io.out().split("\n")[0]!;
}

describe("optinc allreduce --spec", () => {
  const file = join(mkdtempSync(join(tmpdir(), "optinc-ar-spec-")), "my.optinc");
  writeFileSync(file, SPEC);

  it("prints the spec's link in its header; a flag still overrides it", async () => {
    expect(await header(["--spec", file])).toContain("link 400.00 Gb/s × 4 · α = 2.70 µs");
    expect(await header(["--spec", file, "--transceivers", "2"])).toContain("link 400.00 Gb/s × 2");
    // Without the spec: the defaults (the planted fault: a header read from the flags alone says this).
    expect(await header([])).toContain("link 800.00 Gb/s × 8");
  });
});
