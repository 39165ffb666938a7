// Parametric cells, each a pure function of its parameters (gdsfactory's component factories):
// the phase shifter (waveguide + heater + two metal contacts), the plain waveguide, the
// directional coupler of a given coupling, the waveguide crossing, terminators, grating couplers,
// placeholder blocks (modulator array, nonlinearity, photodetector array, bias laser). Every
// optical path through a cell except a phase shifter's is a whole number of periods P = λ/n_eff
// long, so a cell adds no phase beyond its model's (docs/design/layout.md §9).
import { curve, drawnLength, LEAD, samples, sbendLength, snap, type Pt } from "./geometry.ts";
import { RULES } from "./layers.ts";
import { boundsOf, type LayoutCell, type Pin, type Shape } from "./cell.ts";

const W = RULES.wgWidth;

function pinShapes(p: Pin): Shape[] {
  // A pin-recognition box straddling the pin (0.2 µm along the waveguide, its width across) and its name.
  return [
    { kind: "box", layer: "pinrec", x0: p.x - 0.1, y0: p.y - W / 2, x1: p.x + 0.1, y1: p.y + W / 2 },
    { kind: "text", layer: "pinrec", at: [p.x, p.y], text: p.name },
  ];
}

/** Finish a primitive cell: pins drawn, device-recognition box, bounding box. */
export function primitive(name: string, kind: string, shapes: Shape[], pins: Pin[], through: Record<string, number>): LayoutCell {
  const bbox = boundsOf(shapes, [], pins);
  const all = [...shapes, ...pins.flatMap(pinShapes), { kind: "box" as const, layer: "devrec" as const, ...bbox }];
  return { name, kind, shapes: all, refs: [], pins, bbox, through };
}

const wg = (points: Pt[]): Shape => ({ kind: "path", layer: "si", width: W, points });

/** Smallest whole number of periods at least `len` long, minus len: the length still to add. */
export function toWholePeriods(len: number, period: number): number {
  const r = Math.ceil(len / period - 1e-9) * period - len;
  return r < 1e-9 ? 0 : r;
}

/**
 * Thermo-optic phase shifter: a straight waveguide of exactly `length` µm (the .spi wg_length of
 * --length-phases, at least the physical heater's length, netlist/heater.ts), a heater strip over
 * all of it and an M2 contact over each heater end: a at the input end (the shared ground, joined by
 * the column's ground bus), b at the output end (the heater's own signal lead). No pads: the leads
 * and the bumps they reach are drawn by the netlist's cell (layout/leads.ts, layout/bumps.ts), so
 * the cell is only as tall as its contacts (docs/design/layout.md §3 and §6).
 */
export function phaseShifter(length: number): LayoutCell {
  const L = snap(length);
  const hw = RULES.heaterWidth / 2;
  const c = RULES.contactLength;
  const cy = hw + RULES.contactOverhang;
  if (L < 2 * c + RULES.metalSpace)
    throw new Error(`phase shifter of ${L} µm: its two ${c} µm contacts need ${2 * c + RULES.metalSpace} µm`);
  const shapes: Shape[] = [
    wg([
      [0, 0],
      [L, 0],
    ]),
    { kind: "box", layer: "heater", x0: 0, y0: -hw, x1: L, y1: hw },
    { kind: "box", layer: "metal", x0: 0, y0: -cy, x1: c, y1: cy },
    { kind: "box", layer: "metal", x0: L - c, y0: -cy, x1: L, y1: cy },
  ];
  const pins: Pin[] = [
    { name: "o1", x: 0, y: 0, side: "in" },
    { name: "o2", x: L, y: 0, side: "out" },
  ];
  return primitive(`phase_shifter_L${Math.round(L * 1000)}`, "phase", shapes, pins, { "o1>o2": L });
}

