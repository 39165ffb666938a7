// Layer maps and the design rules every drawn shape obeys (docs/design/layout.md). Cells draw on logical
// layers; a PDK map turns them into GDSII layer/datatype pairs when the library is written.

export type LayerName = "si" | "heater" | "metal" | "padopen" | "pinrec" | "devrec" | "floorplan" | "text" | "waveguide";

export type LayerMap = Record<LayerName, [number, number]>;

/**
 * SiEPIC EBeam PDK layers. "waveguide" is the PDK's Waveguide layer (1/99, not fabricated): each
 * waveguide's spine as a path, beside its Si outline as a polygon (library.ts).
 */
export const EBEAM_LAYERS: LayerMap = {
  si: [1, 0],
  waveguide: [1, 99],
  heater: [11, 0],
  metal: [12, 0],
  padopen: [13, 0],
  pinrec: [1, 10],
  devrec: [68, 0],
  floorplan: [99, 0],
  text: [10, 0],
};

/** gdsfactory's generic PDK (after Chrostowski & Hochberg): WG, MH, M2, PADOPEN, PORT, DEVREC, FLOORPLAN, TEXT; the spines on 1/99 as on EBeam. */
export const GENERIC_LAYERS: LayerMap = {
  si: [1, 0],
  waveguide: [1, 99],
  heater: [47, 0],
  metal: [45, 0],
  padopen: [46, 0],
  pinrec: [1, 10],
  devrec: [68, 0],
  floorplan: [64, 0],
  text: [66, 0],
};

export type PdkName = "ebeam" | "generic";
export const LAYER_MAPS: Record<PdkName, LayerMap> = { ebeam: EBEAM_LAYERS, generic: GENERIC_LAYERS };

/** Geometry of the drawn circuit, µm. Every number here is a design choice documented in docs/design/layout.md. */
export const RULES = {
  /** Strip waveguide width (EBeam 500 × 220 nm Si). */
  wgWidth: 0.5,
  /** Smallest Si gap (the directional coupler's gap). */
  siSpace: 0.2,
  /** Smallest bend radius of any waveguide centreline. */
  minRadius: 5,
  /** Heater (M1, TiN) strip over a phase shifter: the EBeam wg_heater's 4 µm (its rule: width and space ≥ 3 µm). */
  heaterWidth: 4,
  heaterSpace: 3,
  /** M2 routing metal: the EBeam rule, width ≥ 5 µm, space ≥ 8 µm. */
  metalWidth: 5,
  metalSpace: 8,
  /** M2 contact over each heater end: 10 µm along it (the EBeam wg_heater's), 1 µm past its sides. */
  contactLength: 10,
  contactOverhang: 1,
  /** Centre-to-centre pitch of parallel M2 leads: the EBeam width plus its space (5 + 8 µm). */
  leadPitch: 13,
  /**
   * Flip-chip bump: a 30 µm opening (the project's smallest pad opening) in a 34 µm M2 pad, on a
   * 60 µm pitch, the low end of Cu-pillar production pitch (60–125 µm, SPIL's Cu-pillar flip-chip
   * page). Two rows per field, the second offset by half a pitch and 52 µm on, so every bump is
   * 60 µm from its nearest neighbours and a lead passes between two bumps of the first row
   * 10.5 µm from each (docs/design/layout.md §6).
   */
  bump: 34,
  padOpenInset: 2,
  bumpPitch: 60,
  bumpRowPitch: 52,
  /** Grating-coupler pitch (fibre array). */
  ioPitch: 127,
  /** Pitch of the two ports on one side of a 2×2 cell. */
  portPitch: 10,
  /** Vertical gap between stacked cells in one column: the M2 space, so two heaters' contacts may stack. */
  cellGap: 8,
  /** Gap between two heaters stacked in a column: a lead (5 µm) with the M2 space (8 µm) to either contact. */
  heaterLeadGap: 21,
  /**
   * Pitch of the heaters of a column of heaters only, split in two sub-columns (layout/leads.ts
   * splitZone): each heater has the other sub-column's straight track beside it, 20 µm (the
   * reviewer's thermal gap) from its 4 µm strip: 2 + 20 + 0.25 µm.
   */
  splitHeaterPitch: 22.25,
  /**
   * Least gap the placement keeps from a heater strip's long side to Si not its own: the reviewer's
   * thermal gap (docs/design/layout.md §10.2). Staggered heater columns (stagger.ts) keep
   * it at 0.13 mm² per MZI on the quick start; 8.75 µm is what the 8 µm cell gap alone gives.
   */
  heaterClearance: 20,
  /** Pitch of through-going waveguides (feed-throughs). */
  trackPitch: 10,
  /** Largest slope of an S-bend (3 = 72°): two S-bends over one interval keep a gap of at least 1/√10 of their vertical gap (≥ 1 µm at the 10 µm port pitch); the radius bound still holds (sbendLength). */
  maxSlope: 3,
  /** Length of the trim section where a route gets its phase-trim bump: 20 µm holds a one-period bump (≤ 2.2 µm high) at a radius ≥ 7 µm. */
  trimLength: 20,
  /** Space from a design's outermost shape to the die edge (floor plan). */
  dieMargin: 100,
} as const;
