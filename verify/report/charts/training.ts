// Training curves: test accuracy and mean training loss against the step, one line per aggregator.
import type { TrainingSection } from "../types.ts";
import { plotArea, svgOpen, xAxis, yAxis } from "../svg/axes.ts";
import { el, n, pct } from "../svg/escape.ts";
import { legend, PALETTE } from "../svg/legend.ts";
import { linearScale } from "../svg/scale.ts";

const DASHES = [undefined, "6 4", "2 3", "8 3 2 3"];

function lineChart(
  t: TrainingSection,
  title: string,
  axis: string,
  pick: (c: TrainingSection["runs"][number]["curve"][number]) => number,
  fmt: (v: number) => string,
): string {
  const p = plotArea(540, 270, { top: 34, left: 60 });
  const all = t.runs.flatMap((r) => r.curve);
  const xs = linearScale(0, Math.max(1, ...all.map((c) => c.step)), p.left, p.width - p.right, 5);
  const vals = all.map(pick);
  const ys = linearScale(Math.min(...vals), Math.max(...vals), p.height - p.bottom, p.top, 5);
  const parts = [svgOpen(p, title), yAxis(p, ys, axis, fmt), xAxis(p, xs, "training step")];
  t.runs.forEach((r, i) => {
    const pts = r.curve.map((c) => `${n(xs(c.step))},${n(ys(pick(c)))}`).join(" ");
    parts.push(
      el("polyline", {
        points: pts,
        fill: "none",
        stroke: PALETTE[i % PALETTE.length],
        "stroke-width": 2.2,
        "stroke-dasharray": DASHES[i % DASHES.length],
      }),
    );
  });
  parts.push(
    legend(
      p.left,
      16,
      t.runs.map((r, i) => ({ label: r.name, color: PALETTE[i % PALETTE.length]!, line: true, dash: DASHES[i % DASHES.length] })),
    ),
  );
  parts.push("</svg>");
  return parts.join("");
}

export function trainingCharts(t: TrainingSection): string {
  return (
    lineChart(
      t,
      "test accuracy",
      "test accuracy",
      (c) => c.testAccuracy,
      (v) => pct(v, 1),
    ) +
    lineChart(
      t,
      "training loss",
      "training loss (cross-entropy)",
      (c) => c.trainLoss,
      (v) => v.toFixed(2),
    )
  );
}
