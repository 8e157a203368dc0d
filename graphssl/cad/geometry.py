"""Vectorised evaluation of B-rep surfaces, curves and pcurves.

Analytic surfaces (plane, cylinder, cone, sphere, torus) and curves (line,
circle) are evaluated with numpy from their ``gp_Ax3``/``gp_Ax2`` frames, the
formulas of OpenCascade's ``ElSLib``/``ElCLib``; every other type is evaluated
point by point through the adaptor's ``D1``. Tests check the two paths agree.

Normals are ``dP/du x dP/dv`` normalised and flipped for reversed faces so they
point out of the solid. Where that cross product vanishes (a cone apex, a
sphere pole) the normal is the limit OpenCascade's ``BRepLProp_SLProps`` finds
from higher derivatives along the parameter line, or zero if it finds none.
"""

from __future__ import annotations

import numpy as np

#: Below this length a derivative cross product counts as zero (a singular point).
_SINGULAR = 1e-12


def _xyz(obj) -> np.ndarray:
    return np.array(obj.Coord(), dtype=np.float64)


def cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cross product of ``[..., 3]`` arrays (``np.cross`` is slow on small arrays)."""
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.where(norms > _SINGULAR, vectors / np.maximum(norms, _SINGULAR), 0.0)


class SurfaceEvaluator:
    """Points and outward normals of one face at arrays of ``(u, v)``.

    Args:
        face: A ``TopoDS_Face``, oriented as it sits in its shell.
    """

    def __init__(self, face) -> None:
        from OCP.BRepAdaptor import BRepAdaptor_Surface
        from OCP.GeomAbs import GeomAbs_SurfaceType as S
        from OCP.TopAbs import TopAbs_Orientation

        self.face = face
        self.adaptor = BRepAdaptor_Surface(face, True)
        self.kind = self.adaptor.GetType()
        self.sign = -1.0 if face.Orientation() == TopAbs_Orientation.TopAbs_REVERSED else 1.0
        self._frame = None
        self.normal = None
        getters = {S.GeomAbs_Plane: "Plane", S.GeomAbs_Cylinder: "Cylinder", S.GeomAbs_Cone: "Cone",
                   S.GeomAbs_Sphere: "Sphere", S.GeomAbs_Torus: "Torus"}
        if self.kind in getters:
            primitive = getattr(self.adaptor, getters[self.kind])()
            ax3 = primitive.Position()
            self._frame = (_xyz(ax3.Location()), _xyz(ax3.XDirection()), _xyz(ax3.YDirection()), _xyz(ax3.Direction()))
            self._primitive = primitive
            if self.kind == S.GeomAbs_Plane:
                # x_dir x y_dir of a gp_Ax3 is its axis, reversed for a left-handed frame.
                self.normal = (self.sign if ax3.Direct() else -self.sign) * self._frame[3]

    @property
    def frame(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """``(origin, x_dir, y_dir, axis)`` of an analytic surface's ``gp_Ax3`` (``None`` otherwise)."""
        return self._frame

    def evaluate(self, u: np.ndarray, v: np.ndarray, *, generic: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Points ``[n, 3]`` and unit outward normals ``[n, 3]`` at parameters ``u``, ``v`` (each ``[n]``)."""
        u = np.asarray(u, dtype=np.float64).reshape(-1)
        v = np.asarray(v, dtype=np.float64).reshape(-1)
        if self._frame is None or generic:
            points, du, dv = self._evaluate_generic(u, v)
        else:
            points, du, dv = self._evaluate_analytic(u, v)
        normals = _unit(cross(du, dv))
        for i in np.flatnonzero(~normals.any(axis=1)):
            normals[i] = self._singular_normal(float(u[i]), float(v[i]))
        return points, self.sign * normals

    def _singular_normal(self, u: float, v: float) -> np.ndarray:
        from OCP.BRepLProp import BRepLProp_SLProps

        props = BRepLProp_SLProps(self.adaptor, u, v, 2, 1e-9)
        return np.array(props.Normal().Coord()) if props.IsNormalDefined() else np.zeros(3)

    def _evaluate_generic(self, u, v):
        from OCP.gp import gp_Pnt, gp_Vec

        n = u.shape[0]
        out = np.empty((3, n, 3))
        p, du, dv = gp_Pnt(), gp_Vec(), gp_Vec()
        for i in range(n):
            self.adaptor.D1(float(u[i]), float(v[i]), p, du, dv)
            out[0, i] = p.Coord()
            out[1, i] = du.Coord()
            out[2, i] = dv.Coord()
        return out[0], out[1], out[2]

    def _evaluate_analytic(self, u, v):
        from OCP.GeomAbs import GeomAbs_SurfaceType as S

        o, x, y, z = self._frame
        col = lambda a: a[:, None]  # noqa: E731
        if self.kind == S.GeomAbs_Plane:
            points = o + col(u) * x + col(v) * y
            return points, np.broadcast_to(x, points.shape), np.broadcast_to(y, points.shape)
        radial = col(np.cos(u)) * x + col(np.sin(u)) * y
        tangential = -col(np.sin(u)) * x + col(np.cos(u)) * y
        prim = self._primitive
        if self.kind == S.GeomAbs_Cylinder:
            r = prim.Radius()
            return o + r * radial + col(v) * z, r * tangential, np.broadcast_to(z, radial.shape)
        if self.kind == S.GeomAbs_Cone:
            r, angle = prim.RefRadius(), prim.SemiAngle()
            rho = col(r + v * np.sin(angle))
            points = o + rho * radial + col(v * np.cos(angle)) * z
            return points, rho * tangential, np.sin(angle) * radial + np.cos(angle) * z
        if self.kind == S.GeomAbs_Sphere:
            r = prim.Radius()
            cv, sv = col(np.cos(v)), col(np.sin(v))
            return o + r * cv * radial + r * sv * z, r * cv * tangential, -r * sv * radial + r * cv * z
        big, small = prim.MajorRadius(), prim.MinorRadius()
        cv, sv = col(np.cos(v)), col(np.sin(v))
        rho = big + small * cv
        return o + rho * radial + small * sv * z, rho * tangential, -small * sv * radial + small * cv * z


class CurveEvaluator:
    """Points and unit tangents of an edge's 3D curve, in the curve's own direction.

    Args:
        edge: A non-degenerate ``TopoDS_Edge``.
    """

    def __init__(self, edge) -> None:
        from OCP.BRepAdaptor import BRepAdaptor_Curve
        from OCP.GeomAbs import GeomAbs_CurveType as C

        self.adaptor = BRepAdaptor_Curve(edge)
        self.kind = self.adaptor.GetType()
        self.first = self.adaptor.FirstParameter()
        self.last = self.adaptor.LastParameter()
        self._line = self._circle = None
        if self.kind == C.GeomAbs_Line:
            line = self.adaptor.Line()
            self._line = (_xyz(line.Location()), _xyz(line.Direction()))
        elif self.kind == C.GeomAbs_Circle:
            circle = self.adaptor.Circle()
            ax2 = circle.Position()
            self._circle = (_xyz(ax2.Location()), _xyz(ax2.XDirection()), _xyz(ax2.YDirection()), circle.Radius())

    def evaluate(self, t: np.ndarray, *, generic: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Points ``[n, 3]`` and unit tangents ``[n, 3]`` at curve parameters ``t`` ``[n]``."""
        t = np.asarray(t, dtype=np.float64).reshape(-1)
        if self._line is not None and not generic:
            o, d = self._line
            return o + t[:, None] * d, np.broadcast_to(d, (t.shape[0], 3)).copy()
        if self._circle is not None and not generic:
            o, x, y, r = self._circle
            c, s = np.cos(t)[:, None], np.sin(t)[:, None]
            return o + r * (c * x + s * y), -s * x + c * y
        from OCP.gp import gp_Pnt, gp_Vec

        points = np.empty((t.shape[0], 3))
        tangents = np.empty((t.shape[0], 3))
        p, d = gp_Pnt(), gp_Vec()
        for i, ti in enumerate(t):
            self.adaptor.D1(float(ti), p, d)
            points[i] = p.Coord()
            tangents[i] = d.Coord()
        return points, _unit(tangents)


def pcurve_uv(edge, face, t: np.ndarray, *, generic: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Surface parameters ``(u [n], v [n])`` of ``edge`` on ``face`` at edge parameters ``t``.

    The edge's orientation picks the pcurve of a seam. Valid edges share the
    parameter of their 3D curve and pcurves (OpenCascade's SameParameter).
    """
    from OCP.BRepAdaptor import BRepAdaptor_Curve2d
    from OCP.GeomAbs import GeomAbs_CurveType as C

    t = np.asarray(t, dtype=np.float64).reshape(-1)
    curve = BRepAdaptor_Curve2d(edge, face)
    if curve.GetType() == C.GeomAbs_Line and not generic:
        line = curve.Line()
        origin = np.array(line.Location().Coord())
        direction = np.array(line.Direction().Coord())
        uv = origin + t[:, None] * direction
        return uv[:, 0], uv[:, 1]
    uv = np.array([curve.Value(float(ti)).Coord() for ti in t]).reshape(-1, 2)
    return uv[:, 0], uv[:, 1]


def pcurve_range(edge, face) -> tuple[float, float]:
    """Parameter range of ``edge``'s pcurve on ``face`` (used for degenerate edges)."""
    from OCP.BRepAdaptor import BRepAdaptor_Curve2d

    curve = BRepAdaptor_Curve2d(edge, face)
    return curve.FirstParameter(), curve.LastParameter()

