// Inputs of the all-reduce cost models, with defaults and where each default comes from.
// Sources are the sections of ../shared/reference/allreduce-models.md (“§”) and the OptINC
// reconstruction (optinc-paper.md). Units are SI: bytes, bytes/s, seconds, metres.
import { SEED } from "../../dsl/limits.ts";
import { PLUGGABLE_PJ, SWITCH_ASIC_PJ } from "../../dsl/technology.ts";

/**
 * The quick start's chip per input bit without ingress and egress, pJ: thermo-optic shifters, 264
 * lasers of 25 mW (tests/system/allreduce-energy.test.ts recomputes it from a compile).
 */
export const QUICK_START_CHIP_PJ = 31.15;

export interface ModelInputs {
  /** N, servers taking part. */
  workers: number;
  /** M, fp32 gradient bytes per worker (the message every baseline all-reduces). */
  messageBytes: number;
  /** Per-transceiver line rate, bits/s. Default 800 Gb/s (OptINC setup, paper §10.1 [Q1]). */
  transceiverBps: number;
  /** Transceivers per server. Default 8 (paper §10.1 [Q1]). */
  transceivers: number;
  /**
   * Electrical injection rate per server for the electrical baselines (ring, RD, Rabenseifner,
   * tree, SHARP, fat-tree), bits/s. Default null = the optical server rate (transceivers × line
   * rate): equal injection bandwidth, the comparison every seed paper makes.
   */
  electricalBps: number | null;
  /**
   * Bits per gradient element the baselines carry (32 fp32, 16 bf16, 8 fp8). Default 32: the
   * OptINC paper's ring baseline all-reduces fp32 gradients. OptINC carries `bits`.
   */
  baselineBits: number;
  /** α: per-step software/NIC latency, s. Default 2.7 µs (NCCL ring LL network step, §3.3). */
  stepLatency: number;
  /** Per switch hop, s. Default 130 ns (IB HDR port-to-port, §3.5). */
  hopLatency: number;
  /** γ: endpoint reduction cost, s/byte. Default 3 / 3.35 TB/s (H100 HBM; read 2 + write 1) [derived]. */
  reduceSecondsPerByte: number;
  /** Worker ↔ aggregator fibre, m; propagation 5 ns/m (§3.5). */
  fiberLength: number;
  /** q: bits per element on the OptINC path (8 or 16 in the paper). */
  bits: number;
  /** W: wavelengths per fibre and direction for the optical baselines. Default 64 (PULSE, §3.5). */
  wavelengths: number;
  /**
   * k: wavelengths striped per lightpath in the optical endpoint baselines. Default null =
   * min(transceivers, W) (all of a server's transceivers); 1 is Dai et al.'s setting (§1.3).
   */
  opticalStripe: number | null;
  /** t_r: optical reconfiguration charged per step that needs one. Default 3 ns (EO-MZI, §3.5). */
  reconfigTime: number;
  /** t_ONN: optical aggregator latency per unit. Default 10 ns (placeholder upper end, §5.1). */
  onnLatency: number;
  /** t_OEO: O/E/O + SerDes/FEC at the aggregator boundary. Default 100 ns [derived placeholder]. */
  oeoLatency: number;
  /** OptINC unit radix: N > radix needs a cascade of ⌈log_radix N⌉ levels (paper §5.4). */
  radix: number;
  /** Switch radix of the SHARP-like aggregation tree. Default 64 (NDR Quantum-2 class). */
  switchRadix: number;
  /** Pipeline chunk of the double binary tree. Default 512 KiB [derived; NCCL uses 256 kB–1 MB]. */
  treeChunkBytes: number;
  /** Seed of the models that draw placements or ECMP hashes (fat-tree, random placement). */
  seed: number;

