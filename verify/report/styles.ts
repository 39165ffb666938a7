// The report's only stylesheet (inline; no fonts or assets from the network).
export const REPORT_CSS = `
:root { --ok: #1a7f37; --bad: #c62828; --warn: #b26a00; --ink: #1f2328; --muted: #59636e; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
header h1 { margin: 0 0 4px; font-size: 24px; }
.facts { color: var(--muted); margin: 0 0 14px; }
.facts span { margin-right: 14px; white-space: nowrap; }
.facts b { color: var(--ink); font-weight: 600; }
.verdict { display: flex; flex-wrap: wrap; gap: 10px; align-items: stretch; margin: 8px 0 20px; }
.badge { font-size: 20px; font-weight: 700; padding: 10px 16px; border-radius: 8px; color: #fff; display: flex; align-items: center; }
.badge.pass { background: var(--ok); }
.badge.fail { background: var(--bad); }
.badge.info { background: var(--muted); }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: 6px 14px; min-width: 150px; }
.kpi .v { font-size: 20px; font-weight: 700; }
.kpi .k { color: var(--muted); font-size: 12px; }
.kpi.bad .v { color: var(--bad); }
section { margin: 0 0 26px; }
section h2 { font-size: 17px; margin: 0 0 6px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 0; }
figcaption { color: var(--muted); max-width: 1120px; margin-top: 4px; }
.stage-title { font-weight: 600; margin: 8px 0 2px; }
table { border-collapse: collapse; min-width: 480px; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { color: var(--muted); font-weight: 600; }
svg { display: block; overflow: visible; }
svg text { font-family: inherit; fill: var(--ink); }
svg .tick { font-size: 11px; fill: var(--muted); }
svg .axis-title, svg .legend { font-size: 12px; }
svg .value { font-size: 11px; font-weight: 600; }
svg .label-strong { font-size: 12px; font-weight: 700; }
svg .axis { stroke: #57606a; stroke-width: 1; }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .wg { stroke: #8c959f; stroke-width: 1; }
svg .wg.dark { stroke: #d8dee4; stroke-dasharray: 3 3; }
svg .mzi, svg .atten { stroke: #24292f; stroke-width: 0.4; }
svg .bar.ok { fill: var(--ok); }
svg .bar.warn { fill: var(--warn); }
svg .bar.bad { fill: var(--bad); }
svg .threshold { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 6 4; }
tr.chosen td { font-weight: 600; }
footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
`;
