# KLayout check of an optinc layout (run headless: klayout -b -r check_layout.py -rd gds=chip.gds
#   -rd netlists=<compiled dir> -rd out=check.json [-rd png=chip.png] [-rd period=0.6352459016393442]).
# 1. reads the GDSII file; 2. runs the DRC deck (docs/reference/drc-rules.md lists every rule,
# its value and its source); 3. extracts the optical connectivity of every netlist cell (route
# spines between pin-recognition shapes, crossings contracted) and compares it, instance by
# instance, with the <name>.netlist.json files; 4. measures every phase-shifter / waveguide / route
# length; 5. renders a PNG. Writes one JSON. A waveguide is drawn as its Si outline (a polygon on
# 1/0) and its spine (a path on the Waveguide layer, 1/99): the width and space rules read the Si,
# the bends, lengths and connections read the spines, and the deck checks that every spine lies in
# Si (spine_without_si). A file whose waveguides are Si paths is read the same way, each path its own spine.
# Scale (docs/design/layout.md §10.3): the width / space / pad rules and the route-shorts check run tile by tile
# (a tile sees everything within a border round it), on two processes when there are two cores;
# every per-point pass (bend radius, lengths, route ends) runs on the path points parsed once per
# cell into numpy arrays. [-rd jobs=N] sets the number of processes, [-rd tile=<µm>] the tile (1000).
import json, os, glob, pickle, sys, time
import numpy as np
import pya

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import review_rules as review  # the reviewer's rules (heaters, metal over Si, thermal, die size)
import ebeam_si_rules as ebeam_si  # the EBeam PDK's Si width and space rules

T0 = time.time()
seconds = {}
def lap(name):
    global T0
    seconds[name] = round(time.time() - T0, 2)
    T0 = time.time()

# Tiles are independent: split_map runs them on JOBS processes (-rd jobs=N; default 2 when the
# machine has two cores). Each child is a fork of this one, so it reads the layout already loaded
# (copy-on-write), works through every JOBS-th item and sends its results back pickled; results
# come back in item order, so the output does not depend on the number of processes.
JOBS = max(1, int(globals().get("jobs") or min(2, os.cpu_count() or 1)))

def split_map(items, work):
    if JOBS < 2 or len(items) < 2:
        return [work(x) for x in items]
    children = []
    for k in range(1, JOBS):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its share, then exit without running the parent's cleanup
            code = 0
            try:
                os.close(r)
                with os.fdopen(w, "wb") as f:
                    pickle.dump([work(x) for x in items[k::JOBS]], f)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(w)
        children.append((pid, r))
    shares = [[work(x) for x in items[0::JOBS]]]
    for pid, r in children:
        with os.fdopen(r, "rb") as f:
            data = f.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            raise RuntimeError(f"a worker process failed (status {status})")
        shares.append(pickle.loads(data))
    out = [None] * len(items)
    for k, share in enumerate(shares):
        out[k::JOBS] = share
    return out

gds = globals().get("gds"); ndir = globals().get("netlists"); out = globals().get("out")
png = globals().get("png"); period = float(globals().get("period") or 1.55 / 2.44)
pdk = globals().get("pdk") or "ebeam"
LAYERS = {
    "ebeam": dict(si=(1, 0), waveguide=(1, 99), heater=(11, 0), metal=(12, 0), padopen=(13, 0), pinrec=(1, 10), devrec=(68, 0), floorplan=(99, 0), text=(10, 0)),
    "generic": dict(si=(1, 0), waveguide=(1, 99), heater=(47, 0), metal=(45, 0), padopen=(46, 0), pinrec=(1, 10), devrec=(68, 0), floorplan=(64, 0), text=(66, 0)),
}[pdk]
# Rules in µm (docs/design/layout.md §10.1), one row each: (layer, min width, min space, source).
# The project's own rules hold for both layer maps; the SiEPIC EBeam PDK's, written from its DRC
# deck's documented values (M1_heater 3/3, M2_router 5/8, M2 over M1 >= 3, MLOpen 10/10, no DevRec
# overlap), are added for pdk=ebeam. Where a layer has both, the stricter value is checked.
PROJECT_RULES = [("si", 0.5, 0.2, "project"), ("heater", 3.0, 3.0, "project"), ("metal", 3.0, 4.0, "project"), ("padopen", 30.0, 4.0, "project")]
PDK_RULES = {
    "ebeam": [("heater", 3.0, 3.0, "EBeam M1_heater"), ("metal", 5.0, 8.0, "EBeam M2_router"), ("padopen", 10.0, 10.0, "EBeam MLOpen")],
    "generic": [],
}
M2_OVER_M1 = {"ebeam": 3.0, "generic": 0.0}[pdk]
# The EBeam PDK's Si rules (ebeam_si_rules.py: 60 nm width, 70 nm space, corners of 80° or more
# exempt), checked as the PDK checks them beside the project's stricter Si rules above
EBEAM_SI = pdk == "ebeam"
RULES = {}
for k, w, s_, _ in PROJECT_RULES + PDK_RULES[pdk]:
    w0, s0 = RULES.get(k, (0.0, 0.0))
    RULES[k] = (max(w0, w), max(s0, s_))
MIN_RADIUS = 5.0
# The reviewer's limits (docs/design/layout.md §10.2; review_rules.py states each source):
# -rd thermal_gap=<um> -rd m2_along=<um> -rd die_max=<w>x<h> (mm) -rd max_crossings=<n>
review.THERMAL_GAP = float(globals().get("thermal_gap") or review.THERMAL_GAP)
review.M2_ALONG_MAX = float(globals().get("m2_along") or review.M2_ALONG_MAX)
if globals().get("die_max"):
    review.DIE_MAX = tuple(float(v) * 1000 for v in str(globals()["die_max"]).lower().split("x"))
