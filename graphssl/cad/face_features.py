"""Per-face attributes and UV grids of the gAAG graph.

Face attributes follow AAGNet (Wu et al., "AAGNet: A graph neural network
towards multi-task machining feature recognition", RCIM 2024): surface-type
one-hot, area, rational flag and centroid. The UV grid follows UV-Net
(Jayaraman et al., CVPR 2021): points, normals and a trimming mask sampled on
a regular grid over the face's UV bounding box.
"""

from __future__ import annotations

import math

import numpy as np

from graphssl.errors import InputFileError

#: Columns of ``data.x``, in order.
FACE_ATTRIBUTES = ("plane", "cylinder", "cone", "sphere", "torus", "other", "area", "rational",
                   "centroid_x", "centroid_y", "centroid_z")
#: Channels of ``data.face_grid``, in order.
FACE_GRID_CHANNELS = ("x", "y", "z", "nx", "ny", "nz", "mask")
#: Columns that hold lengths, areas or positions (rescaled and normalised); the rest are 0/1 flags.
FACE_CONTINUOUS = ("area", "centroid_x", "centroid_y", "centroid_z")

_SURFACE_COLUMN = {"GeomAbs_Plane": 0, "GeomAbs_Cylinder": 1, "GeomAbs_Cone": 2, "GeomAbs_Sphere": 3, "GeomAbs_Torus": 4}
#: A UV range at or below this is degenerate.
_MIN_UV_RANGE = 1e-12


def face_attributes(evaluator) -> np.ndarray:
    """The unscaled attribute row ``[len(FACE_ATTRIBUTES)]`` of one face.

    Args:
        evaluator: The face's :class:`~graphssl.cad.geometry.SurfaceEvaluator`.
    """
    from OCP.BRepGProp import BRepGProp
    from OCP.GeomAbs import GeomAbs_SurfaceType as S
    from OCP.GProp import GProp_GProps

    row = np.zeros(len(FACE_ATTRIBUTES))
    row[_SURFACE_COLUMN.get(evaluator.kind.name, 5)] = 1.0
    props = GProp_GProps()
    BRepGProp.SurfaceProperties_s(evaluator.face, props)
    row[6] = props.Mass()
    adaptor = evaluator.adaptor
    if evaluator.kind == S.GeomAbs_BSplineSurface:
        surface = adaptor.BSpline()
        row[7] = float(surface.IsURational() or surface.IsVRational())
    elif evaluator.kind == S.GeomAbs_BezierSurface:
        surface = adaptor.Bezier()
        row[7] = float(surface.IsURational() or surface.IsVRational())
    row[8:11] = props.CentreOfMass().Coord()
    return row


def uv_bounds(face, *, path: str = "<shape>", index: int = 0) -> tuple[float, float, float, float]:
    """``(umin, umax, vmin, vmax)`` of a face; raises :class:`InputFileError` when degenerate."""
    from OCP.BRepTools import BRepTools

    umin, umax, vmin, vmax = BRepTools.UVBounds_s(face)
    if not all(math.isfinite(b) for b in (umin, umax, vmin, vmax)) or umax - umin <= _MIN_UV_RANGE \
            or vmax - vmin <= _MIN_UV_RANGE:
        raise InputFileError(
            f"{path}: face {index} has degenerate UV bounds u=[{umin:g}, {umax:g}] v=[{vmin:g}, {vmax:g}]")
    return umin, umax, vmin, vmax


def face_grid(evaluator, bounds: tuple[float, float, float, float], size: tuple[int, int] = (10, 10)) -> np.ndarray:
    """UV grid of one face, unscaled.

    Args:
        evaluator: The face's :class:`~graphssl.cad.geometry.SurfaceEvaluator`.
        bounds: ``(umin, umax, vmin, vmax)`` from :func:`uv_bounds`.
        size: Samples ``(num_u, num_v)`` including both ends of each range (default ``(10, 10)``).

    Shapes:
        output: ``[7, num_u, num_v]``; channels :data:`FACE_GRID_CHANNELS`. The mask is 1
        where the sample lies on the face (inside or on its boundary), else 0.
    """
    num_u, num_v = size
    umin, umax, vmin, vmax = bounds
    us = np.linspace(umin, umax, num_u)
    vs = np.linspace(vmin, vmax, num_v)
    uu, vv = np.meshgrid(us, vs, indexing="ij")
    points, normals = evaluator.evaluate(uu.ravel(), vv.ravel())
    mask = _polygon_mask(evaluator.face, uu.ravel(), vv.ravel(), bounds)
    if mask is None:
        mask = _classifier_mask(evaluator.face, us, vs)
    grid = np.concatenate([points, normals, mask[:, None]], axis=1)
    return grid.T.reshape(7, num_u, num_v)


