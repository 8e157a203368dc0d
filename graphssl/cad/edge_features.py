"""Per-edge attributes and U-grids of the gAAG graph.

Edge attributes follow AAGNet (Wu et al., RCIM 2024): convexity (concave,
convex, smooth), length and curve type; U-grids follow UV-Net (Jayaraman et
al., CVPR 2021): points, tangents and the normals of the faces on either side,
sampled along the edge.

A directed graph edge ``a -> b`` runs along the coedge of face ``a``: samples
follow that coedge's direction, the tangent points along it, "left" is the
normal of face ``a`` (which lies to the left of the coedge) and "right" that of
face ``b``. The reverse graph edge is the same grid reversed, with left and
right swapped.

Convexity (occwl's rule, a 5 degree default tolerance as in AAGNet): the edge is
smooth where the mean angle between the two normals is below the tolerance
(samples where a normal is undefined are skipped);
otherwise it is convex when ``sum((n_left x n_right) . t)`` is positive and
concave when negative.
"""

from __future__ import annotations

import math

import numpy as np

#: Columns of ``data.edge_attr``, in order.
EDGE_ATTRIBUTES = ("concave", "convex", "smooth", "length", "line", "circle", "ellipse", "bspline", "other",
                   "rational", "closed", "degenerate")
#: Channels of ``data.edge_grid``, in order.
EDGE_GRID_CHANNELS = ("x", "y", "z", "tx", "ty", "tz", "left_nx", "left_ny", "left_nz",
                      "right_nx", "right_ny", "right_nz")
#: Columns that hold lengths (rescaled and normalised); the rest are 0/1 flags.
EDGE_CONTINUOUS = ("length",)

_CURVE_COLUMN = {"GeomAbs_Line": 4, "GeomAbs_Circle": 5, "GeomAbs_Ellipse": 6, "GeomAbs_BSplineCurve": 7,
                 "GeomAbs_BezierCurve": 7}


class EdgeSamples:
    """Curve samples and type attributes of one B-rep edge, in the curve's own direction.

    Args:
        edge: The ``TopoDS_Edge``.
        degenerate: Whether the edge has no 3D extent.
        first_use: ``(edge as used by a face, that face)``; a degenerate edge
            takes its parameter range from this pcurve.
        num: Samples along the edge (default 10).

    Attributes:
        t: Parameters ``[num]``; ``points`` ``[num, 3]``; ``tangents`` ``[num, 3]``
        (unit, zero for a degenerate edge); ``row``: the attribute row without
        convexity.
    """

    def __init__(self, edge, *, degenerate: bool, first_use: tuple, num: int = 10) -> None:
        from OCP.BRep import BRep_Tool
        from OCP.TopExp import TopExp

        from graphssl.cad.geometry import CurveEvaluator, pcurve_range

        self.row = np.zeros(len(EDGE_ATTRIBUTES))
        first_vertex, last_vertex = TopExp.FirstVertex_s(edge), TopExp.LastVertex_s(edge)
        self.row[10] = float(first_vertex.IsSame(last_vertex))
        if degenerate:
            self.row[11] = 1.0
            start, end = pcurve_range(*first_use)
            self.t = np.linspace(start, end, num)
            vertex = np.array(BRep_Tool.Pnt_s(first_vertex).Coord())
            self.points = np.repeat(vertex[None], num, axis=0)
            self.tangents = np.zeros((num, 3))
            return
        curve = CurveEvaluator(edge)
        self.t = np.linspace(curve.first, curve.last, num)
        self.points, self.tangents = curve.evaluate(self.t)
        self.row[_CURVE_COLUMN.get(curve.kind.name, 8)] = 1.0
        self.row[3] = _length(curve)
        self.row[9] = float(_rational(curve))


def _length(curve) -> float:
    from OCP.GCPnts import GCPnts_AbscissaPoint
    from OCP.GeomAbs import GeomAbs_CurveType as C

    if curve.kind == C.GeomAbs_Line:
        return abs(curve.last - curve.first)
    if curve.kind == C.GeomAbs_Circle:
        return curve._circle[3] * abs(curve.last - curve.first)
    return GCPnts_AbscissaPoint.Length_s(curve.adaptor)


def _rational(curve) -> bool:
    from OCP.GeomAbs import GeomAbs_CurveType as C

    if curve.kind == C.GeomAbs_BSplineCurve:
        return curve.adaptor.BSpline().IsRational()
    if curve.kind == C.GeomAbs_BezierCurve:
        return curve.adaptor.Bezier().IsRational()
    return False


def coedge_normals(samples: EdgeSamples, coedge_edge, evaluator) -> np.ndarray:
    """Outward normals ``[num, 3]`` of a face along an edge, at the edge's sample parameters."""
    from graphssl.cad.geometry import pcurve_uv

    if evaluator.normal is not None:
        return np.repeat(evaluator.normal[None], samples.t.shape[0], axis=0)
    u, v = pcurve_uv(coedge_edge, evaluator.face, samples.t)
    return evaluator.evaluate(u, v)[1]


def directed_grid(samples: EdgeSamples, reversed_use: bool, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The U-grid ``[12, num]`` of the graph edge running along one coedge.

    Args:
        samples: The edge's samples in curve direction.
        reversed_use: Whether the coedge runs against the curve.
        left: Normals ``[num, 3]`` of the coedge's face, in curve order.
        right: Normals ``[num, 3]`` of the face across the edge, in curve order.
    """
    points, tangents = samples.points, samples.tangents
    if reversed_use:
        points, tangents, left, right = points[::-1], -tangents[::-1], left[::-1], right[::-1]
    return np.concatenate([points, tangents, left, right], axis=1).T


def reverse_grid(grid: np.ndarray) -> np.ndarray:
    """The grid of the opposite graph edge: reversed order and tangents, left and right swapped."""
    flipped = grid[:, ::-1]
    return np.concatenate([flipped[0:3], -flipped[3:6], flipped[9:12], flipped[6:9]], axis=0)


def convexity(grid: np.ndarray, *, degenerate: bool, smooth_angle: float = math.radians(5.0)) -> np.ndarray:
    """One-hot ``[3]`` (concave, convex, smooth) of a directed grid; zeros for a degenerate edge."""
    from graphssl.cad.geometry import cross

    out = np.zeros(3)
    if degenerate:
        return out
    tangents, left, right = grid[3:6].T, grid[6:9].T, grid[9:12].T
    defined = left.any(axis=1) & right.any(axis=1)
    if not defined.any():
        return out
    tangents, left, right = tangents[defined], left[defined], right[defined]
    cosines = np.clip(np.einsum("ij,ij->i", left, right), -1.0, 1.0)
    if np.mean(np.arccos(cosines)) < smooth_angle:
        out[2] = 1.0
    else:
        out[1 if np.einsum("ij,ij->", cross(left, right), tangents) > 0 else 0] = 1.0
    return out
