// What `optinc allreduce` prints: the executed ring/OptINC table per N, and the cost-model
// comparison per iteration (--models).
import type { ChalkInstance } from "chalk";
import type { AllreduceRun } from "../system/ring/allreduce-run.ts";
import type { WorkloadComparison } from "../system/comparison.ts";

export const SI = (v: number, unit: string, digits = 2): string => {
  const prefixes: [number, string][] = [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [f, p] of prefixes) if (Math.abs(v) >= f) return `${(v / f).toFixed(digits)} ${p}${unit}`;
  return `${v.toFixed(digits)} ${unit}`;
};
export const time = (s: number): string =>
  s >= 1
    ? `${s.toFixed(3)} s`
    : s >= 1e-3
      ? `${(s * 1e3).toFixed(3)} ms`
      : s >= 1e-6
        ? `${(s * 1e6).toFixed(2)} µs`
        : `${(s * 1e9).toFixed(1)} ns`;
const sci = (x: number): string => (x === 0 ? "0" : x.toExponential(2));

export function table(rows: string[][], c: ChalkInstance, rightFrom = 1): string {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, j) => (j < rightFrom ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join("  ");
      return `  ${i === 0 ? c.bold(line) : line}`;
    })
    .join("\n");
}

export function render(run: AllreduceRun, c: ChalkInstance): string {
  const n = run.workers;
  const out: string[] = [];
  const full = Math.floor(run.messageBytes / 4);
  out.push(c.cyan.bold(`N = ${n} workers`) + `  ·  M = ${SI(run.messageBytes, "B")} (${full} fp32 values)`);
  if (run.executed.scaled)
    out.push(
      c.dim(`  executed on ${run.executed.elements} elements (synthetic N(0, 1e-3) gradients); byte counts are the exact closed form at M`),
    );
  const fig6 = (2 * (n - 1)) / n;
  out.push(
    table(
      [
        ["executed", "steps", "msgs/worker", "sent/worker", "max |err| vs exact mean"],
        [
          "ring (fp32)",
          `${run.ring.steps}`,
          `${run.ring.messagesPerWorker}`,
          SI(run.ring.bytesSentPerWorker, "B"),
          sci(run.ring.maxAbsError),
        ],
        [
          `OptINC (${run.optinc.bits}-bit)`,
          "1",
          "1",
          SI(run.optinc.bytesSentPerWorker, "B"),
          `${sci(run.optinc.maxAbsError)} (${run.optinc.maxErrorSteps.toFixed(2)} steps${run.optinc.injectedErrors ? `, ${run.optinc.injectedErrors} injected` : ""}${run.optinc.mismatchedElements ? `, ${run.optinc.mismatchedElements} ≠ golden` : ""})`,
        ],
      ],
      c,
    ),
  );
  const ok = Math.abs(run.volumeRatio - fig6) < 1e-12;
  out.push(
    `  volume ring/OptINC at equal precision: ${c.bold(run.volumeRatio.toFixed(4))} ${ok ? c.green(`(= 2(N−1)/N, paper Fig. 6)`) : c.yellow(`(2(N−1)/N = ${fig6.toFixed(4)}; chunks unequal)`)}` +
      `;  at ${run.optinc.bits} bits: ${run.volumeRatioAtBits.toFixed(2)}`,
  );
  const optinc = run.models.optinc!.time;
  const rows = [["model", "time", "algbw", "busbw", "T / T_OptINC", "energy", "E / E_OptINC"]];
  const optincJ = run.models.optinc!.energy;
  for (const [name, m] of Object.entries(run.models)) {
    const label = `${name}${m.derived ? " †" : ""}${name === run.bestElectrical ? " (best electrical)" : ""}`;
    rows.push([
      label,
      time(m.time),
      SI(m.algbw, "B/s"),
      m.busbw !== undefined ? SI(m.busbw, "B/s") : "–",
      `${(m.time / optinc).toFixed(2)}×`,
      SI(m.energy, "J"),
      `${(m.energy / optincJ).toFixed(2)}×`,
    ]);
  }
  out.push(table(rows, c));
  out.push(
    `  OptINC speed-up: ${c.bold(`${run.speedupVsRing.toFixed(2)}× vs ring`)}, ${c.bold(`${run.speedupVsBestElectrical.toFixed(2)}× vs best electrical (${run.bestElectrical})`)}` +
      c.dim(
        `; at equal precision (fp32 through OptINC): ${run.equalPrecision.speedupVsRing.toFixed(2)}× / ${run.equalPrecision.speedupVsBestElectrical.toFixed(2)}×`,
      ),
  );
  if (run.latency) {
    out.push(`  iteration latency, ${run.latency.workload} (compute ${time(run.latency.rows[0]!.compute)}, no overlap):`);
    out.push(
      table(
        [
          ["", "compute", "comm", "total", "normalized"],
          ...run.latency.rows.map((r) => [r.label, time(r.compute), time(r.comm), time(r.total), r.normalized.toFixed(4)]),
        ],
        c,
      ),
    );
  }
  return out.join("\n");
}

