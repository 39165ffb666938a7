// The seed papers' headline figures against what optinc prints. Every optinc figure here is read
// from the --json output of the very command the table shows, run in-process; the table is
// written into docs/studies/allreduce.md by scripts/headlines.ts and checked by tests/docs/headlines.test.ts.
import { main } from "../cli/main.ts";
import { sourceLabel } from "../system/models/sources.ts";

// biome-ignore lint/suspicious/noExplicitAny: the --json result, read by path
type Json = Record<string, any>;

/** Run `optinc allreduce <args> --json` in-process and return its result. */
export async function allreduceJson(args: readonly string[]): Promise<Json> {
  let out = "";
  let err = "";
  const io = {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env: { NO_COLOR: "1" },
    cwd: process.cwd(),
  };
  const code = await main(["allreduce", ...args, "--json"], io);
  if (code !== 0) throw new Error(`optinc allreduce ${args.join(" ")} exited ${code}: ${err}`);
  return JSON.parse(out).result as Json;
}

const VGG = ["--workers", "1024", "--bandwidth", "100Gb/s", "--transceivers", "1", "--workload", "vgg19"];
export const ODDL_PAPER = ["--models", "oddl,fat-tree,sip-ring", ...VGG, "--param", "fatTreeAlgorithm=ring"];
export const ODDL_BEST = ["--models", "oddl,fat-tree,sip-ring", ...VGG];
const WRHT_MODELS = "wrht,optical-rd,optical-ring,optical-ne,ring,recursive-doubling";
export const WRHT = [
  "--models",
  WRHT_MODELS,
  "--workers",
  "1024",
  "--size",
  "100MB",
  "--bandwidth",
  "100Gb/s",
  "--transceivers",
  "1",
  "--param",
  "opticalStripe=1",
];
export const WRHT_48 = [...WRHT, "--latency", "48us"];
export const OPTINC_RESNET = ["--workers", "4", "--workload", "resnet50-cifar100", "--compute-time", "0.448ms"];
export const OPTINC_LLAMA = ["--workers", "4", "--workload", "llama-8l-384", "--compute-time", "2.391ms"];

export interface Headline {
  claim: string;
  /** The paper's figure as printed, and as a number (a ratio, or a reduction in %). */
  paper: string;
  target: number;
  /** optinc's figure against the baseline the paper used. */
  figure: number;
  /** Against the best baseline on the same hardware (null: the paper's baseline is the best one). */
  best: number | null;
  unit: "×" | "%" | "of ring";
  command: string;
  /** The inputs that decide the figure, with their sources. */
  deciding: string;
  /** Whether the figure comes from sourced defaults only (else an assumption closes the gap). */
  sourced: boolean;
  /** What closes the gap when the figure is off (with the sweep that shows it). */
  explanation: string;
  /** Not sourced: the assumption under which the figure is printed. */
  assumes?: string;
}

const models = (r: Json) => r.comparison.rows[0].models as Record<string, { time: number }>;
const saves = (r: Json, base: string) => 100 * (1 - models(r).wrht!.time / models(r)[base]!.time);
/** WRHT against the fastest other model of the run. */
const savesVsBest = (r: Json) => {
  const others = Object.values(models(r)).filter((m) => m !== models(r).wrht);
  return 100 * (1 - models(r).wrht!.time / Math.min(...others.map((m) => m.time)));
};
const latencyRows = (r: Json) =>
  r.runs[0].latency.rows as { label: string; model: string; bits: number; total: number; normalized: number }[];

