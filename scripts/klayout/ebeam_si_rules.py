# The SiEPIC EBeam PDK's silicon rules (layer 1/0), imported by check_layout.py for pdk=ebeam:
# minimum width 60 nm and minimum space 70 nm, each checked 1 nm under its value (the PDK deck's
# tolerance: designs aim at exactly the minimum, and curves on the grid would otherwise flag), with
# the PDK's corner exemption: two edges that meet at 80° or more are not checked against each other
# (a waveguide crossing's arms meet at about 90°). Values and source: docs/reference/drc-rules.md.
# Unlike the project's Si rules in check_layout.py (0.5 µm / 0.2 µm, 5 nm under, edge pairs facing
# over 20 nm at least, crossing cores waived), these run as the PDK runs them: KLayout's polygon
# width and space checks on the merged Si, Euclidean, no projection limit, nothing waived. So a
# spike of a few nanometres, which faces nothing over 20 nm, fails the width rule here.
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
    w = si.width_check(int(round((WIDTH - TOL) / dbu)), False, pya.Region.Euclidian, ANGLE)
    s = si.space_check(int(round((SPACE - TOL) / dbu)), False, pya.Region.Euclidian, ANGLE)
    return w.polygons(), s.polygons()