# Crossing cells (crossings and the loss-matched junctions, each a PDK crossing on a chip) on one
# path between two pins: at most 1 dB of crossing loss at 0.043 dB each (docs/design/layout.md §10.2)
MAX_CROSSINGS = int(globals().get("max_crossings") or 23)

ly = pya.Layout()
ly.read(gds)
dbu = ly.dbu
tops = ly.top_cells()
top = tops[0]
L = {k: ly.layer(a, b) for k, (a, b) in LAYERS.items()}
lap("read")
res = {"read": {"cells": ly.cells(), "top": top.name, "tops": len(tops), "dbu": dbu}, "drc": {}, "connectivity": {}, "lengths": {}}

def rec(name):
    return pya.Region(top.begin_shapes_rec(L[name]))

# ---- DRC --------------------------------------------------------------------------------------
# Width, space, pad and crossing checks run on each design cell (every cell the chip instantiates,
# flattened), once per design however many copies the chip holds; copies must not come closer
# than the largest spacing rule, and nothing may lie outside the floor plan.
drc = {}
where = {}
CORE = int(round(3.5 / dbu))
TILE = int(round(float(globals().get("tile") or 1000) / dbu))  # -rd tile=<µm>: the same result for any size
PROJ = int(round(0.02 / dbu))
PAD_GROW = int(round(2 / dbu))
SPINE_SLACK = int(round(0.002 / dbu))
# KLayout's conversion of a path drops interior points that lie on a line to the nm grid and draws
# the chord: on a long, gentle bend (the trained mesh's channels) its edge lies up to 3 nm (measured)
# inside the drawn outline. A Si outline is its spines' when it lies within them grown by this much.
OUTLINE_SLACK = int(round(0.005 / dbu))
# a tile is checked with everything within BORDER of it, clipped there: clipping makes edges on the
# window's boundary, and the markers they cause lie within one rule distance of it, so they never
# reach the tile when the border exceeds twice the layer's largest rule (10 µm at least: the crossing
# core, 3.5 µm, and the pad metal, 2 µm)
BORDER = {k: int(round(max(10.0, 2 * max(w, s)) / dbu)) for k, (w, s) in RULES.items()}

def crossing_cores(cell, win):
    # a 7 µm × 7 µm box round the point where a crossing's arms cross: its DRC is waived there, as
    # a PDK crossing's is (the arms meet at about 90°, which no width or space rule describes)
    waiver = pya.Region()
    it = cell.begin_shapes_rec_overlapping(L["devrec"], win)
    while not it.at_end():
        if it.cell().name in ("crossing", "junction"):
            c = it.shape().bbox().transformed(it.trans()).center()
            waiver.insert(pya.Box(c.x - CORE, c.y - CORE, c.x + CORE, c.y + CORE))
        it.next()
    return waiver

def in_tile(markers, core):
    """The marker polygons whose bounding-box centre lies in the tile (half-open, so that a marker
    found by two neighbouring tiles counts once)."""
    kept = []
    for m in markers.each():
        c = m.bbox().center()
        if core.left <= c.x < core.right and core.bottom <= c.y < core.top:
            kept.append(m)
    return kept

# Every cell's Si shapes as polygons on a scratch layer, converted once: a long route (up to 4095
# points a piece) reaches many tiles, and each would convert the whole path again
SI_POLY = ly.insert_layer(pya.LayerInfo())
for c in ly.each_cell():
    r = pya.Region(c.shapes(L["si"]))
    r.merged_semantics = False  # each shape's own polygon, exactly what the tiles would make
    c.shapes(SI_POLY).insert(r)
LAYER_OF = {k: (SI_POLY if k == "si" else L[k]) for k in RULES}

def window(cell, k, core):
    """The layer's shapes of the flattened cell within the tile's window, clipped to it, or None."""
    win = core.enlarged(BORDER[k], BORDER[k])
    it = cell.begin_shapes_rec_overlapping(LAYER_OF[k], win)
    if it.at_end():
        return None, win
    return pya.Region(it) & pya.Region(win), win

def check_tile(item):
    """The width, space and pad rules on one tile of a design cell: ({rule: markers}, {rule: first
    locations}, whether the tile holds any shape)."""
    ci, core = item[0], pya.Box(*item[1:])
    cell = ly.cell(ci)
    counts, notes, got, wins = {}, {}, {}, {}
    def count(key, name, kept):
        counts[key] = counts.get(key, 0) + len(kept)
        notes.setdefault(name, []).extend(f"{cell.name} {m.bbox()}" for m in kept[:20])
    for k, (w, s) in RULES.items():
        r, win = window(cell, k, core)
        if r is None:
            continue
        got[k], wins[k] = r, win
        # The edges of the merged shapes: a width pair is two of them facing each other across the
        # inside, a space pair across the outside (within one shape or between two). Curved paths
        # become polygons on the 1 nm grid: vertices move by up to a nanometre and the joins of
        # nearly collinear segments leave steps a few nanometres long. So the checks run 5 nm (1 %)
        # below the drawn widths and gaps, and count an edge pair only when the edges face each
        # other over at least 20 nm (a real violation faces over far more).
        e = r.edges()
        e.merged_semantics = False  # edges of merged polygons: nothing left to join
        wv = e.width_check(int(round(w / dbu)) - 5, False, pya.Edges.Euclidian, None, PROJ).polygons()
        sv = e.space_check(int(round(s / dbu)) - 5, False, pya.Edges.Euclidian, None, PROJ).polygons()
        if k == "si" and not (wv.is_empty() and sv.is_empty()):
            waiver = crossing_cores(cell, win)
            wv = wv.not_inside(waiver)
            sv = sv.not_inside(waiver)
        count(f"{k}.width<{w}", f"{k}.width", in_tile(wv, core))
        count(f"{k}.space<{s}", f"{k}.space", in_tile(sv, core))
        if k == "si" and EBEAM_SI:
            ew, es = ebeam_si.check(r, dbu)
            kw, ks = ebeam_si.keys()
            count(kw, "si.ebeam_width", in_tile(ew, core))
            count(ks, "si.ebeam_space", in_tile(es, core))
    if "si" in got:
        # every waveguide spine (a path on the Waveguide layer) lies in Si: what KLayout's own
        # conversion of a spine covers beyond the Si, after 2 nm off every side (the grid and
        # KLayout's sub-nanometre spikes), is Si missing from a waveguide
        sp = cell.begin_shapes_rec_overlapping(L["waveguide"], wins["si"])
        if not sp.at_end():
            bare = ((pya.Region(sp) & pya.Region(wins["si"])) - got["si"]).sized(-SPINE_SLACK)
            count("spine_without_si", "spine_without_si", in_tile(bare, core))
    if "si" in got and "padopen" in got:
        # the pad window reaches further than the Si one; what a grown pad covers of the Si window
        # near the tile is all that can overlap there
        count("pad_over_waveguide", "pad_over_waveguide", in_tile(got["padopen"].sized(PAD_GROW) & got["si"], core))
    # M2 over Si outside the heaters (the reviewer's rule, review_rules.py), from the same windows
    m2 = None
    if "si" in got and "metal" in got:
        heat = got["heater"] if "heater" in got else pya.Region()
        m2 = review.metal_over_si_tile(cell.name, got["si"], got["metal"], heat, core, dbu)
    return counts, notes, bool(got), m2