/** The facts a model's row shows beside its times. */
function facts(name: string, n: Record<string, unknown>): string {
  switch (name) {
    case "wrht":
      return `m = ${n.arity}, ${n.steps} steps, λ ${n.wavelengths_used}/${n.wavelengths_available}, loss slack ${(n.loss_slack_db as number[]).map((x) => x.toFixed(1)).join(" / ")} dB${n.loss_binds ? `, loss binds: ${n.regenerations} O-E-O regenerations` : ""}`;
    case "oddl":
      return `${n.schedule} circuits, ${n.circuit_changes} circuit changes; WSS ${((n.wss_setup_s as number) * 1e3).toFixed(0)} ms once per job`;
    case "fat-tree":
      return `${n.algorithm}${n.algorithm === "ring" ? "" : ` (ring: ${time(n.ring_s as number)})`}, k = ${n.radix}, ${n.oversubscription}:1, ${n.placement} placement, ring ECMP slowdown ${n.ecmp_slowdown}`;
    case "sip-ring":
      return `${n.wavelengths_per_segment} λ/segment, duty ${(n.duty_cycle as number).toFixed(3)}, ${n.placement}, ${n.segment_sharing} flows/segment`;
    default:
      return n.steps !== undefined ? `${n.steps} steps` : "";
  }
}

/** The model the ratio column divides by: the first of optinc, oddl, wrht present (else none). */
export function referenceModel(cmp: WorkloadComparison): string | null {
  const present = Object.keys(cmp.rows[0]?.models ?? {});
  return ["optinc", "oddl", "wrht"].find((m) => present.includes(m)) ?? null;
}

const LAYERS: Record<WorkloadComparison["layers"], string> = {
  given: "the given layers",
  preset: "the preset's layers",
  uniform: "50 equal layers (assumed: no layer list)",
  none: "",
};

export function renderComparison(cmp: WorkloadComparison, c: ChalkInstance): string {
  const head =
    cmp.workload === "none"
      ? `per-iteration time = one all-reduce of ${SI(cmp.messageBytes, "B")} (no workload: no compute)`
      : `per-iteration time, ${cmp.workload}: compute ${time(cmp.compute)}, ${SI(cmp.messageBytes, "B")} of fp32 gradients in ${cmp.buckets} buckets overlapped with backward (${LAYERS[cmp.layers]})`;
  const out = [c.cyan.bold(head)];
  const ref = referenceModel(cmp);
  for (const row of cmp.rows) {
    const models = Object.values(row.models);
    const best = Math.min(...models.map((m) => m.time));
    const refTime = ref ? row.models[ref]!.time : 0;
    const rows = [
      [
        "N = " + row.workers,
        "iteration",
        "all-reduce",
        "exposed",
        "energy",
        "vs fastest",
        ...(ref ? [`T / T_${ref}`, `${ref} saves`] : []),
        ...(cmp.iterations !== undefined ? [`${cmp.iterations} iterations`] : []),
      ],
    ];
    const notes = ["model facts"];
    for (const m of models) {
      rows.push([
        `${m.name}${m.derived ? " †" : ""}`,
        time(m.time),
        time(m.allreduce),
        time(m.exposed),
        SI(m.energy, "J"),
        `${(m.time / best).toFixed(2)}×`,
        ...(ref ? [`${(m.time / refTime).toFixed(3)}×`, `${(100 * (1 - refTime / m.time)).toFixed(2)} %`] : []),
        ...(m.train !== undefined ? [longTime(m.train)] : []),
      ]);
      notes.push(facts(m.name, m.notes));
    }
    out.push(
      table(rows, c)
        .split("\n")
        .map((l, i) => `${l}  ${i === 0 ? c.bold(notes[i]!) : notes[i]}`.trimEnd())
        .join("\n"),
    );
  }
  return out.join("\n");
}

/** Times to train: hours and days where they fit. */
export const longTime = (s: number): string =>
  s >= 86400 ? `${(s / 86400).toFixed(2)} d` : s >= 3600 ? `${(s / 3600).toFixed(2)} h` : time(s);