  // WRHT (system/models/wrht.ts; seed-systems.md §2.1). Loss figures in dB, powers in dBm.
  /** k_rx: receivers of a group representative. Default null = one drop ring + PD per wavelength and direction (2W) [derived]. */
  wrhtReceivers: number | null;
  /** Rings a through signal passes at every node. Default null = 2W (one drop ring per wavelength and direction) [derived]. */
  ringsPerNode: number | null;
  /** Laser power per wavelength. Default 10 dBm [assumption: no sourced value recovered, seed-systems §4]. */
  laserPowerDbm: number;
  /** Receiver sensitivity. Default −15 dBm [assumption: no sourced value recovered, seed-systems §4]. */
  receiverSensitivityDbm: number;
  /** Power margin kept in the budget. Default 3 dB [assumption]. */
  lossMarginDb: number;
  /** Modulator insertion loss. Default 1 dB [assumption, DSENT's magnitude for passive parts]. */
  modulatorLossDb: number;
  /** Per fibre–chip coupling, counted twice (off the sender's chip, onto the receiver's). Default 1 dB (DSENT coupler). */
  couplingLossDb: number;
  /** Per off-resonance (through) microring. Default 0.01 dB (DSENT Photonics.model). */
  mrrThroughLossDb: number;
  /** Drop into the receiver's ring. Default 1.0 dB (DSENT Photonics.model). */
  mrrDropLossDb: number;
  /** Photodetector loss. Default 1 dB (DSENT Photonics.model). */
  photodetectorLossDb: number;
  /** Waveguide loss. Default 100 dB/m (DSENT Photonics.model). */
  waveguideLossDbPerM: number;
  /** On-chip bus waveguide a signal crosses per node passed. Default 1 mm [assumption]. */
  nodeWaveguideM: number;
  /**
   * A regenerating node: "store-and-forward" (receives the whole message, then resends: α + t_r +
   * M/b_λ each) or "cut-through" (re-drives the stream as it arrives: α + t_r each).
   */
  wrhtRegeneration: "store-and-forward" | "cut-through";

  // ODDL (system/models/oddl.ts; seed-systems.md §2.2).
  /** t_WSS: LCoS-WSS configuration, once per job. Default 20 ms (LCoS 5–30 ms, allreduce-models §3.5 [derived]). */
  oddlWssTime: number;
  /** t_ctrl: distributed control-plane scheduling per circuit change. Default 25 µs (DiReNet proxy, JOCN 563353). */
  oddlControlDelay: number;
  /** t_tune: tunable-transceiver retuning per circuit change. Default 10 ns (fast tunable laser, arXiv 2002.11640). */
  oddlTuneTime: number;
  /** All-reduce schedule on ODDL's circuits: "ring", "halving-doubling" or "best" (the faster). */
  oddlSchedule: "ring" | "halving-doubling" | "best";

  // Fat-tree electrical baseline (system/models/fat-tree.ts; seed-systems.md §1.3, §2.3).
  /** k: switch radix of the 3-tier k-ary fat-tree (N ≤ k³/4; grown to the next even k when N is larger). Default 16 (ffsim: 1024 hosts). */
  fatTreeRadix: number;
  /** ToR uplink oversubscription o (uplinks carry B/o each). Default 1 (ffsim fat_tree_topology 1:1). */
  fatTreeOversubscription: number;
  /** Latency per link. Default 500 ns (ffsim RTT_rack/RTT_net). */
  fatTreeLinkLatency: number;
  /** Rank placement on hosts: "ordered" (one job, rank r on host r) or "random" (a shared cluster). */
  placement: "random" | "ordered";
  /**
   * All-reduce algorithm on the fat-tree: "ring", "halving-doubling" (Rabenseifner),
   * "double-binary-tree", "hierarchical" (intra-ToR ring + inter-ToR ring) or "best" (the fastest,
   * as NCCL's tuner would pick). Every one is charged its own ECMP collisions.
   */
  fatTreeAlgorithm: "best" | FatTreeAlgorithm;
  /** Placements (and ECMP hash draws) averaged. Default 8. */
  placementTrials: number;

  // SiP-Ring (system/models/sip-ring.ts; ffsim-opera SIPML_RING, seed-systems.md §1.3, §2.4).
  /** Wavelengths per ring segment (ffsim -deg). Default 4. Each carries B/deg, so a node injects B. */
  sipRingWavelengths: number;
  /** MRR reconfiguration: traffic pauses this long every cycle. Default 1 ms (ffsim -rdelay 100 × 10 µs). */
  sipRingReconfigTime: number;
  /** Live time between reconfigurations, s (duty L/(L + t_r)). Default 4 ms = n_nondelay (4) × t_r (ffsim-opera dyn_net_sch.h). */
  sipRingLiveTime: number;
  /** Rank placement on the ring: "ordered" (one job laid out along the ring) or "random". */
  sipRingPlacement: "random" | "ordered";

