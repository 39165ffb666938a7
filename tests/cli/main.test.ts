import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";

describe("optinc shell", () => {
  it("--help exits 0 and lists global options", async () => {
    const io = memoryIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.out()).toContain("--json");
  });
  it("an unknown option is a usage error (exit 2)", async () => {
    const io = memoryIo();
    expect(await main(["--frobnicate"], io)).toBe(2);
    expect(io.err()).toContain("unknown option");
  });
});
