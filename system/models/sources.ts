// Where every default of DEFAULT_MODEL_INPUTS comes from. A default is either sourced (the paper
// that states it, the public simulator whose code sets it, a datasheet, or the literature the
// seed papers build on) or labelled an assumption, and then names the sweep that shows what it
// decides. The record is typed by the defaults' keys, so a new input without a source does not
// compile; tests/system/models/sources.test.ts checks every label at run time.
// References: allreduce-models.md (§), seed-systems.md (seed §), optinc-paper.md (paper §).
import type { DEFAULT_MODEL_INPUTS } from "./params.ts";

export type SourceKind = "paper" | "simulator" | "datasheet" | "literature" | "derived" | "assumption";

export interface ParamSource {
  kind: SourceKind;
  /** Who states the value, where. */
  source: string;
  /** Assumptions only: the other values of this input a sweep tries (`--param <key>=<value>`). */
  sweep?: readonly (number | string)[];
}

type Key = keyof typeof DEFAULT_MODEL_INPUTS;

const paper = (source: string): ParamSource => ({ kind: "paper", source });
const simulator = (source: string): ParamSource => ({ kind: "simulator", source });
const datasheet = (source: string): ParamSource => ({ kind: "datasheet", source });
const literature = (source: string): ParamSource => ({ kind: "literature", source });
const derived = (source: string): ParamSource => ({ kind: "derived", source });
const assumption = (source: string, ...sweep: (number | string)[]): ParamSource => ({ kind: "assumption", source, sweep });

