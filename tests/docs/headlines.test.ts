// docs/studies/allreduce.md §4: the headline table and its sweeps are what scripts/headlines.ts writes,
// recomputed here by running every command in-process; the ODDL figures must reproduce within
// ±25 % with sourced defaults, and every other row must carry a verdict.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  END,
  headlines,
  headlinesMarkdown,
  provenance,
  START,
  spliceHeadlines,
  verdict,
  type Headline,
} from "../../scripts/headlines-core.ts";
import { electricalSweep, IMAGES, oddlSweep, optincSweep, sweepsMarkdown, wrhtAlphaSweep } from "../../scripts/headlines-sweeps.ts";
import { FULL } from "../helpers/tier.ts";

const doc = readFileSync("docs/studies/allreduce.md", "utf8");
const guide = readFileSync("docs/guide/allreduce.md", "utf8");
/** The block's provenance lines with their commit replaced by one placeholder (the tables are what is compared). */
const anyCommit = (s: string) => s.replace(/(Regenerate: `npx tsx scripts\/headlines\.ts` · measured at `)[0-9a-f]{7}`/g, "$1xxxxxxx`");

/** A markdown table with only the value columns `keep` picks (the label column always stays). */
function keepColumns(table: string, keep: (i: number) => boolean): string {
  return table
    .split("\n")
    .map((line) => {
      const cells = line.replace(/^\||\|$/g, "").split("|");
      const kept = [cells[0]!, ...cells.slice(1).filter((_, i) => keep(i))];
      return line.startsWith("|---") ? `|${kept.map(() => "---").join("|")}|` : `|${kept.join("|")}|`;
    })
    .join("\n");
}

describe("docs/studies/allreduce.md: the seed headlines", () => {
  let rows: Headline[] = [];
  it("the block between the markers is what the script writes now", async () => {
    rows = await headlines();
    expect(doc.indexOf(START)).toBeLessThan(doc.indexOf(END));
    if (FULL) {
      const block = `${provenance("xxxxxxx")}\n\n${headlinesMarkdown(rows)}\n\n${await sweepsMarkdown("xxxxxxx")}`;
      expect(spliceHeadlines(anyCommit(doc), block)).toBe(anyCommit(doc));
      return;
    }
    // npm test: the table and the model sweeps whole, each under its provenance line; of the OptINC
    // sweep, whose every column runs the datapath (about a second each), the first and last columns
    // of each table.
    expect(anyCommit(doc)).toContain(`${START}\n${provenance("xxxxxxx")}\n\n${headlinesMarkdown(rows)}\n`);
    for (const sweep of [oddlSweep, wrhtAlphaSweep, electricalSweep])
      expect(anyCommit(doc)).toContain(`\n${provenance("xxxxxxx")}\n\n${await sweep()}\n`);
    const ends = (n: number) => (i: number) => i === 0 || i === n - 1;
    const [resnet, llama] = (await optincSweep(ends(IMAGES.length))).split("\n\n");
    const docBlock = anyCommit(doc).slice(doc.indexOf("| ResNet-50 at 32×32"), doc.indexOf(END)).trim();
    const parts = docBlock.split("\n\n");
    expect(parts[1]).toBe(provenance("xxxxxxx"));
    const [docResnet, docLlama] = [parts[0]!, parts[2]!].map((t) => keepColumns(t, ends(IMAGES.length)));
    expect(resnet).toBe(docResnet);
    expect(llama).toBe(docLlama);
  }, 120_000);

  it("the sampled comparison of the OptINC sweep fails on a doctored cell", () => {
    const table = "| a | 1 | 2 | 3 |\n|---|---|---|---|\n| b | 0.1 | 0.2 | 0.3 |";
    expect(keepColumns(table, (i) => i !== 1)).toBe("| a | 1 | 3 |\n|---|---|---|\n| b | 0.1 | 0.3 |");
    expect(keepColumns(table.replace("0.3", "0.4"), (i) => i !== 1)).not.toBe(keepColumns(table, (i) => i !== 1));
  });

  it("ODDL vs fat-tree and vs SiP-Ring at 1024 nodes, 100 Gb/s, VGG19 reproduce within ±25 % with sourced defaults", () => {
    const oddl = rows.filter((r) => r.claim.startsWith("ODDL"));
    expect(oddl).toHaveLength(2);
    for (const r of oddl) {
      expect(r.sourced).toBe(true);
      expect(Math.abs(r.figure / r.target - 1)).toBeLessThanOrEqual(0.25);
      expect(verdict(r)).toMatch(/^\*\*reproduced within ±(10|25) %\*\*/);
      expect(r.command).not.toMatch(/sipRingLiveTime|placement=|fatTreeOversubscription/);
    }
  });

  it("WRHT's five reductions and OptINC's two ratios each carry a verdict, and an explanation where not sourced", () => {
    expect(rows.filter((r) => r.claim.startsWith("WRHT"))).toHaveLength(5);
    expect(rows.filter((r) => r.claim.startsWith("OptINC"))).toHaveLength(2);
    for (const r of rows) {
      expect(verdict(r)).toMatch(/^\*\*(reproduced within ±(10|25) %|explained|explained, not reproduced)\*\*/);
      if (!r.sourced) expect(r.explanation.length).toBeGreaterThan(20);
    }
  });

  it("a verdict follows the distance to the paper's figure", () => {
    const h: Headline = {
      claim: "x",
      paper: "1",
      target: 1,
      figure: 1.05,
      best: null,
      unit: "×",
      command: "",
      deciding: "",
      sourced: true,
      explanation: "e: f",
    };
    expect(verdict(h)).toMatch(/within ±10 %/);
    expect(verdict({ ...h, figure: 1.2 })).toMatch(/within ±25 %/);
    expect(verdict({ ...h, figure: 1.5 })).toMatch(/^\*\*explained, not reproduced\*\*/);
    expect(verdict({ ...h, sourced: false, assumes: "a" })).toMatch(/^\*\*explained\*\*: within ±10 % \(\+5\.0 %\) with a/);
  });
});

describe("docs/guide/allreduce.md §3: the chart", () => {
  it("docs/img/allreduce-chart.svg is what the documented command writes", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { main } = await import("../../cli/main.ts");
    const { memoryIo } = await import("../helpers/io.ts");
    const m =
      /optinc allreduce (--models all --workers 64,1024 --parameters 350e6 --compute-time 180ms \\\n\s+--bandwidth 100Gb\/s --transceivers 1 --iterations 100000) --chart docs\/img\/allreduce-chart\.svg/.exec(
        guide,
      );
    expect(m, "the chart command in §3").not.toBeNull();
    const args = m![1]!.replace(/\\\n\s+/, " ").split(/\s+/);
    const out = join(mkdtempSync(join(tmpdir(), "optinc-chart-")), "c.svg");
    expect(await main(["allreduce", ...args, "--chart", out, "--quiet"], memoryIo())).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(readFileSync("docs/img/allreduce-chart.svg", "utf8"));
    expect(guide).toContain("![Iteration time and energy per model for a 350 M-parameter model](../img/allreduce-chart.svg)");
  }, 60_000);
});
