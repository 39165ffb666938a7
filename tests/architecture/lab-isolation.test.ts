// The calibration from readings must not leak the truth it estimates (issue #23): the code under
// compiler/calibrate/lab/ sees readings and powers only. This check follows every import from
// there, transitively, and fails when it reaches a die reader or model (netlist/die*.ts) — the
// fixture case shows it does.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const FORBIDDEN = /^netlist\/die(-file|-fab-file|-fab-draw|-fab-technology|-draws)\.ts$/;

/** Every repo file reachable by relative imports from the .ts files under `dir` (repo-relative paths). */
function reachable(root: string, dir: string): Set<string> {
  const seen = new Set<string>();
  const stack = readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(root, dir, f));
  while (stack.length) {
    const file = stack.pop()!;
    const rel = relative(root, file);
    if (seen.has(rel)) continue;
    seen.add(rel);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:import|export)[^"']*?from\s+["'](\.[^"']+)["']/g)) stack.push(resolve(dirname(file), m[1]!));
  }
  return seen;
}

const leaks = (root: string, dir: string): string[] => [...reachable(root, dir)].filter((f) => FORBIDDEN.test(f)).sort();

const scratch = mkdtempSync(join(tmpdir(), "optinc-lab-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("calibration from readings cannot read the die", () => {
  it("compiler/calibrate/lab/ reaches no netlist/die*.ts", () => {
    expect(reachable(repo, "compiler/calibrate/lab").size).toBeGreaterThan(0);
    expect(leaks(repo, "compiler/calibrate/lab")).toEqual([]);
  });

  it("fails on a lab file that reaches the die reader through another module", () => {
    const files: Record<string, string> = {
      "compiler/calibrate/lab/fit.ts": 'import { helper } from "../helper.ts";\n',
      "compiler/calibrate/helper.ts": 'export { readFabDieFile as helper } from "../../netlist/die-fab-file.ts";\n',
      "netlist/die-fab-file.ts": "export const readFabDieFile = 1;\n",
    };
    for (const [p, t] of Object.entries(files)) {
      mkdirSync(dirname(join(scratch, p)), { recursive: true });
      writeFileSync(join(scratch, p), t);
    }
    expect(leaks(scratch, "compiler/calibrate/lab")).toEqual(["netlist/die-fab-file.ts"]);
  });
});