export const PARAM_SOURCES: Readonly<Record<Key, ParamSource>> = {
  transceiverBps: paper("OptINC: 800 Gb/s per transceiver (paper §10.1); ODDL: 100 Gb/s (abstract)"),
  transceivers: paper("OptINC: 8 full-duplex transceivers per server (paper §10.1)"),
  electricalBps: assumption("null = the optical server rate: equal injection bandwidth, as every seed paper compares", "100e9", "400e9"),
  baselineBits: paper("OptINC's ring baseline all-reduces fp32 gradients (paper §10.1); bf16/fp8 are sweeps"),
  stepLatency: simulator("NCCL tuning.cc: 2.7 µs per network ring step, LL protocol (§3.3)"),
  hopLatency: datasheet("InfiniBand HDR switch port-to-port, sub-130 ns (Quantum QM8790 brief, §3.5)"),
  reduceSecondsPerByte: derived("H100 HBM 3.35 TB/s (ASTRA-sim local-mem-bw 3350), read 2 + write 1 per byte (§5.1)"),
  fiberLength: assumption("10 m worker ↔ aggregator fibre (one row of racks)", 1, 100),
  bits: paper("OptINC carries 8- or 16-bit fixed point (paper §5.2)"),
  wavelengths: literature("PULSE: 64 wavelengths (Benjamin et al., JLT, §3.5)"),
  opticalStripe: assumption("null = min(transceivers, W): a node stripes over all its transceivers; Dai et al. use 1 (§1.3)", 1),
  reconfigTime: literature("electro-optic MZI switch, 3.2/2.5 ns rise/fall (Lu et al., Opt. Express 2016, §3.5)"),
  onnLatency: assumption("10 ns per ONN pass, the upper end of §5.1's 1–10 ns placeholder", 1e-9, 1e-6),
  oeoLatency: assumption("100 ns SerDes + RS-FEC at the aggregator boundary (§5.1 placeholder)", 0, 1e-6),
  radix: paper("OptINC unit radix 4: 5 units in 2 levels serve 16 servers (paper §5.4)"),
  switchRadix: datasheet("NDR Quantum-2 class switch, 64 ports of 400 Gb/s (§3.5)"),
  treeChunkBytes: simulator("NCCL tree chunks of 256 kB–1 MB (tuning.cc Tree/Simple 256 kB, §3.3); 512 KiB between"),
  seed: assumption("seed 1 of the seeded placements and ECMP hash draws", 2, 3),
  wrhtReceivers: derived("null = one drop ring + photodetector per wavelength and direction, 2W (seed §2.1)"),
  ringsPerNode: derived("null = 2W: a through signal passes W modulator and W drop rings on its bus at every node (seed §2.1)"),
  laserPowerDbm: assumption("10 dBm per wavelength; no WRHT value recovered (seed §4)", 0, 20),
  receiverSensitivityDbm: assumption("−15 dBm; no WRHT value recovered (seed §4)", -20, -25),
  lossMarginDb: assumption("3 dB power margin", 0),
  modulatorLossDb: assumption("1 dB, DSENT's magnitude for passive parts", 0, 3),
  couplingLossDb: literature("DSENT Photonics.model coupler 1 dB (gem5 ext/dsent, seed §1.4)"),
  mrrThroughLossDb: literature("DSENT Photonics.model ring through loss 0.01 dB (gem5 ext/dsent, seed §1.4)"),
  mrrDropLossDb: literature("DSENT Photonics.model ring drop loss 1.0 dB (seed §1.4)"),
  photodetectorLossDb: literature("DSENT Photonics.model photodetector loss 1 dB (seed §1.4)"),
  waveguideLossDbPerM: literature("DSENT Photonics.model waveguide loss 100 dB/m (seed §1.4)"),
  nodeWaveguideM: assumption("1 mm of on-chip bus per node passed", 0, 1e-2),
  wrhtRegeneration: derived(
    "cut-through: a 3R regenerator re-drives the bit stream; at WRHT's upper levels the nodes passed are idle (seed §2.1)",
  ),
  oddlWssTime: literature("LCoS-WSS 5–30 ms per reconfiguration (Otón et al. 2009; §3.5); charged once per job"),
  oddlControlDelay: literature("DiReNet distributed OCS control, 24.8 µs at 70 000 servers (JOCN 563353, seed §1.4)"),
  oddlTuneTime: literature("fast tunable laser, < 10 ns over 122 channels (arXiv 2002.11640, seed §1.4)"),
  oddlSchedule: derived("best = the faster of ring and halving-doubling circuits (seed §2.2)"),
  fatTreeRadix: simulator("ffsim-opera fat_tree_topology: k = 16 holds 1024 hosts (seed §1.3)"),
  fatTreeOversubscription: simulator("ffsim-opera fat_tree_topology: 1:1 (seed §1.3)"),
  fatTreeLinkLatency: simulator("ffsim-opera RTT_rack / RTT_net: 500 ns per link (seed §1.3)"),
  placement: assumption("one job, rank r on host r (ODDL trains one VGG19 job); random is a shared cluster", "random"),
  fatTreeAlgorithm: simulator("best = what NCCL's tuner picks among its algorithms (tuning.cc, §3.3)"),
  placementTrials: assumption("8 seeded placements averaged (random placement only)", 32),
  sipRingWavelengths: simulator("ffsim-opera main_tcp_dyn_flat -deg 4 (seed §1.3)"),
  sipRingReconfigTime: simulator("ffsim-opera -rdelay 100 × 10 µs = 1 ms (seed §1.3)"),
  sipRingLiveTime: simulator("ffsim-opera dyn_net_sch.h n_nondelay = 4 delays of 1 ms: 4 ms live, duty 0.8"),
  sipRingPlacement: assumption("one job laid out along the ring", "random"),
  linkPjPerBit: datasheet(
    "800G OSFP 2×DR4, 17 W / 800 Gb/s: 21.25 pJ per traversal (../shared/reference/power-budget.md §6); co-packaged 5.5 is a sweep",
  ),
  switchPjPerBit: datasheet("Tomahawk 5, 450 W / 51.2 Tb/s (../shared/reference/power-budget.md §6)"),
  optincChipPjPerBit: derived(
    "the quick start's chip without ingress and egress: thermo-optic shifters, 264 × 25 mW lasers (optinc verify --power; 22.41 with MEMS)",
  ),
};

/** The label a table prints: "paper: …", "assumption (sweep …): …". */
export function sourceLabel(key: Key): string {
  const s = PARAM_SOURCES[key];
  return s.kind === "assumption" ? `assumption (sweep ${key} = ${s.sweep!.join(", ")}): ${s.source}` : `${s.kind}: ${s.source}`;
}
