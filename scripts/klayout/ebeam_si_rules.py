# The SiEPIC EBeam PDK's silicon rules (layer 1/0), imported by check_layout.py for pdk=ebeam:
# minimum width 60 nm and minimum space 70 nm, each checked 1 nm under its value (the PDK deck's
# tolerance: designs aim at exactly the minimum, and curves on the grid would otherwise flag), with
# the PDK's corner exemption: two edges that meet at 80° or more are not checked against each other
# (a waveguide crossing's arms meet at about 90°). Values and source: docs/reference/drc-rules.md.
# Unlike the project's Si rules in check_layout.py (0.5 µm / 0.2 µm, 5 nm under, edge pairs facing
# over 20 nm at least, crossing cores waived), these run as the PDK runs them: on the merged Si,
# Euclidean, no projection limit, nothing waived. So a spike of a few nanometres, which faces
# nothing over 20 nm, fails the width rule here. They run on the merged Si's edges, a width pair
# facing across the inside and a space pair across the outside (within one polygon or between two):
# the markers KLayout's polygon checks give, found some hundred times faster on a tile of long
# route outlines (its polygon space check pairs the edges of each polygon with one another).
import pya

WIDTH = 0.06
SPACE = 0.07
TOL = 0.001
ANGLE = 80.0


def keys():
    """The two rules' names in the deck's count table."""
    return f"si.ebeam_width<{WIDTH:g}", f"si.ebeam_space<{SPACE:g}"


def check(si, dbu):
    """(width markers, space markers) of a merged Si region, each as a Region of marker polygons."""
    e = si.edges()
    e.merged_semantics = False  # the edges of merged polygons: nothing left to join
    w = e.width_check(int(round((WIDTH - TOL) / dbu)), False, pya.Edges.Euclidian, ANGLE)
    s = e.space_check(int(round((SPACE - TOL) / dbu)), False, pya.Edges.Euclidian, ANGLE)
    return w.polygons(), s.polygons()
