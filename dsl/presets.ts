// Workload presets for the ring all-reduce comparison. Every number states its source or assumption.
// The all-reduce/latency engineer may refine these values here; keep the derivations visible.
import type { WorkloadSpec } from "./spec.ts";

/** Bytes per fp32 gradient element: the ring all-reduce baseline exchanges fp32 gradients. */
export const FP32_BYTES = 4;

/** Paper setting: an H100 at 60 TFLOP/s sustained dense throughput... */
const PEAK_FLOPS = 60e12;
/** ...of which 60 % is achieved in training (paper: "H100 at 60 TFLOPs × 0.6"). */
const EFFICIENCY = 0.6;

/** Decoder-only transformer (LLaMA style: RMSNorm, SwiGLU FFN, no biases) parameter count. */
export function llamaParameters(d: { layers: number; hidden: number; ffn: number; vocab: number; tiedHead: boolean }): number {
  const attention = 4 * d.hidden * d.hidden; // Wq, Wk, Wv, Wo (heads split d, so the count is head-independent)
  const mlp = 3 * d.hidden * d.ffn; // gate, up, down projections of SwiGLU
  const norms = 2 * d.hidden; // two RMSNorm gains per layer
  const embedding = d.vocab * d.hidden;
  const head = d.tiedHead ? 0 : d.vocab * d.hidden;
  return d.layers * (attention + mlp + norms) + embedding + head + d.hidden; // + final RMSNorm
}

/** The llama-8l-384 model: 8 layers, hidden 384, 8 heads, FFN 1024, 32 000-token vocabulary, untied head. */
export const LLAMA_8L_384 = { layers: 8, hidden: 384, heads: 8, ffn: 1024, vocab: 32000, tiedHead: false } as const;

function workload(preset: string, parameters: number, flopsPerStep: number): WorkloadSpec {
  return {
    preset,
    parameters,
    gradientBytes: FP32_BYTES * parameters,
    flopsPerStep,
    peakFlops: PEAK_FLOPS,
    efficiency: EFFICIENCY,
    computeTime: flopsPerStep / (PEAK_FLOPS * EFFICIENCY),
  };
}

/** One layer of a workload, in forward order: its parameters and forward FLOPs per sample. */
export interface LayerShape {
  name: string;
  parameters: number;
  forwardFlops: number;
}

/**
 * VGG19 (Simonyan & Zisserman 2015, configuration E) at 224×224×3 with a 1000-class head, as
 * torchvision builds it: sixteen 3×3 convolutions (stride 1, pad 1, bias) in five blocks of
 * 64, 128, 256, 512, 512 channels (2, 2, 4, 4, 4 layers), each block closed by a 2×2 max-pool, then
 * fc6 25088→4096, fc7 4096→4096, fc8 4096→1000. FLOPs count a multiply-add as 2 (torchvision's
 * "19.63 GFLOPS" counts multiply-adds: 2 × 19.63 G = 39.26 GFLOP here).
 */
export function vgg19Layers(): LayerShape[] {
  const layers: LayerShape[] = [];
  let channels = 3;
  let side = 224;
  let i = 0;
  for (const [width, count] of [
    [64, 2],
    [128, 2],
    [256, 4],
    [512, 4],
    [512, 4],
  ] as const) {
    for (let c = 0; c < count; c++) {
      const weights = 9 * channels * width;
      layers.push({ name: `conv${++i}`, parameters: weights + width, forwardFlops: 2 * weights * side * side });
      channels = width;
    }
    side /= 2;
  }
  for (const [name, inputs, outputs] of [
    ["fc6", 512 * 7 * 7, 4096],
    ["fc7", 4096, 4096],
    ["fc8", 4096, 1000],
  ] as const) {
    layers.push({ name, parameters: inputs * outputs + outputs, forwardFlops: 2 * inputs * outputs });
  }
  return layers;
}

/** Images per worker per VGG19 step: 32 at 224×224 [assumption; ODDL's batch is not known]. */
export const VGG19_BATCH = 32;
const vgg19 = vgg19Layers();

const llamaParams = llamaParameters(LLAMA_8L_384);
/** Tokens per worker per step: batch 32 sequences × 512 tokens (assumption). */
const LLAMA_TOKENS_PER_STEP = 32 * 512;

export const PRESETS: Record<string, WorkloadSpec> = {
  // parameters: vgg19Layers() = 143 667 240 (torchvision vgg19). flopsPerStep: training ≈ 3 × forward
  // (backward ≈ 2 × forward), forward 39.26 GFLOP per 224² image, batch VGG19_BATCH = 32 → 3.77e12 FLOP.
  vgg19: workload(
    "vgg19",
    vgg19.reduce((a, l) => a + l.parameters, 0),
    3 * VGG19_BATCH * vgg19.reduce((a, l) => a + l.forwardFlops, 0),
  ),
  // parameters: torchvision ResNet-50 (25 557 032) with its 1000-class fc (2 049 000) replaced by a
  // 100-class fc (204 900) → 23 712 932.
  // flopsPerStep: assumption. CIFAR-adapted ResNet-50 ≈ 1.3 GMAC forward per 32×32 image; training ≈ 3×
  // forward; 128 images per worker per step → 1.3e9 × 2 × 3 × 128 ≈ 1.0e12 FLOP.
  "resnet50-cifar100": workload("resnet50-cifar100", 23_712_932, 1.0e12),
  // parameters: computed by llamaParameters(LLAMA_8L_384) = 38 738 304.
  // flopsPerStep: Kaplan et al. 2020 (arXiv 2001.08361, Table 1): training ≈ 3 × forward, forward ≈
  // 2·N + 2·n_layer·n_ctx·d per token, with N the non-embedding weights (layers + final norm +
  // untied output head; the 12.3 M input-embedding lookup costs no FLOPs) = 26 450 304, n_ctx = 512.
  // → 6 × (26 450 304 + 8·512·384) ≈ 1.681e8 FLOP/token × 32 × 512 tokens ≈ 2.75e12 FLOP per step.
  "llama-8l-384": workload(
    "llama-8l-384",
    llamaParams,
    6 * (llamaParams - LLAMA_8L_384.vocab * LLAMA_8L_384.hidden + LLAMA_8L_384.layers * 512 * LLAMA_8L_384.hidden) * LLAMA_TOKENS_PER_STEP,
  ),
};

export const PRESET_NAMES = Object.keys(PRESETS).sort();
