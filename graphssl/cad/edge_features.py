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
from dataclasses import dataclass

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


@dataclass
class EdgeTable:
    """Samples of B-rep edges in their curves' own direction.

    Attributes:
        t: Parameters ``[K, num]``; points ``[K, num, 3]``; tangents ``[K, num, 3]`` (unit, zero
        for degenerate edges); rows: attribute rows ``[K, 12]`` without convexity; index:
        B-rep edge index -> row.
    """

    t: np.ndarray
    points: np.ndarray
    tangents: np.ndarray
    rows: np.ndarray
    index: dict[int, int]


def sample_edges(topo, faces: list, edges: list[int], num: int = 10) -> EdgeTable:
    """Sample the B-rep ``edges`` of ``topo`` at ``num`` parameters; lines and circles in one numpy pass."""
    from OCP.BRep import BRep_Tool
    from OCP.TopExp import TopExp

    from graphssl.cad.geometry import CurveEvaluator, pcurve_range

    count = len(edges)
    frac = np.linspace(0.0, 1.0, num)
    t = np.zeros((count, num))
    points = np.zeros((count, num, 3))
    tangents = np.zeros((count, num, 3))
    rows = np.zeros((count, len(EDGE_ATTRIBUTES)))
    lines, circles = [], []
    for row, k in enumerate(edges):
        edge = topo.edges[k]
        first_vertex, last_vertex = TopExp.FirstVertex_s(edge), TopExp.LastVertex_s(edge)
        rows[row, 10] = float(first_vertex.IsSame(last_vertex))
        if topo.degenerate[k]:
            use = topo.coedges[k][0]
            start, end = pcurve_range(use.edge, faces[use.face])
            t[row] = start + (end - start) * frac
            points[row] = BRep_Tool.Pnt_s(first_vertex).Coord()
            rows[row, 11] = 1.0
            continue
        curve = CurveEvaluator(edge)
        t[row] = curve.first + (curve.last - curve.first) * frac
        rows[row, _CURVE_COLUMN.get(curve.kind.name, 8)] = 1.0
        rows[row, 3] = _length(curve)
        rows[row, 9] = float(_rational(curve))
        if curve._line is not None:
            lines.append((row, *curve._line))
        elif curve._circle is not None:
            circles.append((row, *curve._circle))
        else:
            points[row], tangents[row] = curve.evaluate(t[row])
    if lines:
        idx = np.array([item[0] for item in lines])
        origin, direction = (np.array([item[i] for item in lines]) for i in (1, 2))
        points[idx] = origin[:, None] + t[idx][:, :, None] * direction[:, None]
        tangents[idx] = direction[:, None]
    if circles:
        idx = np.array([item[0] for item in circles])
        centre, x_dir, y_dir = (np.array([item[i] for item in circles])[:, None] for i in (1, 2, 3))
        radius = np.array([item[4] for item in circles])[:, None, None]
        cos, sin = np.cos(t[idx])[:, :, None], np.sin(t[idx])[:, :, None]
        points[idx] = centre + radius * (cos * x_dir + sin * y_dir)
        tangents[idx] = -sin * x_dir + cos * y_dir
    return EdgeTable(t, points, tangents, rows, {k: row for row, k in enumerate(edges)})


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


def coedge_normals(t: np.ndarray, coedge_edge, evaluator) -> np.ndarray:
    """Outward normals ``[num, 3]`` of a face along an edge, at the edge parameters ``t``."""
    from graphssl.cad.geometry import pcurve_uv

    if evaluator.normal is not None:
        return np.broadcast_to(evaluator.normal, (t.shape[0], 3))
    u, v = pcurve_uv(coedge_edge, evaluator.face, t)
    return evaluator.evaluate(u, v)[1]


def directed_grids(table: EdgeTable, adjacencies: list, evaluators: list) -> tuple[np.ndarray, np.ndarray]:
    """U-grids ``[A, 12, num]`` of the graph edges running along each adjacency's first coedge.

    Args:
        table: Samples of the adjacencies' edges.
        adjacencies: ``(edge index, coedge a, coedge b)`` from :meth:`Topology.adjacencies`.
        evaluators: One :class:`~graphssl.cad.geometry.SurfaceEvaluator` per face.

    Returns:
        ``(grids, degenerate [A] bool)``.
    """
    num = table.t.shape[1]
    rows = np.array([table.index[k] for k, _, _ in adjacencies], dtype=np.int64)
    plane_normals = np.array([ev.normal if ev.normal is not None else np.zeros(3) for ev in evaluators])
    a_faces = np.array([use_a.face for _, use_a, _ in adjacencies])
    b_faces = np.array([use_b.face for _, _, use_b in adjacencies])
    left = np.repeat(plane_normals[a_faces][:, None], num, axis=1)
    right = np.repeat(plane_normals[b_faces][:, None], num, axis=1)
    for i, (_, use_a, use_b) in enumerate(adjacencies):
        # Curved faces: normals along the edge through its pcurves.
        if evaluators[use_a.face].normal is None:
            left[i] = coedge_normals(table.t[rows[i]], use_a.edge, evaluators[use_a.face])
        if use_b is use_a:
            right[i] = left[i]
        elif evaluators[use_b.face].normal is None:
            right[i] = coedge_normals(table.t[rows[i]], use_b.edge, evaluators[use_b.face])
    flip = np.array([use_a.reversed for _, use_a, _ in adjacencies], dtype=bool)
    order = np.where(flip[:, None], np.arange(num)[::-1], np.arange(num))[:, :, None]
    points = np.take_along_axis(table.points[rows], order, axis=1)
    tangents = np.take_along_axis(table.tangents[rows], order, axis=1) * np.where(flip, -1.0, 1.0)[:, None, None]
    left, right = np.take_along_axis(left, order, axis=1), np.take_along_axis(right, order, axis=1)
    grids = np.concatenate([points, tangents, left, right], axis=2).transpose(0, 2, 1)
    return grids, table.rows[rows, 11] == 1


def reverse_grid(grid: np.ndarray) -> np.ndarray:
    """The grid(s) ``[..., 12, num]`` of the opposite graph edge: reversed order and tangents,
    left and right swapped."""
    flipped = grid[..., ::-1]
    return np.concatenate([flipped[..., 0:3, :], -flipped[..., 3:6, :], flipped[..., 9:12, :],
                           flipped[..., 6:9, :]], axis=-2)


def convexity(grids: np.ndarray, degenerate: np.ndarray, *, smooth_angle: float = math.radians(5.0)) -> np.ndarray:
    """One-hot ``[A, 3]`` (concave, convex, smooth) of directed grids ``[A, 12, num]``.

    Degenerate edges, and edges where no sample has both normals, get zeros.
    """
    from graphssl.cad.geometry import cross

    tangents, left, right = (grids[:, a:a + 3].transpose(0, 2, 1) for a in (3, 6, 9))
    defined = left.any(axis=2) & right.any(axis=2)
    counts = defined.sum(axis=1)
    angles = np.arccos(np.clip(np.einsum("aij,aij->ai", left, right), -1.0, 1.0))
    mean_angle = (angles * defined).sum(axis=1) / np.maximum(counts, 1)
    turn = (np.einsum("aij,aij->ai", cross(left, right), tangents) * defined).sum(axis=1)
    valid = (counts > 0) & ~np.asarray(degenerate, dtype=bool)
    smooth = valid & (mean_angle < smooth_angle)
    out = np.zeros((grids.shape[0], 3))
    out[:, 2] = smooth
    out[:, 1] = valid & ~smooth & (turn > 0)
    out[:, 0] = valid & ~smooth & (turn <= 0)
    return out