  // Energy (system/models/energy.ts; docs/design/energy.md §4; ../shared/reference/power-budget.md §6).
  /** One link traversal (a Tx half and an Rx half: one module's power over its rate), pJ/bit. Default 21.25: 800G OSFP 2×DR4, 17 W. */
  linkPjPerBit: number;
  /** One switch-ASIC pass, pJ/bit. Default 8.8: Tomahawk 5, 450 W / 51.2 Tb/s. */
  switchPjPerBit: number;
  /**
   * The OptINC chip per input bit without its ingress and egress O-E-O (the links price those),
   * pJ/bit. Default 31.15: the quick start (examples/paper-4x8) with thermo-optic shifters at 25 mW
   * lasers, `optinc verify <dir> --power` (docs/studies/energy.md); 22.41 with MEMS shifters.
   */
  optincChipPjPerBit: number;
}

export type FatTreeAlgorithm = "ring" | "halving-doubling" | "double-binary-tree" | "hierarchical";
export const FAT_TREE_ALGORITHMS: readonly FatTreeAlgorithm[] = ["ring", "halving-doubling", "double-binary-tree", "hierarchical"];

export const FIBER_SECONDS_PER_METRE = 5e-9;

export const DEFAULT_MODEL_INPUTS: Omit<ModelInputs, "workers" | "messageBytes"> = {
  linkPjPerBit: PLUGGABLE_PJ.value,
  switchPjPerBit: SWITCH_ASIC_PJ.value,
  optincChipPjPerBit: QUICK_START_CHIP_PJ,
  transceiverBps: 800e9,
  transceivers: 8,
  electricalBps: null,
  baselineBits: 32,
  stepLatency: 2.7e-6,
  hopLatency: 130e-9,
  reduceSecondsPerByte: 3 / 3.35e12,
  fiberLength: 10,
  bits: 8,
  wavelengths: 64,
  opticalStripe: null,
  reconfigTime: 3e-9,
  onnLatency: 10e-9,
  oeoLatency: 100e-9,
  radix: 4,
  switchRadix: 64,
  treeChunkBytes: 512 * 1024,
  seed: 1,
  wrhtReceivers: null,
  ringsPerNode: null,
  laserPowerDbm: 10,
  receiverSensitivityDbm: -15,
  lossMarginDb: 3,
  modulatorLossDb: 1,
  couplingLossDb: 1,
  mrrThroughLossDb: 0.01,
  mrrDropLossDb: 1,
  photodetectorLossDb: 1,
  waveguideLossDbPerM: 100,
  nodeWaveguideM: 1e-3,
  wrhtRegeneration: "cut-through",
  oddlWssTime: 20e-3,
  oddlControlDelay: 25e-6,
  oddlTuneTime: 10e-9,
  oddlSchedule: "best",
  fatTreeRadix: 16,
  fatTreeOversubscription: 1,
  fatTreeLinkLatency: 500e-9,
  placement: "ordered",
  fatTreeAlgorithm: "best",
  placementTrials: 8,
  sipRingWavelengths: 4,
  sipRingReconfigTime: 1e-3,
  sipRingLiveTime: 4e-3,
  sipRingPlacement: "ordered",
};

export function modelInputs(p: Partial<ModelInputs> & Pick<ModelInputs, "workers" | "messageBytes">): ModelInputs {
  return { ...DEFAULT_MODEL_INPUTS, ...p };
}

/** B: a server's injection bandwidth per direction, bytes/s (all transceivers striped). */
export function serverBandwidth(p: ModelInputs): number {
  return (p.transceivers * p.transceiverBps) / 8;
}

/** B_e: a server's electrical injection bandwidth per direction, bytes/s (electricalBps, else B). */
export function electricalBandwidth(p: ModelInputs): number {
  return p.electricalBps === null ? serverBandwidth(p) : p.electricalBps / 8;
}

/** Bytes a baseline moves for an fp32 gradient of `messageBytes` (baselineBits per element). */
export function baselineBytes(p: ModelInputs): number {
  return (p.messageBytes * p.baselineBits) / 32;
}

/** k for the optical endpoint baselines. */
export function opticalStripe(p: ModelInputs): number {
  return p.opticalStripe ?? Math.min(p.transceivers, p.wavelengths);
}

/** ⌈log_base n⌉ computed on integers (no floating-point log surprises at exact powers). */
export function ceilLog(n: number, base: number): number {
  let levels = 0;
  for (let reach = 1; reach < n; reach *= base) levels++;
  return levels;
}

