# The reviewer's rules of docs/design/layout.md §10.2, imported by check_layout.py:
# heaters on their waveguides, metal over waveguides, thermal spacing, the die size. Each works on
# one design cell, flattened, and returns (count, first locations). Values and their sources are
# stated in docs/design/layout.md §10.2; the defaults live here and check_layout.py's -rd options override them.
import pya

# A heater's Si strip must run its whole length: at most this much short of it (grid, µm).
ALONG_TOL = 0.01
# A heater's own waveguide lies within this distance of the heater's centre line (µm).
STRIP_MAX = 1.0
# M2 may lie over Si for at most this length in one piece outside a heater (µm): the EBeam
# wg_heater's own M2 contact covers its waveguide for 10 µm at each heater end.
M2_ALONG_MAX = 10.0
# Least gap between a heater strip and any waveguide that is not its own (µm): 0.3-3 % thermal
# crosstalk at >= 20 µm, 3-10 % at 5-15 µm (lab-departures.md, sec. 1 and 9).
THERMAL_GAP = 20.0
# Largest die (µm), either way round: one 4x scanner field, 26 x 33 mm (../shared/reference/layout.md, Pads and dies).
DIE_MAX = (26000.0, 33000.0)


def _axis(box):
    """The heater's long axis: True when it runs along x."""
    return box.width() >= box.height()


def _extent(box, along_x):
    return (box.width(), box.height()) if along_x else (box.height(), box.width())


def _within(cell, layer, box):
    """The layer's shapes of the flattened cell within the box, clipped to it (merged by the
    boolean): what the whole cell's merged layer holds there. Each query reads only the shapes that
    reach the box, so a heater costs what its neighbourhood holds, not what the whole mesh holds."""
    it = pya.RecursiveShapeIterator(cell.layout(), cell, layer, box, True)
    return pya.Region(it) & pya.Region(box)


def heater_placement(cell, heater_layer, si_layer, dbu):
    """Every heater strip over one straight Si strip along its whole length, within STRIP_MAX of its
    centre line (heater_off_waveguide), and over no other Si (heater_over_other_si: M1 off its own
    phase shifter heats what it should not). Returns ((off, notes), (other, notes))."""
    heat = pya.Region(cell.begin_shapes_rec(heater_layer)).merged()
    tol = int(round(ALONG_TOL / dbu))
    band = int(round(STRIP_MAX / dbu))
    off, other = [], []
    for h in heat.each():
        hb = h.bbox()
        along_x = _axis(hb)
        length, _ = _extent(hb, along_x)
        c = hb.center()
        core = pya.Region(pya.Box(hb.left, c.y - band, hb.right, c.y + band) if along_x else pya.Box(c.x - band, hb.bottom, c.x + band, hb.top))
        under = _within(cell, si_layer, hb) & pya.Region(h)
        strip = (under & core).merged()
        if not any(_extent(p.bbox(), along_x)[0] >= length - tol for p in strip.each()):
            off.append(f"{cell.name} {hb}")
        elif not (under - core).is_empty():
            other.append(f"{cell.name} {hb}")
    return (len(off), off[:20]), (len(other), other[:20])


def _long(name, pieces, dbu):
    """The pieces longer than M2_ALONG_MAX (the longer side of the bounding box), as locations."""
    limit = int(round(M2_ALONG_MAX / dbu)) + 5
    return [f"{name} {p.bbox()} {max(p.bbox().width(), p.bbox().height()) * dbu:.1f} um" for p in pieces if max(p.bbox().width(), p.bbox().height()) > limit]


def metal_over_si_tile(name, si, metal, heat, core, dbu):
    """M2 over Si outside the heaters in one tile of a design cell, from the tile's merged layers
    (each covering the tile). A piece longer than M2_ALONG_MAX runs along the waveguide instead of
    crossing it. Returns (pieces wholly inside the tile, the long ones among them as locations, the
    pieces that reach the tile's edge as strings): those may go on in the next tile, so metal_along
    joins them across tiles before measuring them. The whole cell's layers are never merged at once
    (a flat mesh's Si merges into polygons of millions of points)."""
    over = ((si & metal & pya.Region(core)) - heat).merged()
    inner, edge = [], []
    for p in over.each():
        b = p.bbox()
        if core.left < b.left and b.right < core.right and core.bottom < b.bottom and b.top < core.top:
            inner.append(p)
        else:
            edge.append(p.to_s())
    return len(inner), _long(name, inner, dbu), edge


def metal_along(name, inside, long_inside, edge, dbu):
    """A design cell's M2 over Si from its tiles (metal_over_si_tile's three results, summed over
    the tiles), the edge pieces joined: (long pieces, their first locations, all pieces)."""
    joined = pya.Region()
    for s in edge:
        joined.insert(pya.Polygon.from_s(s))
    joined.merge()
    long = long_inside + _long(name, joined.each(), dbu)
    return len(long), long[:20], inside + joined.count()


def thermal_spacing(cell, heater_layer, si_layer, dbu):
    """Heaters with a waveguide not their own within THERMAL_GAP across their strip. The zone is the
    heater's box grown by the gap on its two long sides (not past its ends, where its own waveguide
    goes on); Si there that does not touch the heater is another waveguide. Returns (markers, first
    locations with the nearest gap, the nearest gaps in µm, the heaters checked)."""
    heat = pya.Region(cell.begin_shapes_rec(heater_layer)).merged()
    g = int(round(THERMAL_GAP / dbu))
    boxes = []
    for h in heat.each():
        hb = h.bbox()
        z = hb.enlarged(0, g) if _axis(hb) else hb.enlarged(g, 0)
        boxes.append((h, hb, z))
    notes, gaps = [], []
    for h, hb, z in boxes:
        near = _within(cell, si_layer, z).merged().not_interacting(pya.Region(h))
        if near.is_empty():
            continue
        along_x = _axis(hb)
        gap = min(
            max(p.bbox().bottom - hb.top, hb.bottom - p.bbox().top) if along_x else max(p.bbox().left - hb.right, hb.left - p.bbox().right)
            for p in near.each()
        ) * dbu
        gaps.append(round(max(gap, 0.0), 3))
        if len(notes) < 20:
            notes.append(f"{cell.name} {hb} gap {max(gap, 0.0):.2f} um")
    return len(gaps), notes, gaps, len(boxes)


def die_too_large(floorplan_boxes, dbu):
    """1 when the floor plan does not fit DIE_MAX either way round, else 0; and the die in µm."""
    if not floorplan_boxes:
        return 0, None
    b = floorplan_boxes[0]
    w, h = b.width() * dbu, b.height() * dbu
    a, c = sorted(DIE_MAX)
    fits = max(w, h) <= c + 1e-6 and min(w, h) <= a + 1e-6
    return (0 if fits else 1), [round(w, 3), round(h, 3)]