export async function headlines(): Promise<Headline[]> {
  const [oddlPaper, oddlBest, wrht, wrht48, resnet, llama] = await Promise.all(
    [ODDL_PAPER, ODDL_BEST, WRHT, WRHT_48, OPTINC_RESNET, OPTINC_LLAMA].map((a) => allreduceJson(a)),
  );
  const ratio = (r: Json, base: string) => models(r)[base]!.time / models(r).oddl!.time;
  const vsBest = (r: Json) => {
    const rows = latencyRows(r);
    const optinc = rows.at(-1)!;
    const best = Math.min(...rows.slice(0, -1).map((x) => x.total));
    return optinc.total / best;
  };
  const cmd = (a: readonly string[]) => `optinc allreduce ${a.join(" ")}`;
  const oddlDeciding = `N = 1024, 1 × 100 Gb/s (ODDL abstract); VGG19 (torchvision); α = 2.7 µs (${sourceLabel("stepLatency").split(":")[0]}: NCCL); ${sourceLabel("placement")}`;
  return [
    {
      claim: "ODDL vs fat-tree, VGG19, 1024 nodes, 100 Gb/s",
      paper: "1.6×",
      target: 1.6,
      figure: ratio(oddlPaper, "fat-tree"),
      best: ratio(oddlBest, "fat-tree"),
      unit: "×",
      command: cmd(ODDL_PAPER),
      deciding: `${oddlDeciding}; fat-tree k = 16, 1:1, 500 ns per link (ffsim-opera); the paper's baseline taken as ring all-reduce`,
      sourced: true,
      explanation:
        "the fat-tree's ring pays 2046 steps of α + 6 links × 500 ns per bucket; with NCCL's choice (best column) the gain shrinks",
    },
    {
      claim: "ODDL vs SiP-Ring, same setting",
      paper: "1.7×",
      target: 1.7,
      figure: ratio(oddlBest, "sip-ring"),
      best: null,
      unit: "×",
      command: cmd(ODDL_BEST),
      deciding: `${oddlDeciding}; SiP-Ring 4 λ/segment, 1 ms reconfiguration, ${sourceLabel("sipRingLiveTime")}`,
      sourced: true,
      explanation: "the reconfiguration duty decides it: traffic stops 1 ms in every 5 ms",
    },
    {
      claim: "WRHT vs an optical algorithm (taken as recursive doubling)",
      paper: "−80.81 %",
      target: 80.81,
      figure: saves(wrht, "optical-rd"),
      best: savesVsBest(wrht),
      unit: "%",
      command: cmd(WRHT),
      deciding: `N = 1024, W = 64, one λ per lightpath (Dai et al., §1.3), 100 Gb/s, 100 MB (assumed); ring losses ${sourceLabel("mrrThroughLossDb").split("(")[0].trim()}; cut-through regeneration (${sourceLabel("wrhtRegeneration").split(":")[0]}): a 3R regenerator costs α each`,
      sourced: true,
      explanation: "4 WRHT steps against 21 bandwidth rounds of RD; the loss budget binds (43 regenerations) but they cost only α each",
    },
    {
      claim: "WRHT vs an optical algorithm (taken as ring)",
      paper: "−64.36 %",
      target: 64.36,
      figure: saves(wrht48, "optical-ring"),
      best: savesVsBest(wrht48),
      unit: "%",
      command: cmd(WRHT_48),
      deciding:
        "α_o + t_r = 48 µs per step: what Dai et al.'s 64 MB Ring/RD crossover implies (§1.3, derived), not fitted here; at the default α = 2.7 µs WRHT loses to the ring (sweep below)",
      sourced: false,
      assumes: "α_o + t_r = 48 µs, the companion paper's crossover",
      explanation: "decided by the per-step overhead: the ring pays 2046 α, WRHT 4 α + regenerations (sweep below)",
    },
    {
      claim: "WRHT vs an optical algorithm (taken as neighbour exchange)",
      paper: "−82.12 %",
      target: 82.12,
      figure: saves(wrht48, "optical-ne"),
      best: savesVsBest(wrht48),
      unit: "%",
      command: cmd(WRHT_48),
      deciding: "as above; neighbour exchange needs N steps, half the ring's, so it is the harder baseline",
      sourced: false,
      explanation:
        "82.12 % against NE needs α ≈ 373 µs per step (sweep below), where the ring reduction would be 94 %; the abstract does not name the baselines",
    },
    {
      claim: "WRHT vs an electrical algorithm (taken as ring)",
      paper: "−92.42 %",
      target: 92.42,
      figure: saves(wrht48, "ring"),
      best: savesVsBest(wrht48),
      unit: "%",
      command: cmd(WRHT_48),
      deciding: `electrical rate = optical rate (${sourceLabel("electricalBps").split(":")[0]}), α as above`,
      sourced: false,
      explanation: "needs a slower electrical system: the electrical-rate sweep below",
    },
    {
      claim: "WRHT vs an electrical algorithm (taken as recursive doubling)",
      paper: "−91.31 %",
      target: 91.31,
      figure: saves(wrht48, "recursive-doubling"),
      best: savesVsBest(wrht48),
      unit: "%",
      command: cmd(WRHT_48),
      deciding: "as above",
      sourced: false,
      explanation: "needs a slower electrical system: the electrical-rate sweep below",
    },
    {
      claim: "OptINC latency, ResNet50/CIFAR-100, of ring",
      paper: "0.74",
      target: 0.74,
      figure: latencyRows(resnet).at(-1)!.normalized,
      best: vsBest(resnet),
      unit: "of ring",
      command: cmd(OPTINC_RESNET),
      deciding:
        "8 × 800 Gb/s, H100 60 TFLOP/s × 0.6, N = 4, 8-bit (paper §10); fp32 ring baseline (paper); compute 0.448 ms = torchvision ResNet-50 at 32×32 (0.084 GMAC) × 3 × 32 images per worker (global batch 128 over 4 workers: assumed)",
      sourced: false,
      assumes: "32 images of 32×32 per worker through torchvision ResNet-50",
      explanation:
        "decided by the compute per iteration: the preset's CIFAR-adapted ResNet-50 at 128 images per worker gives 0.992 (sweep below)",
    },
    {
      claim: "OptINC latency, LLaMA-based, of ring",
      paper: "0.83",
      target: 0.83,
      figure: latencyRows(llama).at(-1)!.normalized,
      best: vsBest(llama),
      unit: "of ring",
      command: cmd(OPTINC_LLAMA),
      deciding:
        "as above; compute 2.391 ms = one 512-token sequence per worker through the 8-layer, 384-wide model (6 × 28.0 M FLOP per token: assumed)",
      sourced: false,
      assumes: "one 512-token sequence per worker",
      explanation: "decided by the tokens per worker: 32 × 512 (the preset) gives 0.995 (sweep below)",
    },
  ];
}