/** A plain waveguide of `length` µm (an MZI's reference arm). */
export function straight(length: number): LayoutCell {
  const L = snap(length);
  return primitive(
    `waveguide_L${Math.round(L * 1000)}`,
    "waveguide",
    [
      wg([
        [0, 0],
        [L, 0],
      ]),
    ],
    [
      { name: "o1", x: 0, y: 0, side: "in" },
      { name: "o2", x: L, y: 0, side: "out" },
    ],
    { "o1>o2": L },
  );
}

/** Cross-over length of the directional coupler (full power transfer) at the 200 nm gap: a placeholder, not PDK data. */
export const DC_CROSSOVER_UM = 15;

/**
 * Directional coupler of power coupling k: two arms from ports ±portPitch/2 bend to a gap of
 * siSpace, run in parallel for (2·L_x/π)·asin(√k), and bend back. Straight leads make each arm a
 * whole number of periods long.
 */
export function coupler(k: number, period: number): LayoutCell {
  const half = RULES.portPitch / 2;
  const inner = (W + RULES.siSpace) / 2;
  const h = half - inner;
  const ls = Math.ceil(sbendLength(h) * 10) / 10;
  const lc = snap(((2 * DC_CROSSOVER_UM) / Math.PI) * Math.asin(Math.sqrt(Math.min(1, Math.max(0, k)))));
  const arm = (lead: number, sign: 1 | -1): Pt[] => {
    const y0 = sign * half;
    const pts: Pt[] = [
      [0, y0],
      [lead, y0],
    ];
    pts.push(...curve(lead, y0, ls, -sign * h, 0, samples(ls)));
    pts.push([lead + ls + lc, sign * inner]);
    pts.push(...curve(lead + ls + lc, sign * inner, ls, sign * h, 0, samples(ls)));
    pts.push([2 * lead + 2 * ls + lc, y0]);
    return pts;
  };
  const base = drawnLength(arm(1, 1));
  const lead = snap(1 + toWholePeriods(base, period) / 2);
  const top = arm(lead, 1);
  const bottom = arm(lead, -1);
  const len = drawnLength(top);
  const x1 = top[top.length - 1]![0];
  const pins: Pin[] = [
    { name: "o1", x: 0, y: -half, side: "in" },
    { name: "o2", x: 0, y: half, side: "in" },
    { name: "o3", x: x1, y: half, side: "out" },
    { name: "o4", x: x1, y: -half, side: "out" },
  ];
  const through = { "o2>o3": len, "o2>o4": len, "o1>o3": len, "o1>o4": len };
  return primitive(`coupler_k${Math.round(k * 1e6)}`, "coupler", [wg(top), wg(bottom)], pins, through);
}

/**
 * Insertion loss of one crossing, dB, and of the junction that matches it: the MMI crossing of
 * Johnson, Thompson & Sahin, Opt. Express 28, 12498 (2020), 43 ± 4 mdB measured. The drawn
 * netlists give every crossing and junction this loss (docs/design/layout.md §7).
 */
export const CROSSING_LOSS_DB = 0.043;

/** Assumed propagation loss of the strip waveguide, dB/cm (not PDK data): each drawn route's loss in the drawn netlists and the longest path's in the summary. */
export const ROUTE_LOSS_DB_PER_CM = 2;

/**
 * Waveguide crossing between two tracks `pitch` apart: o2 (upper left) → o4 (lower right) and
 * o1 (lower left) → o3 (upper right) as mirrored cosine S-bends crossing near 90°. Its width is
 * a whole number of periods, and so is each path.
 */
export function crossing(period: number): LayoutCell {
  const g = crossingGeometry(period);
  const a = crossingPath(g.width, g.pitch, 1);
  const b = crossingPath(g.width, g.pitch, -1);
  const len = drawnLength(a);
  const pins: Pin[] = [
    { name: "o1", x: 0, y: -g.pitch, side: "in" },
    { name: "o2", x: 0, y: 0, side: "in" },
    { name: "o3", x: g.width, y: 0, side: "out" },
    { name: "o4", x: g.width, y: -g.pitch, side: "out" },
  ];
  return primitive("crossing", "crossing", [wg(a), wg(b)], pins, { "o2>o4": len, "o1>o3": len });
}