def _classifier_mask(face, us: np.ndarray, vs: np.ndarray) -> np.ndarray:
    """Trimming mask ``[len(us) * len(vs)]`` (u-major) from OpenCascade's 2D face classifier."""
    from OCP.BRep import BRep_Tool
    from OCP.gp import gp_Pnt2d
    from OCP.IntTools import IntTools_FClass2d
    from OCP.TopAbs import TopAbs_State

    classifier = IntTools_FClass2d(face, BRep_Tool.Tolerance_s(face))
    on_face = (TopAbs_State.TopAbs_IN, TopAbs_State.TopAbs_ON)
    return np.fromiter((classifier.Perform(gp_Pnt2d(u, v)) in on_face for u in us for v in vs),
                       dtype=np.float64, count=len(us) * len(vs))


#: Points closer than this fraction of the UV box diagonal to a boundary segment count as on it.
_ON_BAND = 1e-9


def _polygon_mask(face, u: np.ndarray, v: np.ndarray, bounds) -> np.ndarray | None:
    """Exact trimming mask for faces whose pcurves are all straight lines, else ``None``.

    The boundary is then a set of UV segments: a point is on the face when an
    even-odd ray test says inside or it lies on a segment. This matches the
    classifier (tested) at a fraction of its cost.
    """
    from OCP.BRepAdaptor import BRepAdaptor_Curve2d
    from OCP.GeomAbs import GeomAbs_CurveType as C
    from OCP.TopAbs import TopAbs_EDGE
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopoDS import TopoDS

    segments = []
    explorer = TopExp_Explorer(face, TopAbs_EDGE)
    while explorer.More():
        curve = BRepAdaptor_Curve2d(TopoDS.Edge(explorer.Current()), face)
        if curve.GetType() != C.GeomAbs_Line:
            return None
        a, b = curve.Value(curve.FirstParameter()), curve.Value(curve.LastParameter())
        segments.append((a.X(), a.Y(), b.X(), b.Y()))
        explorer.Next()
    if not segments:
        return None
    band = _ON_BAND * float(np.hypot(bounds[1] - bounds[0], bounds[3] - bounds[2]))
    seg = _weld(np.array(segments).reshape(-1, 2), band).reshape(-1, 4)
    x1, y1, x2, y2 = (seg[:, i][None, :] for i in range(4))
    pu, pv = u[:, None], v[:, None]
    crosses = (y1 > pv) != (y2 > pv)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x1 + (pv - y1) * (x2 - x1) / (y2 - y1)
    inside = np.count_nonzero(crosses & (pu < x_at), axis=1) % 2 == 1
    dx, dy = x2 - x1, y2 - y1
    length2 = np.maximum(dx * dx + dy * dy, 1e-300)
    along = np.clip(((pu - x1) * dx + (pv - y1) * dy) / length2, 0.0, 1.0)
    dist2 = (pu - x1 - along * dx) ** 2 + (pv - y1 - along * dy) ** 2
    on_boundary = np.min(dist2, axis=1) <= band * band
    return (inside | on_boundary).astype(np.float64)


def _weld(points: np.ndarray, tol: float) -> np.ndarray:
    """Replace each point by the first earlier point within ``tol``.

    Pcurve ends meeting at a vertex can differ in the last bits; the even-odd
    test needs closed loops, or a ray through a vertex is counted once.
    """
    out = points.copy()
    dist = np.max(np.abs(points[:, None, :] - points[None, :, :]), axis=-1)
    first = np.argmax(dist <= max(tol, 1e-15), axis=1)
    return out[first]
