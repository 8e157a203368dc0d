"""Sketch profiles on a plane and extrude them into tool solids.

A profile is a list of closed loops; each loop is a list of segments in the
sketch plane's 2D coordinates: ``("line", p0, p1)``, ``("arc", p0, p_mid,
p1)`` (through three points) or ``("circle", centre, radius)``. The first loop
is the outer boundary, any others are holes. :func:`prism` extrudes the
profile face and reports which tool face is its bottom cap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Point = tuple[float, float]
Segment = tuple
Loop = list[Segment]


@dataclass(frozen=True)
class SketchPlane:
    """A plane with 2D coordinates: ``origin + s * x_dir + t * y_dir``; ``normal = x_dir x y_dir``."""

    origin: np.ndarray
    x_dir: np.ndarray
    y_dir: np.ndarray

    @property
    def normal(self) -> np.ndarray:
        return np.cross(self.x_dir, self.y_dir)

    def point(self, p: Point) -> np.ndarray:
        return self.origin + p[0] * self.x_dir + p[1] * self.y_dir

    def shifted(self, offset: np.ndarray) -> "SketchPlane":
        return SketchPlane(self.origin + offset, self.x_dir, self.y_dir)


def polygon(points: list[Point]) -> Loop:
    """A closed polyline through ``points``."""
    return [("line", points[i], points[(i + 1) % len(points)]) for i in range(len(points))]


def _gp(p: np.ndarray):
    from OCP.gp import gp_Pnt

    return gp_Pnt(*(float(c) for c in p))


def _edge(plane: SketchPlane, segment: Segment):
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeEdge
    from OCP.GC import GC_MakeArcOfCircle
    from OCP.gp import gp_Ax2, gp_Circ, gp_Dir

    kind = segment[0]
    if kind == "line":
        return BRepBuilderAPI_MakeEdge(_gp(plane.point(segment[1])), _gp(plane.point(segment[2]))).Edge()
    if kind == "arc":
        arc = GC_MakeArcOfCircle(*(_gp(plane.point(p)) for p in segment[1:4]))
        return BRepBuilderAPI_MakeEdge(arc.Value()).Edge()
    if kind == "circle":
        centre, radius = plane.point(segment[1]), float(segment[2])
        axis = gp_Ax2(_gp(centre), gp_Dir(*plane.normal.tolist()), gp_Dir(*plane.x_dir.tolist()))
        return BRepBuilderAPI_MakeEdge(gp_Circ(axis, radius)).Edge()
    raise ValueError(f"unknown segment kind {kind!r}")


def _wire(plane: SketchPlane, loop: Loop):
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeWire

    maker = BRepBuilderAPI_MakeWire()
    for segment in loop:
        maker.Add(_edge(plane, segment))
    if not maker.IsDone():
        raise ValueError("profile loop does not close")
    return maker.Wire()


def profile_face(plane: SketchPlane, loops: list[Loop]):
    """The planar face bounded by ``loops`` (outer first, then holes)."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace
    from OCP.BRepLib import BRepLib
    from OCP.ShapeFix import ShapeFix_Face
    from OCP.TopoDS import TopoDS

    maker = BRepBuilderAPI_MakeFace(_wire(plane, loops[0]), True)
    for hole in loops[1:]:
        maker.Add(TopoDS.Wire(_wire(plane, hole).Reversed()))
    if not maker.IsDone():
        raise ValueError("could not make the profile face")
    fixer = ShapeFix_Face(maker.Face())
    fixer.FixOrientation()
    face = TopoDS.Face(fixer.Face())
    BRepLib.BuildCurves3d_s(face)
    return face


def prism(plane: SketchPlane, loops: list[Loop], vector: np.ndarray):
    """Extrude the profile by ``vector``: ``(tool solid, bottom cap face, top cap face)``."""
    from OCP.BRepPrimAPI import BRepPrimAPI_MakePrism
    from OCP.gp import gp_Vec

    maker = BRepPrimAPI_MakePrism(profile_face(plane, loops), gp_Vec(*(float(c) for c in vector)))
    maker.Build()
    if not maker.IsDone():
        raise ValueError("prism failed")
    return maker.Shape(), maker.FirstShape(), maker.LastShape()