/** The verdict: how close, and whether sourced defaults alone got there. */
export function verdict(h: Headline): string {
  const off = h.figure / h.target - 1;
  const band = Math.abs(off) <= 0.1 ? "±10 %" : Math.abs(off) <= 0.25 ? "±25 %" : null;
  const by = `${off >= 0 ? "+" : "−"}${Math.abs(100 * off).toFixed(1)} %`;
  if (band && h.sourced) return `**reproduced within ${band}** (${by}); no value fitted`;
  if (band) return `**explained**: within ${band} (${by}) with ${h.assumes}; ${h.explanation}`;
  return `**explained, not reproduced** (${by}): ${h.explanation}`;
}

const fmt = (h: Headline, x: number): string => (h.unit === "%" ? `${x.toFixed(2)} %` : h.unit === "×" ? `${x.toFixed(3)}×` : x.toFixed(4));

export function headlinesMarkdown(rows: Headline[]): string {
  const out = [
    "| Claim | Paper | optinc, against the paper's baseline | against the best baseline | Command | Deciding inputs (source) | Verdict |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const h of rows) {
    const best = h.best === null ? "same" : fmt(h, h.best);
    out.push(`| ${h.claim} | ${h.paper} | ${fmt(h, h.figure)} | ${best} | \`${h.command}\` | ${h.deciding} | ${verdict(h)} |`);
  }
  return out.join("\n");
}

export const START = "<!-- headlines:start (scripts/headlines.ts writes this table) -->";

/** The provenance line above each table of the block: the command and the commit measured at. */
export function provenance(commit: string): string {
  return `Regenerate: \`npx tsx scripts/headlines.ts\` · measured at \`${commit}\``;
}
export const END = "<!-- headlines:end -->";

/** The doc with the table between the markers replaced. */
export function spliceHeadlines(doc: string, table: string): string {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/studies/allreduce.md has no ${START} … ${END} block`);
  return `${doc.slice(0, a + START.length)}\n${table}\n${doc.slice(b)}`;
}