/**
 * A loss-matched junction: where a track passes a layer of a crossing network without crossing, it
 * passes this instead, so that every track of the channel meets the same number of junctions and
 * loses alike (docs/design/layout.md §7). A straight of the crossing's width (o1 → o2) with the
 * crossing's junction: its cross arm, cut 3 periods (1.9 µm) either side (on a chip, the PDK crossing itself,
 * its cross arm unused).
 */
export function junction(period: number): LayoutCell {
  const g = crossingGeometry(period);
  const arm = snap((3 * period) / 2); // the cross arm is 6 periods long, like every drawn path a whole number
  const mid = snap(g.width / 2);
  const pins: Pin[] = [
    { name: "o1", x: 0, y: 0, side: "in" },
    { name: "o2", x: g.width, y: 0, side: "out" },
  ];
  const shapes: Shape[] = [
    wg([
      [0, 0],
      [g.width, 0],
    ]),
    wg([
      [mid, -arm],
      [mid, arm],
    ]),
  ];
  return primitive("junction", "junction", shapes, pins, { "o1>o2": g.width });
}

/** Width (a whole number of periods) and track pitch of the crossing, found once per period. */
function crossingPath(w: number, p: number, dir: 1 | -1): Pt[] {
  const y0 = dir === 1 ? 0 : -p;
  const inner = w - 2 * LEAD;
  return [[0, y0], [LEAD, y0], ...curve(LEAD, y0, inner, -dir * p, 0, 4 * samples(inner)), [w, y0 - dir * p]];
}

export function crossingGeometry(period: number): { width: number; pitch: number; exactWidth: number } {
  const f = (w: number, p: number): number => drawnLength(crossingPath(w, p, 1));
  for (let j = Math.ceil(15 / period); j < 200; j++) {
    const w = snap(j * period);
    const inner = w - 2 * LEAD;
    const lo = (2 * inner) / Math.PI; // slope 1 at the centre: a 90° crossing
    const hi = Math.min(lo * 1.2, (2 * inner * inner) / (Math.PI * Math.PI * 1.05 * RULES.minRadius));
    if (hi <= lo) continue;
    const target = Math.ceil(f(w, lo) / period) * period;
    if (f(w, hi) < target) continue;
    let [a, b] = [lo, hi];
    for (let i = 0; i < 60; i++) {
      const m = (a + b) / 2;
      if (f(w, m) < target) a = m;
      else b = m;
    }
    return { width: w, pitch: snap(b), exactWidth: j * period };
  }
  throw new Error(`no crossing geometry for period ${period} µm`);
}

/** Terminator: a 10 µm stub. As a source (dark input) its pin faces right, as a sink it faces left. */
export function terminator(role: "source" | "sink"): LayoutCell {
  const L = 10;
  const pins: Pin[] = role === "sink" ? [{ name: "o1", x: 0, y: 0, side: "in" }] : [{ name: "o1", x: L, y: 0, side: "out" }];
  return primitive(
    `terminator_${role}`,
    "terminator",
    [
      wg([
        [0, 0],
        [L, 0],
      ]),
    ],
    pins,
    {},
  );
}

/** Where a grating coupler's grating area starts (its outer end) and which way the coupler points. */
const gratingEnd = (role: "in" | "out"): { x0: number; s: number } => (role === "in" ? { x0: 0, s: 1 } : { x0: 35, s: -1 }); // "in": grating on the left, pin on the right

/** The centre of a grating coupler's 15 µm grating area, in its cell (where its label sits). */
export function gratingAreaCentre(role: "in" | "out"): Pt {
  const { x0, s } = gratingEnd(role);
  return [x0 + s * 7.5, 0];
}

