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

_SURFACE_COLUMN = {"GeomAbs_Plane": 0, "GeomAbs_Cylinder": 1, "GeomAbs_Cone": 2, "GeomAbs_Sphere": 3,
                   "GeomAbs_Torus": 4}
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


def face_grids(evaluators: list, bounds: np.ndarray, size: tuple[int, int] = (10, 10)) -> np.ndarray:
    """UV grids of faces, unscaled.

    Args:
        evaluators: One :class:`~graphssl.cad.geometry.SurfaceEvaluator` per face.
        bounds: ``[F, 4]`` rows ``(umin, umax, vmin, vmax)`` from :func:`uv_bounds`.
        size: Samples ``(num_u, num_v)`` including both ends of each range (default ``(10, 10)``).

    Shapes:
        output: ``[F, 7, num_u, num_v]``; channels :data:`FACE_GRID_CHANNELS`. The mask is 1
        where the sample lies on the face (inside or on its boundary), else 0
        (:mod:`~graphssl.cad.trimming`).
    """
    from graphssl.cad.trimming import trimming_masks

    num_u, num_v = size
    grids = np.zeros((len(evaluators), 7, num_u, num_v))
    if not evaluators:
        return grids
    masks = trimming_masks([ev.face for ev in evaluators], bounds, size)
    frac_u, frac_v = np.linspace(0.0, 1.0, num_u), np.linspace(0.0, 1.0, num_v)
    u = bounds[:, 0:1, None] + (bounds[:, 1:2, None] - bounds[:, 0:1, None]) * frac_u[None, :, None]
    v = bounds[:, 2:3, None] + (bounds[:, 3:4, None] - bounds[:, 2:3, None]) * frac_v[None, None, :]
    u, v = np.broadcast_arrays(u, v)
    planes = [f for f, ev in enumerate(evaluators) if ev.normal is not None]
    if planes:
        # All planar faces at once: P = O + u X + v Y, constant normal.
        origin, x_dir, y_dir = (np.array([evaluators[f].frame[i] for f in planes]) for i in (0, 1, 2))
        points = (origin[:, :, None, None] + x_dir[:, :, None, None] * u[planes][:, None]
                  + y_dir[:, :, None, None] * v[planes][:, None])
        grids[planes, 0:3] = points
        grids[planes, 3:6] = np.array([evaluators[f].normal for f in planes])[:, :, None, None]
    for f, ev in enumerate(evaluators):
        if ev.normal is None:
            points, normals = ev.evaluate(u[f].ravel(), v[f].ravel())
            grids[f, 0:3] = points.T.reshape(3, num_u, num_v)
            grids[f, 3:6] = normals.T.reshape(3, num_u, num_v)
    grids[:, 6] = masks.reshape(-1, num_u, num_v)
    return grids
