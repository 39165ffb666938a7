# An independent flat width and space check of the waveguide layer (docs/design/layout.md §10.4):
#   klayout -b -r flat_si_check.py -rd gds=chip.gds -rd out=flat.json
# Unlike check_layout.py's deck (tiles, edges of merged shapes, tolerances, crossing cores waived)
# it merges all Si of the top cell flat and runs KLayout's own polygon checks at the drawn values,
# width >= 0.5 µm and space >= 0.2 µm, with no tolerance and no waiver. It shares no code with the
# deck. Each marker (edge pair) is then put in exactly one class, in this order:
#   crossing_core: its box lies inside the 7 µm × 7 µm box round the centre of a crossing or
#     junction cell (where the arms meet near 90°; a PDK crossing's DRC is waived there)
#   pin_joint / route_vertex: its two edges meet at a vertex (distance 0), one of them a step of at
#     most STEP, and that vertex is a corner of a drawn path's outline, half a width from the path's
#     end at a pin (two flush ends abutting) or from one of its inner points (a bend): the step is
#     where KLayout rounds each segment's offset corner to the 1 nm grid on its own
#   grid: closer than the rule by at most SLACK (curves on the 1 nm grid)
#   other: anything else, a violation.
# It also runs the EBeam PDK's Si rules as the PDK's deck does, on the same flat merged Si: width
# >= 60 nm and space >= 70 nm, 1 nm under each, edges meeting at 80 degrees or more exempt; every
# marker of those is a violation (ebeam_width<0.06, ebeam_space<0.07). A waveguide written as a
# polygon has its spine on the Waveguide layer (1/99): the pin_joint and route_vertex classes read
# the spines there as they read paths on Si.
import json
import numpy as np
import pya

gds = globals().get("gds")
out = globals().get("out")
WIDTH, SPACE = 0.5, 0.2
CORE, STEP, SLACK = 3.5, 0.02, 0.005

ly = pya.Layout()
ly.read(gds)
dbu = ly.dbu
top = ly.top_cells()[0]
SI, PIN, DEV, WG = ly.layer(1, 0), ly.layer(1, 10), ly.layer(68, 0), ly.layer(1, 99)
si = pya.Region(top.begin_shapes_rec(SI))
si.merge()
checks = {"width<0.5": (si.width_check(int(round(WIDTH / dbu))), WIDTH), "space<0.2": (si.space_check(int(round(SPACE / dbu))), SPACE)}

# Crossing and junction centres: the middle of each one's device box, which its arms cross
cores = []
it = top.begin_shapes_rec(DEV)
while not it.at_end():
    if it.cell().name in ("crossing", "junction"):
        c = it.shape().bbox().transformed(it.trans()).center()
        cores.append((c.x, c.y))
    it.next()
cores = np.array(cores, dtype=np.int64).reshape(-1, 2)
half = int(round(CORE / dbu))