const CHOICES: Partial<Record<keyof ModelInputs, readonly string[]>> = {
  oddlSchedule: ["ring", "halving-doubling", "best"],
  placement: ["random", "ordered"],
  sipRingPlacement: ["random", "ordered"],
  fatTreeAlgorithm: ["best", ...FAT_TREE_ALGORITHMS],
  wrhtRegeneration: ["store-and-forward", "cut-through"],
};
const NULLABLE = new Set<keyof ModelInputs>(["opticalStripe", "wrhtReceivers", "ringsPerNode", "electricalBps"]);
/**
 * Inputs with a floor above 0 or that count something (docs/design/system-models.md §5): a zero count divides
 * by zero and fills the tables with NaN. `above` means strictly greater than `min`. A ceiling keeps
 * a run bounded: the fat-tree model allocates per host of a k-ary tree (k³/4 hosts; k = 1024 took
 * 16 s, larger ones failed to allocate) and draws every placement trial (100 trials at N = 4096: 18 s).
 */
export const PARAM_RANGES: Partial<Record<keyof ModelInputs, { min: number; max?: number; integer?: boolean; above?: boolean }>> = {
  electricalBps: { min: 0, above: true },
  baselineBits: { min: 1, max: 64, integer: true },
  wavelengths: { min: 1, integer: true },
  opticalStripe: { min: 1, integer: true },
  radix: { min: 2, integer: true },
  switchRadix: { min: 2, integer: true },
  treeChunkBytes: { min: 1 },
  wrhtReceivers: { min: 1, integer: true },
  ringsPerNode: { min: 0, integer: true },
  placementTrials: { min: 1, max: 100, integer: true },
  fatTreeRadix: { min: 2, max: 256, integer: true },
  fatTreeOversubscription: { min: 0, above: true },
  sipRingWavelengths: { min: 1, integer: true },
  sipRingLiveTime: { min: 0, above: true },
  seed: { min: SEED.min, max: SEED.max, integer: true },
};

/** "an integer in 1..100", "a number > 0", "an integer ≥ 2": how a range is stated in a message. */
function rangeText(r: { min: number; max?: number; integer?: boolean; above?: boolean }): string {
  const what = r.integer ? "an integer" : "a number";
  if (r.max !== undefined) return `${what} in ${r.min}..${r.max}`;
  return `${what} ${r.above ? ">" : "≥"} ${r.min}`;
}

/** Inputs that may be negative (powers in dBm). */
const SIGNED = new Set<keyof ModelInputs>(["laserPowerDbm", "receiverSensitivityDbm"]);

/**
 * Overrides written `name=value,name=value` (names as in ModelInputs, values in its SI units; "null"
 * where a default is null). Throws an Error that says which entry is wrong and what is allowed.
 */
export function parseModelParams(text: string): Partial<ModelInputs> {
  const out: Record<string, unknown> = {};
  for (const entry of text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")) {
    const eq = entry.indexOf("=");
    const key = (eq < 0 ? entry : entry.slice(0, eq).trim()) as keyof ModelInputs;
    const value = eq < 0 ? "" : entry.slice(eq + 1).trim();
    if (!(key in DEFAULT_MODEL_INPUTS))
      throw new Error(`unknown model parameter "${key}"; known: ${Object.keys(DEFAULT_MODEL_INPUTS).join(", ")}`);
    const choices = CHOICES[key];
    if (choices) {
      if (!choices.includes(value)) throw new Error(`${key}: "${value}" is not one of ${choices.join(", ")}`);
      out[key] = value;
    } else if (value === "null" && NULLABLE.has(key)) {
      out[key] = null;
    } else {
      const x = Number(value);
      if (value === "" || !Number.isFinite(x) || (x < 0 && !SIGNED.has(key)))
        throw new Error(
          `${key}: "${value}" is not a ${SIGNED.has(key) ? "" : "non-negative "}number${NULLABLE.has(key) ? " or null" : ""}`,
        );
      const range = PARAM_RANGES[key];
      if (
        range &&
        ((range.integer && !Number.isInteger(x)) ||
          (range.above ? !(x > range.min) : x < range.min) ||
          (range.max !== undefined && x > range.max))
      )
        throw new Error(`${key}: "${value}" is out of range; it must be ${rangeText(range)}`);
      out[key] = x;
    }
  }
  return out as Partial<ModelInputs>;
}