design_cells = sorted({i.cell.cell_index() for i in top.each_inst()}) or [top.cell_index()]
for k in RULES:
    drc[f"{k}.width<{RULES[k][0]}"] = 0
    drc[f"{k}.space<{RULES[k][1]}"] = 0
if EBEAM_SI:
    for key in ebeam_si.keys():
        drc[key] = 0
drc["spine_without_si"] = 0
drc["pad_over_waveguide"] = 0
tiles = []
for ci in design_cells:
    bb = ly.cell(ci).bbox()
    if bb.empty():
        continue
    nx = -(-bb.width() // TILE) or 1
    ny = -(-bb.height() // TILE) or 1
    for ix in range(nx):
        for iy in range(ny):
            # the last row and column take the cell's far edges too
            x1 = bb.left + (ix + 1) * TILE + (1 if ix == nx - 1 else 0)
            y1 = bb.bottom + (iy + 1) * TILE + (1 if iy == ny - 1 else 0)
            tiles.append((ci, bb.left + ix * TILE, bb.bottom + iy * TILE, x1, y1))
tiles_checked = 0
m2_tiles = {}  # design cell index: [pieces inside tiles, long ones' locations, pieces at tile edges]
for (ci, *_), (counts, notes, seen, m2) in zip(tiles, split_map(tiles, check_tile)):
    if m2:
        acc = m2_tiles.setdefault(ci, [0, [], []])
        acc[0] += m2[0]
        acc[1].extend(m2[1])
        acc[2].extend(m2[2])
    for key, n in counts.items():
        drc[key] += n
    for name, locs in notes.items():
        lst = where.setdefault(name, [])
        lst.extend(locs[: max(0, 20 - len(lst))])
    tiles_checked += seen
res["drc_tiles"] = tiles_checked
lap("drc_layers")
# copies of designs on the chip: bounding boxes apart by more than the largest spacing rule
# (a sweep over the boxes sorted by their left edge: a pair is tested only when their x ranges,
# one grown by the gap, meet)
boxes = sorted((i.bbox() for i in top.each_inst()), key=lambda b: b.left)
gap = int(round(max(s for _, s in RULES.values()) / dbu))
close = 0
for i in range(len(boxes)):
    grown = boxes[i].enlarged(gap, gap)
    for j in range(i + 1, len(boxes)):
        if boxes[j].left > grown.right:
            break
        if grown.overlaps(boxes[j]):
            close += 1
drc["design_copies_too_close"] = close

# Device boxes (DevRec) of one design cell, flattened, must not overlap (EBeam): a sweep over the
# boxes sorted by their left edge. Boxes that share an edge (cells abutting at a pin) do not count.
def devrec_overlaps(ci):
    boxes = []
    it = ly.cell(ci).begin_shapes_rec(L["devrec"])
    while not it.at_end():
        boxes.append(it.shape().bbox().transformed(it.trans()))
        it.next()
    boxes.sort(key=lambda b: b.left)
    hits = []
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if boxes[j].left >= boxes[i].right:
                break
            x = boxes[i] & boxes[j]
            if not x.empty() and x.width() > 0 and x.height() > 0:
                hits.append(f"{ly.cell(ci).name} {x}")
    return hits

# Heaters and their metal, per design cell, flattened: every heater strip touches exactly two metal
# nets, each of which reaches a pad opening (a pad or bump), and one of them is the heater's own
# (it touches no other heater and reaches exactly one opening: its signal); the other may be shared
# by many heaters (a ground). Where M2 lands on M1 the overlap is at least M2_OVER_M1 wide (EBeam: 3 µm).
def heater_wiring(ci):
    cell = ly.cell(ci)
    heat = pya.Region(cell.begin_shapes_rec(L["heater"])).merged()
    metal = pya.Region(cell.begin_shapes_rec(L["metal"])).merged()
    pads = pya.Region(cell.begin_shapes_rec(L["padopen"])).merged()
    own = metal.interacting(heat, 1, 1).interacting(pads, 1, 1)  # a signal: one heater, one pad
    dead = metal.not_interacting(pads)  # a net that reaches no pad
    wired = heat.interacting(metal, 2, 2).not_interacting(dead).interacting(own)
    bad = heat - wired
    notes = [f"{cell.name} {p.bbox()}" for p in list(bad.each())[:20]]
    narrow = pya.Region()
    if M2_OVER_M1 > 0:
        over = heat & metal
        narrow = over.width_check(int(round(M2_OVER_M1 / dbu)) - 5).polygons()
    return heat.count() - wired.count(), notes, narrow.count(), [f"{cell.name} {p.bbox()}" for p in list(narrow.each())[:20]]

drc["devrec_overlap"] = 0
drc["heater_not_wired"] = 0
drc["m2_over_m1<%g" % M2_OVER_M1] = 0
for ci in design_cells:
    hits = devrec_overlaps(ci)
    drc["devrec_overlap"] += len(hits)
    where.setdefault("devrec_overlap", []).extend(hits[:20])
    n, notes, m, mnotes = heater_wiring(ci)
    drc["heater_not_wired"] += n
    where.setdefault("heater_not_wired", []).extend(notes)
    drc["m2_over_m1<%g" % M2_OVER_M1] += m
    where.setdefault("m2_over_m1", []).extend(mnotes)
res["rules"] = [dict(layer=k, width=w, space=s_, source=src) for k, w, s_, src in PROJECT_RULES + PDK_RULES[pdk]]
if EBEAM_SI:
    res["rules"].append(dict(layer="si", width=ebeam_si.WIDTH, space=ebeam_si.SPACE, source="EBeam Si_width / Si_space, 1 nm under, corners >= %g deg exempt" % ebeam_si.ANGLE))
lap("drc_devices")

# The reviewer's rules, per design cell (review_rules.py): heaters on their own waveguides, M2
# crossing waveguides but not running along them (its pieces found by the tiles above), thermal
# spacing (markers with their gaps)
THERMAL_KEY = "thermal_gap<%g" % review.THERMAL_GAP
M2_KEY = "m2_along_waveguide>%g" % review.M2_ALONG_MAX
for key in ("heater_off_waveguide", "heater_over_other_si", M2_KEY, THERMAL_KEY):
    drc[key] = 0
thermal_gaps = []
m2_crossings = 0
heaters_checked = 0
for ci in design_cells:
    cell = ly.cell(ci)
    (n_off, off), (n_other, other) = review.heater_placement(cell, L["heater"], L["si"], dbu)
    n_m2, m2_notes, m2_all = review.metal_along(cell.name, *m2_tiles.get(ci, (0, [], [])), dbu)
    n_th, th_notes, gaps, n_heat = review.thermal_spacing(cell, L["heater"], L["si"], dbu)
    heaters_checked += n_heat
    for key, n, notes in (("heater_off_waveguide", n_off, off), ("heater_over_other_si", n_other, other), (M2_KEY, n_m2, m2_notes), (THERMAL_KEY, n_th, th_notes)):
        drc[key] += n
        lst = where.setdefault(key, [])
        lst.extend(notes[: max(0, 20 - len(lst))])
    thermal_gaps.extend(gaps)
    m2_crossings += m2_all - n_m2
res["thermal"] = {"gap_um": review.THERMAL_GAP, "heaters": heaters_checked, "markers": len(thermal_gaps), "nearest_gap_um": min(thermal_gaps) if thermal_gaps else None,
                  "median_gap_um": float(np.median(thermal_gaps)) if thermal_gaps else None}
res["metal_over_si"] = {"along_max_um": review.M2_ALONG_MAX, "crossings": m2_crossings}
lap("drc_review")

# ---- path points ------------------------------------------------------------------------------
# Every Si path of every cell, parsed once into numpy: the bend, length and route-end passes below
# read these arrays instead of looping over points in Python.
class Paths:
    """The Si paths of one cell, in shape order: first / last point (dbu), drawn length (µm)."""
    def __init__(self, first, last, length):
        self.first, self.last, self.length = first, last, length
    def __len__(self):
        return len(self.length)
    def end_points(self, i):
        return (int(self.first[i, 0]), int(self.first[i, 1])), (int(self.last[i, 0]), int(self.last[i, 1]))

def spines(cell):
    """The cell's waveguide spines, in one fixed order: the paths on the Waveguide layer (optinc
    writes each waveguide as its Si outline and its spine there), then any paths on Si (a file
    that draws its waveguides as Si paths: each is its own spine)."""
    return list(cell.shapes(L["waveguide"]).each(pya.Shapes.SPaths)) + list(cell.shapes(L["si"]).each(pya.Shapes.SPaths))

def path_points(cell):
    """(xy, pid): every point of every spine of the cell as an (n, 2) int64 array in dbu, and the
    index of the spine each point belongs to."""
    texts = []
    for sh in spines(cell):
        t = sh.path.to_s()  # "(x,y;x,y;...) w=... bx=... ex=... r=..."
        texts.append(t[1:t.index(")")])
    if not texts:
        return np.zeros((0, 2), np.int64), np.zeros(0, np.int64)
    counts = np.array([t.count(";") + 1 for t in texts], np.int64)
    xy = np.fromstring(",".join(texts).replace(";", ","), dtype=np.int64, sep=",").reshape(-1, 2)
    if len(xy) != counts.sum():
        raise RuntimeError(f"{cell.name}: could not parse its path points")
    return xy, np.repeat(np.arange(len(texts)), counts)

path_cache = {}
bad_bends = 0
min_r = float("inf")
points_checked = 0
for ci in ly.each_cell():
    xy, pid = path_points(ci)
    k = int(pid[-1]) + 1 if len(pid) else 0
    starts = np.searchsorted(pid, np.arange(k))
    ends = np.append(starts[1:], len(pid))[:k] - 1
    same = pid[1:] == pid[:-1]  # consecutive points of one path: a segment
    d = np.diff(xy, axis=0)
    seg = np.hypot(d[:, 0], d[:, 1])
    length = np.bincount(pid[1:][same], weights=seg[same], minlength=k) * dbu
    path_cache[ci.cell_index()] = Paths(xy[starts], xy[ends], length)
    # bend radius of every waveguide centreline: the circumradius of every three consecutive
    # points of a path (collinear triples have none)
    if len(xy) < 3:
        continue
    p = xy * dbu
    a, b, c = p[:-2], p[1:-1], p[2:]
    triple = pid[:-2] == pid[2:]
    cross = np.abs((b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0]))
    ok = triple & (cross >= 1e-9)
    points_checked += int(triple.sum())
    if not ok.any():
        continue
    a, b, c, cross = a[ok], b[ok], c[ok], cross[ok]
    r = np.hypot(*(b - a).T) * np.hypot(*(c - b).T) * np.hypot(*(a - c).T) / (2 * cross)
    min_r = min(min_r, float(r.min()))
    bad = np.nonzero(r < MIN_RADIUS)[0]
    bad_bends += len(bad)
    for i in bad[:20]:
        where.setdefault("bend", []).append(f"{ci.name} ({b[i, 0]:.3f}, {b[i, 1]:.3f}) r={r[i]:.3f}")
res["drc_bend_triples"] = points_checked
lap("drc_bends")
drc["bend_radius<5"] = bad_bends
min_r = None if min_r == float("inf") else min_r  # no bends: JSON has no Infinity
res["drc_min_radius_um"] = min_r
fps = [sh.bbox() for sh in top.shapes(L["floorplan"]).each()]
drc["floorplan_shapes"] = 0 if len(fps) == 1 else 1
outside = 0
if fps:
    for k in L:
        bb = top.bbox_per_layer(L[k])
        if not bb.empty() and not fps[0].contains(bb.p1) or not bb.empty() and not fps[0].contains(bb.p2):
            outside += 1
drc["outside_floorplan"] = outside
drc["die_too_large"], res["die_um"] = review.die_too_large(fps, dbu)
res["die_max_mm"] = [v / 1000 for v in review.DIE_MAX]
res["drc"] = drc
res["drc_where"] = where
res["drc_violations"] = sum(drc.values())

# ---- connectivity -----------------------------------------------------------------------------
PRIMS = [("phase_shifter_", "phase"), ("waveguide_", "waveguide"), ("coupler_", "coupler"), ("terminator_", "terminator"),
         ("grating_coupler_", "io"), ("crossing", "crossing"), ("junction", "junction"), ("bias_source", "bias_source"), ("pam_source_", "pam_source"),
         ("activation_", "activation"), ("detector_", "detector"), ("amplifier", "amplifier")]

def component_of(cellname, netcells):
    if cellname in netcells:
        return netcells[cellname]
    for p, c in PRIMS:
        if cellname.startswith(p):
            return c
    return "?" + cellname

def own_pins(cell):
    pins = {}
    for sh in cell.shapes(L["pinrec"]).each():
        if sh.is_text():
            pins[sh.text.string] = (sh.text.x, sh.text.y)
    return pins

pin_cache = {}
def pins_of(cell):
    if cell.cell_index() not in pin_cache:
        pin_cache[cell.cell_index()] = own_pins(cell)
    return pin_cache[cell.cell_index()]

def route_chains(cell, pin_at):
    """The Si paths of a cell joined into routes: optinc cuts a route of more points than a GDSII
    element holds into pieces whose ends meet, square, on a straight stretch away from any pin.
    Returns (the cell's Paths, list of chains as piece indices, the joints)."""
    pieces = path_cache[cell.cell_index()]
    ends = {}
    for i in range(len(pieces)):
        for p in pieces.end_points(i):
            ends.setdefault(p, []).append(i)
    joint = {k: v for k, v in ends.items() if len(v) == 2 and v[0] != v[1] and k not in pin_at}
    nbr = {}
    for a, b in joint.values():
        nbr.setdefault(a, []).append(b)
        nbr.setdefault(b, []).append(a)
    seen, chains = set(), []
    for i in range(len(pieces)):
        if i in seen:
            continue
        comp, todo = [], [i]
        seen.add(i)
        while todo:
            j = todo.pop()
            comp.append(j)
            for k in nbr.get(j, []):
                if k not in seen:
                    seen.add(k)
                    todo.append(k)
        chains.append(sorted(comp))
    return pieces, chains, set(joint)

# Route shorts, tile by tile (a flat merge of a mesh's 27,748 routes took 314 s, and the AND with
# its devices 160 s): every route goes onto a scratch layer as polygons of at most 64 vertices, each
# carrying its route's number, so that a tile reads by box only the pieces near it and knows whose
# they are. Within a tile (closed: a touch on its boundary is inside it), two routes touch exactly
# when merging all pieces gives fewer shapes than merging each route's pieces alone.
PIECES = ly.insert_layer(pya.LayerInfo())
CONN_TILE = TILE

def within_spines(wl, poly):
    """Whether poly lies within the union of the Waveguide layer's shapes grown by OUTLINE_SLACK, from
    the shapes that reach it, clipped to its box grown by 4 slacks (sizing there depends on nothing
    farther): a whole-cell merge of a mesh's spines takes minutes. An outline is its own spine's,
    so the spines whose grown box holds poly's box are tried alone first, the tightest first (within
    one grown spine is within the union); else the union of all that reach it. A spine is converted
    to a polygon only when tried: a channel's outline reaches some 35 spines' boxes."""
    b = poly.bbox()
    win = pya.Region(b.enlarged(4 * OUTLINE_SLACK + 4, 4 * OUTLINE_SLACK + 4))
    near = list(wl.each_touching(b.enlarged(OUTLINE_SLACK + 1, OUTLINE_SLACK + 1)))
    inside = lambda area: (pya.Region(poly) - (area & win).sized(OUTLINE_SLACK)).is_empty()
    holding = sorted((sh for sh in near if b.inside(sh.bbox().enlarged(OUTLINE_SLACK, OUTLINE_SLACK))), key=lambda sh: sh.bbox().area())
    if any(inside(pya.Region(sh.polygon)) for sh in holding):
        return True
    return bool(near) and inside(pya.Region([sh.polygon for sh in near]))

def route_shorts(cell, chains):
    """([(route a, route b, tile centre)] for tiles where two routes touch, the number of overlap
    shapes of routes with the Si of the cell's instances, at any depth, counted per tile)."""
    key_of = {j: n for n, chain in enumerate(chains) for j in chain}
    pieces = cell.shapes(PIECES)
    tiles = set()
    own = cell.shapes(L["si"])
    # the spines (KLayout's conversion of each), then every other Si shape of the cell but the
    # waveguide outlines: an outline lies within its spines' conversion grown by OUTLINE_SLACK
    # (the tiled deck checks that every spine is covered by Si)
    polys = [sh.polygon for sh in spines(cell)]
    wl = cell.shapes(L["waveguide"])
    polys += [sh.polygon for sh in own.each() if not sh.is_path() and not within_spines(wl, sh.polygon)]
    for i, poly in enumerate(polys):
        prop = ly.properties_id([[1, key_of.get(i, len(chains) + i)]])  # a non-path shape is its own
        for p in pya.Region(poly).break_(64, 0.0).each():
            pieces.insert(p, prop)
            b = p.bbox()
            for ix in range(b.left // CONN_TILE, b.right // CONN_TILE + 1):
                for iy in range(b.bottom // CONN_TILE, b.top // CONN_TILE + 1):
                    tiles.add((ix, iy))
    def shorts(tile_index):
        ix, iy = tile_index
        core = pya.Box(ix * CONN_TILE, iy * CONN_TILE, (ix + 1) * CONN_TILE, (iy + 1) * CONN_TILE)
        tile = pya.Region(core)
        groups = {}
        for sh in pieces.each_overlapping(core):
            groups.setdefault(sh.prop_id, []).append(sh.polygon)
        parts = {k: (pya.Region(ps) & tile).merged() for k, ps in groups.items()}
        routes = pya.Region()
        for r in parts.values():
            routes += r
        touch = None
        if routes.merged().count() != sum(r.count() for r in parts.values()):
            route = lambda k: ly.properties(k)[0][1]
            keys = sorted(parts, key=route)
            pair = next(((a, b) for i, a in enumerate(keys) for b in keys[i + 1:] if not parts[a].interacting(parts[b]).is_empty()), None)
            c = core.center()
            touch = (route(pair[0]), route(pair[1])) if pair else (None, None), (c.x, c.y)
        inner = pya.RecursiveShapeIterator(ly, cell, SI_POLY, core, True)
        inner.min_depth = 1
        return touch, (routes & (pya.Region(inner) & tile)).count() if not routes.is_empty() else 0
    found = split_map(sorted(tiles), shorts)
    touching, over = [], 0
    for touch, n in found:
        if touch:
            (a, b), at = touch
            touching.append((a, b, at))
        over += n
    pieces.clear()
    return touching, over

def extract(cell, netcells):
    """Instances {name: component}, connections as a set of frozensets, problems."""
    problems = []
    at = {}  # point -> [ref]
    insts = {}
    cross = []
    emits = {}  # ref -> True when light leaves the pin into a route (a path's direction)
    devices = []  # (instance, cell name, [(ref, emits)]) of every instance but crossings and ports
    for inst in cell.each_inst():
        name = inst.property(1)
        child = inst.cell
        comp = component_of(child.name, netcells)
        if name is None:
            problems.append(f"instance of {child.name} without a name property")
            continue
        if comp == "io":
            ref_of = lambda pin, name=name: "port:" + name[3:]
        else:
            insts[name] = comp
            ref_of = lambda pin, name=name: f"{name},{pin}"
        if comp in ("crossing", "junction"):
            cross.append((name, comp))
        mid = inst.bbox().center().x
        pins = []
        for pname, (x, y) in pins_of(child).items():
            p = inst.trans * pya.Point(x, y)
            at.setdefault((p.x, p.y), []).append(ref_of(pname))
            emits[ref_of(pname)] = p.x > mid  # a pin on the right of its instance: light leaves it
            pins.append((ref_of(pname), p.x > mid))
        if comp not in ("io", "crossing", "junction"):
            devices.append((name, child.name, pins))
    mid = cell.bbox().center().x
    for pname, (x, y) in own_pins(cell).items():
        at.setdefault((x, y), []).append("port:" + pname)
        emits["port:" + pname] = x < mid  # the cell's own input port, on its left
    links = []
    pieces, chains, joints = route_chains(cell, at)
    paths = len(chains)
    refs_of_chain = {}
    for n, chain in enumerate(chains):
        outer = [p for j in chain for p in pieces.end_points(j) if p not in joints]
        if len(outer) != 2:
            problems.append(f"a route of {len(chain)} pieces has {len(outer)} open ends")
            continue
        ends = []
        for p in outer:
            refs = at.get(p, [])
            if len(refs) != 1:
                problems.append(f"route end at ({p[0] * dbu:.3f}, {p[1] * dbu:.3f}) µm touches {len(refs)} pins")
            ends.append(refs[0] if refs else None)
        refs_of_chain[n] = [e or "?" for e in ends]
        if None not in ends:
            links.append(tuple(ends))
    for refs in at.values():  # abutting pins (crossing after crossing)
        if len(refs) == 2:
            links.append(tuple(refs))
        elif len(refs) > 2:
            problems.append(f"{len(refs)} pins at one point: {refs}")
    # geometric shorts: two routes touching, or a route over an instance's Si, tile by tile
    touching, over = route_shorts(cell, chains)
    describe = lambda n: "–".join(refs_of_chain.get(n, ["?"]))
    for a, b, (x, y) in touching[:3]:
        problems.append(f"routes {describe(a)} and {describe(b)} touch near ({x * dbu:.3f}, {y * dbu:.3f}) µm")
    if len(touching) > 3:
        problems.append(f"{len(touching) - 3} more tiles where routes touch")
    if over:
        problems.append(f"{over} overlaps of routes with devices")
    # contract crossings: o2 <-> o4, o1 <-> o3 pass through
    peer = {}
    for a, b in links:
        peer.setdefault(a, []).append(b)
        peer.setdefault(b, []).append(a)
    through = {}
    # a junction (a track through a crossing layer it does not cross) passes o1 <-> o2
    for x, comp in cross:
        for a, b in ((("o2", "o4"), ("o1", "o3")) if comp == "crossing" else (("o1", "o2"),)):
            through[f"{x},{a}"] = f"{x},{b}"
            through[f"{x},{b}"] = f"{x},{a}"
    def is_cross(ref):
        return ref.split(",")[0] in insts and insts[ref.split(",")[0]] in ("crossing", "junction") and not ref.startswith("port:")
    conns = set()
    on_link = {}  # connection -> (crossing cells, crossings) it passes
    for a, b in links:
        if is_cross(a) or is_cross(b):
            continue
        conns.add(frozenset((a, b)))
        on_link[frozenset((a, b))] = (0, 0)
    # walk each chain that enters a crossing from a device pin
    for start in peer:
        if is_cross(start):
            continue
        for nxt in peer[start]:
            if not is_cross(nxt):
                continue
            cur, steps, crossed = nxt, 0, 0
            while is_cross(cur) and steps < 100000:
                crossed += insts[cur.split(",")[0]] == "crossing"
                out_pin = through[cur]
                nbrs = [q for q in peer.get(out_pin, [])]
                if len(nbrs) != 1:
                    problems.append(f"crossing pin {out_pin} has {len(nbrs)} links")
                    cur = None
                    break
                cur = nbrs[0]
                steps += 1
            if cur is not None:
                conns.add(frozenset((start, cur)))
                on_link[frozenset((start, cur))] = (steps, crossed)
    real = {k: v for k, v in insts.items() if v not in ("crossing", "junction")}
    graph = {"links": [(a, b, n, x) for (a, b), (n, x) in ((tuple(k), v) for k, v in on_link.items())], "emits": emits, "devices": devices}
    return real, conns, problems, sum(1 for _, comp in cross if comp == "crossing"), graph

def path_crossings(graphs):
    """The most crossing cells (crossings and junctions) and the most crossings on one optical path
    between two pins of each netlist cell, through its sub-circuits. Light leaves a pin on the right
    of its instance and enters one on the left (the layout's columns run left to right; a cell's
    own input ports sit on its left); a device passes it from its left pins to its right pins, but
    an O-E-O detector block ends a path. A sub-circuit passes it by its own port-to-port table."""
    tables, out = {}, {}
    def solve(name):
        if name in tables:
            return tables[name]
        g = graphs[name]
        ids, adj, indeg = {}, [], []
        def node(r):
            if r not in ids:
                ids[r] = len(adj)
                adj.append([])
                indeg.append(0)
            return ids[r]
        def edge(a, b, w):
            adj[node(a)].append((node(b), w))
            indeg[node(b)] += 1
        unoriented = 0
        for a, b, n, x in g["links"]:
            ea, eb = g["emits"].get(a), g["emits"].get(b)
            if ea and not eb:
                edge(a, b, (n, x))
            elif eb and not ea:
                edge(b, a, (n, x))
            else:
                unoriented += 1
        for inst, child, pins in g["devices"]:
            if child in graphs:
                for (i, o), w in solve(child).items():
                    edge(f"{inst},{i}", f"{inst},{o}", w)
            elif not child.startswith("detector_"):
                for a, ea in pins:
                    for b, eb in pins:
                        if not ea and eb:
                            edge(a, b, (0, 0))
        order = [v for v in range(len(adj)) if indeg[v] == 0]
        left = list(indeg)
        for v in order:
            for u, _ in adj[v]:
                left[u] -= 1
                if left[u] == 0:
                    order.append(u)
        def longest(start):
            NEG = -1 << 30
            best = [[NEG, NEG] for _ in adj] if start is not None else [[0, 0] for _ in adj]
            if start is not None:
                best[start] = [0, 0]
            for v in order:
                if best[v][0] == NEG and best[v][1] == NEG:
                    continue
                for u, (n, x) in adj[v]:
                    best[u][0] = max(best[u][0], best[v][0] + n)
                    best[u][1] = max(best[u][1], best[v][1] + x)
            return best
        allv = longest(None)
        names = {v: r for r, v in ids.items()}
        table = {}
        for r, v in ids.items():
            if r.startswith("port:") and g["emits"].get(r):
                b = longest(v)
                for u, (n, x) in enumerate(b):
                    t = names[u]
                    if t.startswith("port:") and not g["emits"].get(t) and n >= 0:
                        table[(r[5:], t[5:])] = (n, x)
        tables[name] = table
        out[name] = {"max_cells": max((c for c, _ in allv), default=0), "max_crossings": max((x for _, x in allv), default=0),
                     "cyclic": len(order) != len(adj), "unoriented_links": unoriented}
        return table
    for name in graphs:
        solve(name)
    return out

def expected(nl):
    """The netlist's instances and links as the layout must draw them. An unheated section (a waveguide
    with unheated = 1: an output section at phase 0, docs/design/layout.md §9.1) is drawn by
    the route through it, so it is taken out and its two neighbours linked directly, unless both
    are ports."""
    insts = {k: v["component"] for k, v in nl["instances"].items()}
    links = [(a, b) for a, b in nl["connections"].items()] + [("port:" + p, ref) for p, ref in nl["ports"].items()]
    gone = {k for k, v in nl["instances"].items() if v["component"] == "waveguide" and v.get("settings", {}).get("unheated")}
    peer = {}
    for a, b in links:
        peer[a], peer[b] = b, a
    for n in sorted(gone):
        a, b = peer[n + ",o1"], peer[n + ",o2"]
        if a.startswith("port:") and b.startswith("port:"):
            gone.discard(n)  # between two ports it stays a cell (layout/unheated.ts)
            continue
        del peer[n + ",o1"], peer[n + ",o2"]
        peer[a], peer[b] = b, a
        del insts[n]
    conns = set()
    for a, b in peer.items():
        if a.split(",")[0] not in gone and b.split(",")[0] not in gone:
            conns.add(frozenset((a, b)))
    return insts, conns

all_netcells = set()
graphs = {}  # netlist cell -> its path graph (crossings per path, below)
designs = 0
mismatches = 0
report = {}
for f in sorted(glob.glob(os.path.join(ndir, "*.netlist.json"))):
    doc = json.load(open(f))
    topname = doc["top"]
    cellname = lambda n: n if n == topname else f"{topname}__{n}"
    netcells = {cellname(n): n for n in doc["netlists"]}
    all_netcells.update(netcells)
    for n, nl in doc["netlists"].items():
        c = ly.cell(cellname(n))
        if c is None:
            continue  # --cell: designs not drawn
        designs += 1
        ei, ec = expected(nl)
        gi, gc, probs, nx, graphs[cellname(n)] = extract(c, netcells)
        missing_i = sorted(set(ei) - set(gi))
        extra_i = sorted(set(gi) - set(ei))
        wrong_c = sorted(k for k in set(ei) & set(gi) if ei[k] != gi[k])
        missing_c = sorted(",".join(sorted(x)) for x in ec - gc)
        extra_c = sorted(",".join(sorted(x)) for x in gc - ec)
        bad = len(missing_i) + len(extra_i) + len(wrong_c) + len(missing_c) + len(extra_c) + len(probs)
        mismatches += bad
        report[cellname(n)] = {"instances": len(gi), "expected_instances": len(ei), "connections": len(gc), "expected_connections": len(ec), "crossings": nx,
                               "mismatches": bad, "examples": (missing_i[:3] + extra_i[:3] + wrong_c[:3] + ["missing " + x for x in missing_c[:3]] + ["extra " + x for x in extra_c[:3]] + probs[:3])}
lap("connectivity")
res["connectivity"] = {"cells_checked": designs, "mismatches": mismatches, "cells": report}
paths = path_crossings(graphs)
drc["crossings_per_path>%d" % MAX_CROSSINGS] = sum(1 for v in paths.values() if v["max_cells"] > MAX_CROSSINGS)
where["crossings_per_path"] = [f"{k}: {v['max_cells']} crossing cells ({v['max_crossings']} crossed)" for k, v in paths.items() if v["max_cells"] > MAX_CROSSINGS][:20]
res["crossings_per_path"] = {"limit": MAX_CROSSINGS, "max_cells": max((v["max_cells"] for v in paths.values()), default=0),
                             "max_crossings": max((v["max_crossings"] for v in paths.values()), default=0), "cells": paths}
res["drc_violations"] = sum(drc.values())
lap("paths")

# ---- lengths ------------------------------------------------------------------------------------
arms = {}
routes_n = 0
max_res = 0.0
for c in ly.each_cell():
    for inst in c.each_inst():
        ch = inst.cell
        if ch.name.startswith("phase_shifter_") or ch.name.startswith("waveguide_"):
            ls = path_cache[ch.cell_index()].length
            arms[f"{c.name}/{inst.property(1)}"] = float(ls[0]) if len(ls) == 1 else None
    if c.name not in all_netcells and c.name not in ("crossing", "junction", "amplifier") and not c.name.startswith(("coupler_", "activation_")):
        continue  # routes, crossings and couplers are whole periods; blocks and stubs carry no phase
    pin_at = {}
    if c.name in all_netcells:  # a route may be cut into pieces (route_chains); primitives never are
        for inst in c.each_inst():
            for _, (x, y) in pins_of(inst.cell).items():
                q = inst.trans * pya.Point(x, y)
                pin_at[(q.x, q.y)] = True
        for _, (x, y) in own_pins(c).items():
            pin_at[(x, y)] = True
        pieces, chains, _ = route_chains(c, pin_at)
    else:
        pieces = path_cache[c.cell_index()]
        chains = [[i] for i in range(len(pieces))]
    for chain in chains:
        routes_n += 1
        n = sum(float(pieces.length[j]) for j in chain) / period
        max_res = max(max_res, abs(n - round(n)) * period)
res["lengths"] = {"arms": arms, "paths_checked": routes_n, "max_residual_nm": max_res * 1000, "period_um": period}

lap("lengths")
if png:
    view = pya.LayoutView()
    view.set_config("text-visible", "false")
    view.load_layout(gds, True)
    view.max_hier()
    view.zoom_fit()
    view.save_image(png, 1600, 1000)
    res["png"] = png

lap("png")
res["seconds"] = seconds
with open(out, "w") as fh:
    json.dump(res, fh, indent=1, sort_keys=True)
print(json.dumps({"drc_violations": res["drc_violations"], "drc": drc, "mismatches": mismatches, "cells_checked": designs, "max_residual_nm": max_res * 1000, "min_radius_um": min_r}))
