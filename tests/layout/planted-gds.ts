// The hand-made GDSII files of tests/layout/layout-check.test.ts: the GDSII writer's round trip, and
// files breaking rules on purpose: the DRC deck's (one violation of each), the reviewer's, and the
// flat Si check's classes.
import type { GdsLibrary } from "../../layout/gds-write.ts";

/** A GDS rectangle on `layer` (datatype 0), corners in µm, for the hand-made files below. */
export function box(layer: number, x0: number, y0: number, x1: number, y1: number) {
  const points: [number, number][] = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
  return { kind: "boundary" as const, layer, datatype: 0, points };
}
/** A rectangle of waveguide silicon (layer 1). */
export const si = (x0: number, y0: number, x1: number, y1: number) => box(1, x0, y0, x1, y1);

/**
 * A waveguide's Si outline (1 µm straight, 45° up for 2 µm, turning 1° there) with a spike on its
 * left side at the turn: 5 nm along the 45° segment, 1 nm wide at its base.
 */
function spiked(x: number, y: number) {
  const nm = (v: number): number => Math.round(v * 1000);
  const [x0, y0] = [nm(x), nm(y)];
  // the spine: (0, 0) → (1000, 0) → (2414, 1414) → (3800, 2777) nm
  const left: [number, number][] = [
    [0, 250],
    [896, 250],
    // the spike at the second corner: out along the 45° side and back
    [2237, 1591],
    [2241, 1595],
    [2238, 1591],
    [3625, 2955],
  ];
  const right: [number, number][] = [
    [3975, 2599],
    [2591, 1237],
    [1104, -250],
    [0, -250],
  ];
  const points = [...left, ...right].map(([a, b]) => [(x0 + a) / 1000, (y0 + b) / 1000] as [number, number]);
  return { kind: "boundary" as const, layer: 1, datatype: 0, points };
}

/** One violation of each rule of the DRC deck (scripts/klayout/check_layout.py), and wired heaters beside them. */
export function badDeckLibrary(): GdsLibrary {
  // a 34 µm bump pad with its 30 µm opening, lower left corner at (x, y)
  const pad = (x: number, y: number) => [box(12, x, y, x + 34, y + 34), box(13, x + 2, y + 2, x + 32, y + 32)];
  return {
    name: "BAD",
    structures: [
      {
        name: "bad",
        elements: [
          si(0, 0, 10, 0.5),
          si(0, 0.6, 10, 1.1), // 0.1 µm gap
          si(20, 0, 30, 0.3), // 0.3 µm wide
          si(40, 0, 80, 0.5),
          {
            kind: "boundary",
            layer: 13,
            datatype: 0,
            points: [
              [45, -20],
              [80, -20],
              [80, 20],
              [45, 20],
            ],
          }, // pad opening over a waveguide
          {
            kind: "path",
            layer: 1,
            datatype: 0,
            width: 0.5,
            points: [
              [100, 0],
              [102, 0],
              [103.4, 0.6],
              [104, 2],
            ],
          }, // 2 µm bend
          si(500, 0, 510, 0.5), // outside the floor plan
          box(11, 110, -20, 140, -16), // a heater with no metal: not wired
          box(11, 150, -20, 190, -16), // a heater whose one contact lands 1 µm on it
          box(12, 148, -21, 151, -15), // ... 3 µm of M2: too narrow, and only 1 µm over M1
          box(12, 110, 10, 120, 20),
          box(12, 126, 10, 136, 20), // M2 6 µm from M2
          box(68, 150, 5, 170, 15),
          box(68, 165, 10, 185, 25), // device boxes overlapping
          box(68, 185, 10, 195, 20), // ... and one abutting the second (shares an edge: allowed)
          // a shared ground: two heaters, one ground bar over their input ends up to one pad,
          // each output end on a lead of its own to its own pad (wired: no marker)
          box(11, 10, 100, 50, 104),
          box(11, 10, 200, 50, 204),
          box(12, 10, 96, 20, 260),
          ...pad(0, 260),
          box(12, 40, 98, 70, 106),
          ...pad(70, 85),
          box(12, 40, 198, 70, 206),
          ...pad(70, 185),
          // the same with the two signals shorted by one bar: neither heater has a lead of its own
          box(11, 150, 100, 190, 104),
          box(11, 150, 200, 190, 204),
          box(12, 150, 96, 160, 260),
          ...pad(120, 260),
          box(12, 180, 98, 190, 215),
          ...pad(180, 215),
          // a heater with its own signal and a ground contact that reaches no pad
          box(11, 220, 100, 260, 104),
          box(12, 220, 98, 230, 120),
          ...pad(220, 120),
          box(12, 250, 98, 260, 106),
          // the deck runs in 1 mm tiles from the cell's left edge (x = -10): a gap and a narrow
          // strip that straddle the tile boundary at x = 990 count once each
          si(985, 0, 995, 0.5),
          si(985, 0.6, 995, 1.1), // 0.1 µm gap
          si(985, 10, 995, 10.3), // 0.3 µm wide
          // the EBeam Si rules (60 nm width, 70 nm space): a route whose outline carries a 5 nm
          // spike under 1 nm thick at a vertex next to a 45° segment (what KLayout's conversion of a
          // path leaves there), and two waveguides 60 nm apart
          spiked(200, 300),
          si(200, 320, 210, 320.5),
          si(200, 320.56, 210, 321.06), // 60 nm gap
          // a waveguide spine (Waveguide layer 1/99) with no Si under it
          {
            kind: "path",
            layer: 1,
            datatype: 99,
            width: 0.5,
            points: [
              [200, 340],
              [210, 340],
            ],
          },
          {
            kind: "boundary",
            layer: 99,
            datatype: 0,
            points: [
              [-10, -30],
              [300, -30],
              [300, 400],
              [-10, 400],
            ],
          },
        ],
      },
    ],
  };
}

