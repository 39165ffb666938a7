// The sweeps beside the headline table (docs/studies/allreduce.md): each cell is read from the --json
// output of the headline's command with one flag or --param changed, run in-process.
import { allreduceJson, ODDL_BEST, OPTINC_LLAMA, OPTINC_RESNET, provenance, WRHT } from "./headlines-core.ts";

// biome-ignore lint/suspicious/noExplicitAny: the --json result, read by path
type Json = Record<string, any>;

const times = (r: Json) => r.comparison.rows[0].models as Record<string, { time: number }>;
const pct = (x: number) => `${x.toFixed(2)} %`;

/** Replace (or add) one flag's value in an argument list. */
export function withFlag(args: readonly string[], flag: string, value: string): string[] {
  const out = [...args];
  const i = out.indexOf(flag);
  if (i >= 0) out[i + 1] = value;
  else out.push(flag, value);
  return out;
}

/** Add entries to the --param list of an argument list. */
function withParam(args: readonly string[], entry: string): string[] {
  const i = args.indexOf("--param");
  return i >= 0 ? withFlag(args, "--param", `${args[i + 1]},${entry}`) : [...args, "--param", entry];
}

export async function wrhtAlphaSweep(): Promise<string> {
  const alphas = ["2.7us", "10us", "48us", "100us", "200us", "373us"];
  const bases = ["optical-rd", "optical-ring", "optical-ne", "ring", "recursive-doubling"];
  const rows = [
    `| WRHT saves, against | ${alphas.map((a) => `α = ${a.replace("us", " µs")}`).join(" | ")} |`,
    `|---|${alphas.map(() => "---").join("|")}|`,
  ];
  const runs = await Promise.all(alphas.map((a) => allreduceJson(withFlag(WRHT, "--latency", a))));
  for (const b of bases) rows.push(`| ${b} | ${runs.map((r) => pct(100 * (1 - times(r).wrht!.time / times(r)[b]!.time))).join(" | ")} |`);
  return rows.join("\n");
}

export async function electricalSweep(): Promise<string> {
  const rates = ["100Gb/s", "25Gb/s", "10Gb/s", "5Gb/s", "2.5Gb/s"];
  const base = withFlag(WRHT, "--latency", "48us");
  const runs = await Promise.all(rates.map((e) => allreduceJson(withFlag(base, "--electrical-bandwidth", e))));
  const rows = [
    `| WRHT saves (α = 48 µs), against | ${rates.map((e) => `electrical ${e}`).join(" | ")} |`,
    `|---|${rates.map(() => "---").join("|")}|`,
  ];
  for (const b of ["ring", "recursive-doubling"])
    rows.push(`| electrical ${b} | ${runs.map((r) => pct(100 * (1 - times(r).wrht!.time / times(r)[b]!.time))).join(" | ")} |`);
  return rows.join("\n");
}

export async function oddlSweep(): Promise<string> {
  const cases: [string, string[]][] = [
    ["defaults (fat-tree: best algorithm)", ODDL_BEST],
    ["`fatTreeAlgorithm=ring` (the paper's baseline)", withParam(ODDL_BEST, "fatTreeAlgorithm=ring")],
    ["`fatTreeAlgorithm=hierarchical`", withParam(ODDL_BEST, "fatTreeAlgorithm=hierarchical")],
    ["`fatTreeAlgorithm=halving-doubling`", withParam(ODDL_BEST, "fatTreeAlgorithm=halving-doubling")],
    ["`placement=random` (ring)", withParam(ODDL_BEST, "placement=random,fatTreeAlgorithm=ring")],
    ["`fatTreeOversubscription=2` (ring)", withParam(ODDL_BEST, "fatTreeOversubscription=2,fatTreeAlgorithm=ring")],
    ["`sipRingLiveTime=0.01` (duty 0.909)", withParam(ODDL_BEST, "sipRingLiveTime=0.01")],
    ["`sipRingLiveTime=0.002` (duty 0.667)", withParam(ODDL_BEST, "sipRingLiveTime=0.002")],
    ["`--transceivers 8` (OptINC's 8 × 100 Gb/s)", withFlag(ODDL_BEST, "--transceivers", "8")],
    ["`--param baselineBits=16` (bf16 gradients everywhere)", withParam(ODDL_BEST, "baselineBits=16")],
  ];
  const runs = await Promise.all(cases.map(([, a]) => allreduceJson(a)));
  const rows = ["| Change to the best-baseline command | fat-tree / ODDL | SiP-Ring / ODDL |", "|---|---|---|"];
  runs.forEach((r, i) => {
    const m = times(r);
    rows.push(
      `| ${cases[i]![0]} | ${(m["fat-tree"]!.time / m.oddl!.time).toFixed(3)} | ${(m["sip-ring"]!.time / m.oddl!.time).toFixed(3)} |`,
    );
  });
  return rows.join("\n");
}

