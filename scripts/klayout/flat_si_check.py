# An independent flat width and space check of the waveguide layer (docs/layout.md, "Flat check"):
#   klayout -b -r flat_si_check.py -rd gds=chip.gds -rd out=flat.json
# Unlike check_layout.py's deck (tiles, edges of merged shapes, 5 nm and 20 nm tolerances, crossing
# cores waived) it merges all Si of the top cell flat and runs KLayout's own polygon checks at the
# drawn values, width >= 0.5 µm and space >= 0.2 µm, with no tolerance and no waiver. Each marker is
# then sorted by where it lies, so that every one is either explained or a violation:
#   crossing_core: within 3.5 µm of the centre of a crossing or junction cell (its arms meet there)
#   pin_joint: within 0.1 µm of a pin, where two flush-ended shapes abut (a route on its device)
#   grid: both edges shorter than 20 nm or closer than 5 nm to the rule (curves on the 1 nm grid)
#   other: none of these, a violation.
import json
import pya

gds = globals().get("gds")
out = globals().get("out")
WIDTH, SPACE = 0.5, 0.2
CORE, PIN, GRID_EDGE, GRID_SLACK = 3.5, 0.1, 0.02, 0.005

ly = pya.Layout()
ly.read(gds)
dbu = ly.dbu
top = ly.top_cells()[0]
si = pya.Region(top.begin_shapes_rec(ly.layer(1, 0)))
si.merge()

width = si.width_check(int(round(WIDTH / dbu)))
space = si.space_check(int(round(SPACE / dbu)))

# Where the explanations apply: crossing and junction centres, and every pin of every instance
cores, pins = [], []
it = top.begin_shapes_rec(ly.layer(68, 0))
while not it.at_end():
    if it.cell().name in ("crossing", "junction"):
        cores.append(it.shape().bbox().transformed(it.trans()).center())
    it.next()
it = top.begin_shapes_rec(ly.layer(1, 10))
while not it.at_end():
    if it.shape().is_text():
        pins.append(it.trans() * pya.Point(it.shape().text.x, it.shape().text.y))
    it.next()
core_r = pya.Region([pya.Box(c.x - int(CORE / dbu), c.y - int(CORE / dbu), c.x + int(CORE / dbu), c.y + int(CORE / dbu)) for c in cores])
pin_r = pya.Region([pya.Box(p.x - int(PIN / dbu), p.y - int(PIN / dbu), p.x + int(PIN / dbu), p.y + int(PIN / dbu)) for p in pins])


def seg_point(e, p):
    ax, ay, bx, by = e.p1.x, e.p1.y, e.p2.x, e.p2.y
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((p.x - ax) * dx + (p.y - ay) * dy) / (dx * dx + dy * dy)))
    return ((ax + t * dx - p.x) ** 2 + (ay + t * dy - p.y) ** 2) ** 0.5


def gap(ep):
    """The least distance between the pair's two edges (0.28's EdgePair has no distance()), dbu."""
    a, b = ep.first, ep.second
    return min(seg_point(a, b.p1), seg_point(a, b.p2), seg_point(b, a.p1), seg_point(b, a.p2))


def classify(pairs, rule):
    """Markers by class. The two region tests run on all markers at once (a marker polygon is its
    edge pair's box grown by 1 dbu, so that a pair of collinear edges has an area); only what is
    left is looked at one by one."""
    boxes = pya.Region()
    boxes.merged_semantics = False  # one polygon per marker, in marker order
    pairs_list = list(pairs.each())
    for ep in pairs_list:
        boxes.insert(ep.bbox().enlarged(1, 1))
    core = boxes.inside(core_r)
    rest = boxes.not_inside(core_r)
    pin = rest.interacting(pin_r)
    left = {(b.left, b.bottom, b.right, b.top) for b in (p.bbox() for p in rest.not_interacting(pin_r).each())}
    counts = {"crossing_core": core.count(), "pin_joint": pin.count(), "grid": 0, "other": 0}
    examples = {k: [] for k in counts}
    for k, reg in (("crossing_core", core), ("pin_joint", pin)):
        examples[k] = [f"{p.bbox().left * dbu:.3f},{p.bbox().bottom * dbu:.3f}" for p in list(reg.each())[:10]]
    distances = []
    for ep in pairs_list:
        d = gap(ep) * dbu
        distances.append(d)
        b = ep.bbox().enlarged(1, 1)
        if (b.left, b.bottom, b.right, b.top) not in left:
            continue
        short = ep.first.length() < GRID_EDGE / dbu and ep.second.length() < GRID_EDGE / dbu
        kind = "grid" if short or d > rule - GRID_SLACK else "other"
        counts[kind] += 1
        if len(examples[kind]) < 10:
            examples[kind].append(f"{b.left * dbu:.3f},{b.bottom * dbu:.3f} d={d:.4f} edges {ep.first.length() * dbu:.3f}/{ep.second.length() * dbu:.3f}")
    return {"markers": pairs.count(), "classes": counts, "examples": examples, "closest_um": min(distances) if distances else None}


res = {
    "gds": gds,
    "top": top.name,
    "merged_polygons": si.count(),
    "crossing_cores": len(cores),
    "pins": len(pins),
    "width<0.5": classify(width, WIDTH),
    "space<0.2": classify(space, SPACE),
}
res["violations"] = res["width<0.5"]["classes"]["other"] + res["space<0.2"]["classes"]["other"]
with open(out, "w") as fh:
    json.dump(res, fh, indent=1, sort_keys=True)
print(json.dumps({k: (v["classes"] if isinstance(v, dict) and "classes" in v else v) for k, v in res.items() if k not in ("gds",)}))
