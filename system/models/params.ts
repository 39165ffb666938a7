// Inputs of the all-reduce cost models, with defaults and where each default comes from.
// Sources are the sections of ../shared/reference/allreduce-models.md (“§”) and the OptINC
// reconstruction (optinc-paper.md). Units are SI: bytes, bytes/s, seconds, metres.

export interface ModelInputs {
  /** N, servers taking part. */
  workers: number;
  /** M, fp32 gradient bytes per worker (the message every baseline all-reduces). */
  messageBytes: number;
  /** Per-transceiver line rate, bits/s. Default 800 Gb/s (OptINC setup, paper §10.1 [Q1]). */
  transceiverBps: number;
  /** Transceivers per server. Default 8 (paper §10.1 [Q1]). */
  transceivers: number;
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
}

export const FIBER_SECONDS_PER_METRE = 5e-9;

export const DEFAULT_MODEL_INPUTS: Omit<ModelInputs, "workers" | "messageBytes"> = {
  transceiverBps: 800e9,
  transceivers: 8,
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
};

export function modelInputs(p: Partial<ModelInputs> & Pick<ModelInputs, "workers" | "messageBytes">): ModelInputs {
  return { ...DEFAULT_MODEL_INPUTS, ...p };
}

/** B: a server's injection bandwidth per direction, bytes/s (all transceivers striped). */
export function serverBandwidth(p: ModelInputs): number {
  return (p.transceivers * p.transceiverBps) / 8;
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