/** The compute points of the OptINC sweep; each is one allreduce run that executes its datapath. */
export const IMAGES = [8, 16, 32, 64, 128];
export const TOKENS = [256, 512, 1024, 4096, 16384];

/** The OptINC sweep's tables; `keep` picks columns (by index) to run and print, every one by default. */
export async function optincSweep(keep: (i: number) => boolean = () => true): Promise<string> {
  const norm = (r: Json) => (r.runs[0].latency.rows as { normalized: number }[]).at(-1)!.normalized.toFixed(4);
  // ResNet-50 at 32×32: 0.084 GMAC forward, × 2 FLOP × 3 (training) per image at 36 TFLOP/s.
  const images = IMAGES.filter((_, i) => keep(i));
  const perImage = (0.084e9 * 2 * 3) / 36e12;
  const resnet = await Promise.all(
    images.map((k) => allreduceJson(withFlag(OPTINC_RESNET, "--compute-time", `${(k * perImage * 1e3).toFixed(4)}ms`))),
  );
  // LLaMA-8L-384: 6 × 28 023 168 FLOP per token at 36 TFLOP/s.
  const tokens = TOKENS.filter((_, i) => keep(i));
  const perToken = (6 * 28_023_168) / 36e12;
  const llama = await Promise.all(
    tokens.map((k) => allreduceJson(withFlag(OPTINC_LLAMA, "--compute-time", `${(k * perToken * 1e3).toFixed(4)}ms`))),
  );
  return [
    `| ResNet-50 at 32×32, images per worker | ${images.join(" | ")} |`,
    `|---|${images.map(() => "---").join("|")}|`,
    `| compute | ${images.map((k) => `${(k * perImage * 1e3).toFixed(4)} ms`).join(" | ")} |`,
    `| OptINC / ring | ${resnet.map(norm).join(" | ")} |`,
    "",
    `| LLaMA-8L-384, tokens per worker | ${tokens.join(" | ")} |`,
    `|---|${tokens.map(() => "---").join("|")}|`,
    `| compute | ${tokens.map((k) => `${(k * perToken * 1e3).toFixed(4)} ms`).join(" | ")} |`,
    `| OptINC / ring | ${llama.map(norm).join(" | ")} |`,
  ].join("\n");
}

/** Every sweep, as the markdown that follows the headline table; each table under its provenance line (measured at `commit`). */
export async function sweepsMarkdown(commit: string): Promise<string> {
  const [alpha, electrical, oddl, optinc] = await Promise.all([wrhtAlphaSweep(), electricalSweep(), oddlSweep(), optincSweep()]);
  const line = provenance(commit);
  const [resnet, llama] = optinc.split("\n\n");
  return [
    "ODDL (the best-baseline command with one change):",
    "",
    line,
    "",
    oddl,
    "",
    "WRHT against the per-step overhead α (the first WRHT command with `--latency` changed):",
    "",
    line,
    "",
    alpha,
    "",
    "WRHT against the electrical systems' rate (`--latency 48us --electrical-bandwidth …`):",
    "",
    line,
    "",
    electrical,
    "",
    "OptINC against the compute per iteration (the OptINC commands with `--compute-time` changed; same FLOP rate):",
    "",
    line,
    "",
    resnet,
    "",
    line,
    "",
    llama,
  ].join("\n");
}
