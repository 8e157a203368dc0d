"""Trimming masks of UV grids: which samples of a face's UV box lie on the face.

Faces bounded only by straight pcurves (every planar face with straight edges,
and cylinder or cone faces cut by planes normal to their axis) get an exact
even-odd test on their boundary segments, batched over all such faces of a
part; a sample on a segment counts as on the face, as for OpenCascade's
classifier. Other faces use ``IntTools_FClass2d`` point by point. Tests check
that the two agree.
"""

from __future__ import annotations

import numpy as np

#: Points closer than this fraction of the UV box diagonal to a boundary segment count as on it.
ON_BAND = 1e-9
#: Padding segments sit here, far from every sample, so they never cross a ray nor touch a point.
_FAR = 1e30


def boundary_segments(face) -> np.ndarray | None:
    """UV segments ``[S, 4]`` (u0, v0, u1, v1) of a face's edges, or ``None`` if a pcurve is not a line."""
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
    return np.array(segments) if segments else None


def polygon_masks(segments: list[np.ndarray], u: np.ndarray, v: np.ndarray, bands: np.ndarray) -> np.ndarray:
    """Masks ``[F, P]`` for samples ``u, v`` ``[F, P]`` of ``F`` faces with boundary ``segments[f]``.

    Args:
        segments: Per face ``[S_f, 4]``.
        u, v: Sample parameters per face.
        bands: Per face, the distance ``[F]`` within which a sample is on a segment.
    """
    count, longest = len(segments), max(s.shape[0] for s in segments)
    seg = np.full((count, longest, 4), _FAR)
    for f, s in enumerate(segments):
        seg[f, : s.shape[0]] = s
    seg = _weld(seg.reshape(count, -1, 2), bands).reshape(count, longest, 4)
    x1, y1, x2, y2 = (seg[:, None, :, i] for i in range(4))
    pu, pv = u[:, :, None], v[:, :, None]
    crosses = (y1 > pv) != (y2 > pv)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x1 + (pv - y1) * (x2 - x1) / (y2 - y1)
    inside = np.count_nonzero(crosses & (pu < x_at), axis=2) % 2 == 1
    dx, dy = x2 - x1, y2 - y1
    length2 = np.maximum(dx * dx + dy * dy, 1e-300)
    along = np.clip(((pu - x1) * dx + (pv - y1) * dy) / length2, 0.0, 1.0)
    dist2 = np.min((pu - x1 - along * dx) ** 2 + (pv - y1 - along * dy) ** 2, axis=2)
    return (inside | (dist2 <= (bands * bands)[:, None])).astype(np.float64)


def _weld(points: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """Replace each endpoint ``[F, N, 2]`` by the first endpoint of its face within ``tol[f]``.

    Pcurve ends meeting at a vertex can differ in the last bits; the even-odd
    test needs closed loops, or a ray through such a vertex is counted once.
    """
    dist = np.max(np.abs(points[:, :, None, :] - points[:, None, :, :]), axis=-1)
    first = np.argmax(dist <= np.maximum(tol, 1e-15)[:, None, None], axis=2)
    return np.take_along_axis(points, first[:, :, None], axis=1)


def classifier_mask(face, us: np.ndarray, vs: np.ndarray) -> np.ndarray:
    """Mask ``[len(us) * len(vs)]`` (u-major) from OpenCascade's 2D face classifier (IN or ON)."""
    from OCP.BRep import BRep_Tool
    from OCP.gp import gp_Pnt2d
    from OCP.IntTools import IntTools_FClass2d
    from OCP.TopAbs import TopAbs_State

    classifier = IntTools_FClass2d(face, BRep_Tool.Tolerance_s(face))
    on_face = (TopAbs_State.TopAbs_IN, TopAbs_State.TopAbs_ON)
    return np.fromiter((classifier.Perform(gp_Pnt2d(float(a), float(b))) in on_face for a in us for b in vs),
                       dtype=np.float64, count=len(us) * len(vs))


def trimming_masks(faces: list, bounds: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Masks ``[F, num_u * num_v]`` (u-major) of the regular grids over each face's UV ``bounds`` ``[F, 4]``."""
    num_u, num_v = size
    frac_u, frac_v = np.linspace(0.0, 1.0, num_u), np.linspace(0.0, 1.0, num_v)
    us = bounds[:, 0:1] + (bounds[:, 1:2] - bounds[:, 0:1]) * frac_u
    vs = bounds[:, 2:3] + (bounds[:, 3:4] - bounds[:, 2:3]) * frac_v
    masks = np.zeros((len(faces), num_u * num_v))
    polygonal, segments = [], []
    for f, face in enumerate(faces):
        found = boundary_segments(face)
        if found is None:
            masks[f] = classifier_mask(face, us[f], vs[f])
        else:
            polygonal.append(f)
            segments.append(found)
    if polygonal:
        idx = np.array(polygonal)
        u = np.repeat(us[idx], num_v, axis=1)
        v = np.tile(vs[idx], (1, num_u))
        bands = ON_BAND * np.hypot(bounds[idx, 1] - bounds[idx, 0], bounds[idx, 3] - bounds[idx, 2])
        masks[idx] = polygon_masks(segments, u, v, bands)
    return masks