/** Grating coupler placeholder: a 20 µm taper to a 10 × 15 µm grating area; the pin faces the circuit. */
export function gratingCoupler(role: "in" | "out"): LayoutCell {
  const { x0, s } = gratingEnd(role);
  const pts: Pt[] = [
    [x0, -5],
    [x0 + s * 15, -5],
    [x0 + s * 15, -(W / 2) * 1 - 4.75],
    [x0 + s * 35, -W / 2],
    [x0 + s * 35, W / 2],
    [x0 + s * 15, 4.75 + W / 2],
    [x0 + s * 15, 5],
    [x0, 5],
  ];
  const shapes: Shape[] = [{ kind: "polygon", layer: "si", points: pts.map(([x, y]) => [x, Math.max(-5, Math.min(5, y))] as Pt) }];
  const pins: Pin[] = role === "in" ? [{ name: "o1", x: 35, y: 0, side: "out" }] : [{ name: "o1", x: 0, y: 0, side: "in" }];
  return primitive(`grating_coupler_${role}`, "grating_coupler", shapes, pins, {});
}

/**
 * A placeholder block of `n` modes at portPitch (modulator array, nonlinearity, photodetector
 * array): in<k> on the left, out<k> on the right, a straight waveguide per mode through a 40 µm
 * device box. A detector block ends its inputs in 10 µm photodiode squares and starts its outputs
 * from re-emitters (O-E-O). `rows[k]`, when given, is mode k's row (0 at the top): an elementwise
 * block between two sub-circuits follows their pins' order (port-order.ts), so its channels cross nothing.
 */
export function block(kind: string, inputs: number, outputs: number, period: number, rows?: readonly number[]): LayoutCell {
  const len = snap(Math.ceil(40 / period) * period); // a through path of whole periods adds no phase
  const shapes: Shape[] = [];
  const pins: Pin[] = [];
  const through: Record<string, number> = {};
  const n = Math.max(inputs, outputs, 1);
  for (let k = 0; k < n; k++) {
    const y = -(rows?.[k] ?? k) * RULES.portPitch;
    const hasIn = k < inputs;
    const hasOut = k < outputs;
    if (hasIn) pins.push({ name: `in${k}`, x: 0, y, side: "in" });
    if (hasOut) pins.push({ name: `out${k}`, x: len, y, side: "out" });
    if (kind === "detector" || !hasIn || !hasOut) {
      if (hasIn)
        shapes.push(
          wg([
            [0, y],
            [12, y],
          ]),
          { kind: "box", layer: "si", x0: 12, y0: y - 2, x1: 16, y1: y + 2 },
        );
      if (hasOut)
        shapes.push(
          { kind: "box", layer: "si", x0: 24, y0: y - 2, x1: 28, y1: y + 2 },
          wg([
            [28, y],
            [len, y],
          ]),
        );
    } else {
      shapes.push(
        wg([
          [0, y],
          [len, y],
        ]),
      );
      through[`in${k}>out${k}`] = len;
    }
  }
  const order = rows?.some((r, k) => r !== k) ? `_r${rows.join("_")}` : "";
  return primitive(`${kind}_${inputs}x${outputs}${order}`, kind, shapes, pins, through);
}

/** An amplifier placeholder (a stage's gain block): o1 → o2 through a 40 µm device, whole periods long. */
export function amplifier(period: number): LayoutCell {
  const len = snap(Math.ceil(40 / period) * period);
  const pins: Pin[] = [
    { name: "o1", x: 0, y: 0, side: "in" },
    { name: "o2", x: len, y: 0, side: "out" },
  ];
  return primitive(
    "amplifier",
    "amplifier",
    [
      wg([
        [0, 0],
        [len, 0],
      ]),
    ],
    pins,
    { "o1>o2": len },
  );
}

/** A bias laser: an input grating coupler feeding out0 (the constant source of a layer's bias input). */
export function biasLaser(): LayoutCell {
  const shapes: Shape[] = [
    {
      kind: "polygon",
      layer: "si",
      points: [
        [0, -5],
        [15, -5],
        [35, -W / 2],
        [45, -W / 2],
        [45, W / 2],
        [35, W / 2],
        [15, 5],
        [0, 5],
      ],
    },
  ];
  return primitive("bias_source", "bias_source", shapes, [{ name: "out0", x: 45, y: 0, side: "out" }], {});
}