def in_core(lo, hi):
    """Whether each marker box [lo, hi] lies inside one core box. A core that holds it has its centre
    within half a core of the box's centre, so it sits in the same 2·half bucket or a neighbour."""
    got = np.zeros(len(lo), dtype=bool)
    if not len(cores) or not len(lo):
        return got
    bucket = {}
    for i, k in enumerate(map(tuple, cores // (2 * half))):
        bucket.setdefault(k, []).append(i)
    keys, inv = np.unique((lo + hi) // 2 // (2 * half), axis=0, return_inverse=True)
    cand = [[i for dx in (-1, 0, 1) for dy in (-1, 0, 1) for i in bucket.get((k[0] + dx, k[1] + dy), [])] for k in keys]
    pad = np.full((len(cand), max(1, max(map(len, cand)))), -1, dtype=np.int64)
    for u, c in enumerate(cand):
        pad[u, : len(c)] = c
    for j in range(pad.shape[1]):
        ci = pad[inv.ravel(), j]
        cc = cores[np.maximum(ci, 0)]
        got |= (ci >= 0) & np.all(lo >= cc - half, axis=1) & np.all(hi <= cc + half, axis=1)
    return got


def seg_dist(a1, a2, p):
    d = a2 - a1
    n = (d * d).sum(1)
    t = np.clip(((p - a1) * d).sum(1) / np.where(n > 0, n, 1), 0, 1)
    return np.hypot(*(a1 + t[:, None] * d - p).T)


def corner_of(v):
    """The drawn feature whose outline has a corner at v: ('pin_joint' | 'route_vertex', cell) when v
    is half a path width (to STEP) from an end of a path at a pin or from an inner point, else None."""
    r = int(round(STEP / dbu))
    for layer in (SI, WG):
        got = corner_on(layer, v, r)
        if got:
            return got
    return None


def corner_on(layer, v, r):
    it = top.begin_shapes_rec_overlapping(layer, pya.Box(v, v).enlarged(1000, 1000))
    while not it.at_end():
        sh = it.shape()
        if sh.is_path():
            p = sh.path.transformed(it.trans())
            pts = list(p.each_point())
            for i, q in enumerate(pts):
                if abs(q.distance(v) - p.width / 2) <= r:
                    if 0 < i < len(pts) - 1:
                        return "route_vertex", it.cell().name
                    pins = top.begin_shapes_rec_overlapping(PIN, pya.Box(q, q).enlarged(1, 1))
                    while not pins.at_end():
                        if pins.shape().is_text():
                            return "pin_joint", it.cell().name
                        pins.next()
        it.next()
    return None


def classify(pairs, rule):
    e = np.array([[ep.first.p1.x, ep.first.p1.y, ep.first.p2.x, ep.first.p2.y, ep.second.p1.x, ep.second.p1.y, ep.second.p2.x, ep.second.p2.y] for ep in pairs.each()], dtype=np.int64).reshape(-1, 8)
    a1, a2, b1, b2 = e[:, 0:2], e[:, 2:4], e[:, 4:6], e[:, 6:8]
    d = np.min([seg_dist(a1, a2, b1), seg_dist(a1, a2, b2), seg_dist(b1, b2, a1), seg_dist(b1, b2, a2)], axis=0) * dbu
    short = np.minimum(np.hypot(*(a2 - a1).T), np.hypot(*(b2 - b1).T)) * dbu
    lo = np.minimum(np.minimum(a1, a2), np.minimum(b1, b2))
    hi = np.maximum(np.maximum(a1, a2), np.maximum(b1, b2))
    cls = np.full(len(e), "other", dtype=object)
    cls[in_core(lo, hi)] = "crossing_core"
    where = {}
    for i in np.nonzero((cls == "other") & (d == 0) & (short <= STEP))[0]:
        shared = [p for p in (a1[i], a2[i]) if (p == b1[i]).all() or (p == b2[i]).all()]
        got = corner_of(pya.Point(int(shared[0][0]), int(shared[0][1]))) if shared else None
        if got:
            cls[i] = got[0]
            where.setdefault(got[0], []).append(f"{got[1]} {shared[0][0] * dbu:.3f},{shared[0][1] * dbu:.3f} step {short[i] * 1000:.1f} nm")
    cls[(cls == "other") & (d >= rule - SLACK - 1e-9)] = "grid"
    res = {"markers": len(e), "closest_um": float(d.min()) if len(e) else None, "classes": {}, "closest_by_class_um": {}, "where": where}
    for k in ("crossing_core", "pin_joint", "route_vertex", "grid", "other"):
        m = cls == k
        res["classes"][k] = int(m.sum())
        res["closest_by_class_um"][k] = round(float(d[m].min()), 4) if m.any() else None
        if k in ("grid", "other"):
            res["where"][k] = [f"{lo[i][0] * dbu:.3f},{lo[i][1] * dbu:.3f} d={d[i]:.4f} edges {np.hypot(*(a2[i] - a1[i])) * dbu:.3f}/{np.hypot(*(b2[i] - b1[i])) * dbu:.3f}" for i in np.nonzero(m)[0][:20]]
    return res


res = {"gds": gds, "top": top.name, "merged_polygons": si.count(), "crossing_cores": len(cores), "tolerances_um": {"core_half": CORE, "step": STEP, "slack": SLACK}}
for name, (pairs, rule) in checks.items():
    res[name] = classify(pairs, rule)
EBEAM = {"ebeam_width<0.06": si.width_check(59, False, pya.Region.Euclidian, 80), "ebeam_space<0.07": si.space_check(69, False, pya.Region.Euclidian, 80)}
res["ebeam"] = {n: {"markers": p.count(), "where": [str(ep.bbox()) for ep in list(p.each())[:20]]} for n, p in EBEAM.items()}
res["violations"] = sum(res[n]["classes"]["other"] for n in checks) + sum(v["markers"] for v in res["ebeam"].values())
with open(out, "w") as fh:
    json.dump(res, fh, indent=1, sort_keys=True)
print(json.dumps({n: res[n]["classes"] for n in checks} | {n: v["markers"] for n, v in res["ebeam"].items()} | {"violations": res["violations"]}))