/** A 100 µm heater at (x, y) over its own 0.5 µm waveguide (unless `wg` is false), wired as the
 * EBeam wg_heater is: a 10 µm M2 contact on each end, each lead up to a bump of its own. */
const shifter = (x: number, y: number, wg = true) => [
  ...(wg ? [si(x, y - 0.25, x + 100, y + 0.25)] : []),
  box(11, x, y - 2, x + 100, y + 2),
  box(12, x, y - 3, x + 10, y + 3),
  box(12, x + 2.5, y + 3, x + 7.5, y + 60),
  box(12, x - 12, y + 60, x + 22, y + 94),
  box(13, x - 10, y + 62, x + 20, y + 92),
  box(12, x + 90, y - 3, x + 100, y + 3),
  box(12, x + 92.5, y + 3, x + 97.5, y + 60),
  box(12, x + 78, y + 60, x + 112, y + 94),
  box(13, x + 80, y + 62, x + 110, y + 92),
];

/** The reviewer's rules (docs/design/layout.md §10.2), each broken once beside a heater that passes them all. */
export function reviewLibrary(): GdsLibrary {
  return {
    name: "REVIEW",
    structures: [
      {
        name: "review",
        elements: [
          ...shifter(0, 0), // passes every rule
          ...shifter(200, 0, false),
          si(200, -0.25, 250, 0.25), // its waveguide runs half its length: heater_off_waveguide
          ...shifter(400, 0),
          si(449.75, -40, 450.25, 40), // another waveguide under the heater: heater_over_other_si
          si(600, -0.25, 700, 0.25),
          box(12, 605, -3, 625, 3), // M2 along the waveguide for 20 µm: m2_along_waveguide
          box(12, 655, -10, 660, 10), // M2 across it (allowed)
          box(12, 680, -3, 690, 3), // M2 along it for 10 µm, as the PDK's contact (allowed)
          ...shifter(0, 200),
          si(0, 212, 100, 212.5), // a waveguide 10 µm from the heater: thermal_gap
          ...shifter(200, 200),
          si(200, 227, 300, 227.5), // 25 µm from it (allowed)
          box(99, -100, -100, 900, 400),
        ],
      },
    ],
  };
}

/** The flat Si check's classes (scripts/klayout/flat_si_check.py), each planted. */
export function flatLibrary(): GdsLibrary {
  return {
    name: "FLAT",
    structures: [
      // a crossing's device box, centre (72, 2): its core is 68.5..75.5 × -1.5..5.5
      { name: "crossing", elements: [{ ...si(0, 0, 4, 4), layer: 68 }] },
      {
        name: "flat",
        elements: [
          si(0, 0, 10, 0.5),
          si(0, 0.6, 10, 1.1),
          si(20, 0, 30, 0.3),
          si(40, 0, 50, 0.5),
          si(40, 0.7, 50, 1.2),
          // the quick start's route vertex at (5206.145, 2640.302) µm moved by whole µm: its
          // outline steps 1 nm where the path turns by 0.2° on a 45° diagonal (its ends lie on
          // exact 45° segments, so their flush ends are square on the grid)
          {
            kind: "path",
            layer: 1,
            datatype: 0,
            width: 0.5,
            points: [
              [54.849, 41.951],
              [56.322, 40.478],
              [57.796, 38.994],
              [59.296, 37.494],
            ],
          },
          { kind: "sref", cell: "crossing", at: [70, 0] },
          si(71, 1.5, 73, 1.8),
          si(70.5, 2.5, 73, 3),
          si(70.5, 3.1, 73, 3.6),
        ],
      },
    ],
  };
}

/** A small library of every element kind the writer knows: two cells, a box, a path, a pin text and
 * two named instances (one rotated), for its round trip through KLayout. */
export const writerLibrary = (): GdsLibrary => ({
  name: "T",
  structures: [
    {
      name: "leaf",
      elements: [
        {
          kind: "boundary",
          layer: 1,
          datatype: 0,
          points: [
            [0, 0],
            [2, 0],
            [2, 1],
            [0, 1],
          ],
        },
        {
          kind: "path",
          layer: 1,
          datatype: 0,
          width: 0.5,
          points: [
            [0, 0],
            [10.6526, 0],
            [20, 3.25],
          ],
        },
        { kind: "text", layer: 1, texttype: 10, at: [0, 0], text: "o1" },
      ],
    },
    {
      name: "top",
      elements: [
        { kind: "sref", cell: "leaf", at: [5, 7.5], properties: [[1, "a"]] },
        { kind: "sref", cell: "leaf", at: [-3.001, 0], rotation: 90, properties: [[1, "b"]] },
        {
          kind: "boundary",
          layer: 99,
          datatype: 0,
          points: [
            [-50, -50],
            [50, -50],
            [50, 50],
            [-50, 50],
          ],
        },
      ],
    },
  ],
});
