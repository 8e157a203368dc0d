"""Tiny analytic B-rep fixtures (built with OpenCascade, written to STEP by the tests).

Every builder returns a ``TopoDS_Shape`` whose faces, edges and convexities
are known in closed form; the tests compare extraction against those values.
"""

from __future__ import annotations

import math


def box(dx: float = 10.0, dy: float = 8.0, dz: float = 6.0, origin=(0.0, 0.0, 0.0)):
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
    from OCP.gp import gp_Pnt

    return BRepPrimAPI_MakeBox(gp_Pnt(*origin), dx, dy, dz).Shape()


def cylinder(radius: float = 2.0, height: float = 5.0):
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeCylinder

    return BRepPrimAPI_MakeCylinder(radius, height).Shape()


def cone(r1: float = 2.0, r2: float = 0.0, height: float = 4.0):
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeCone

    return BRepPrimAPI_MakeCone(r1, r2, height).Shape()


def sphere(radius: float = 3.0):
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeSphere

    return BRepPrimAPI_MakeSphere(radius).Shape()


def torus(major: float = 4.0, minor: float = 1.0):
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeTorus

    return BRepPrimAPI_MakeTorus(major, minor).Shape()


def box_with_hole(radius: float = 2.0, through: bool = True):
    """10 x 8 x 6 block with a vertical hole of ``radius`` at (5, 4): through, or 3 deep from the top."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Cut
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeCylinder
    from OCP.gp import gp_Ax2, gp_Dir, gp_Pnt

    z0 = -1.0 if through else 3.0
    tool = BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(5, 4, z0), gp_Dir(0, 0, 1)), radius, 10.0).Shape()
    return BRepAlgoAPI_Cut(box(), tool).Shape()


def box_with_pocket():
    """10 x 8 x 6 block with a 4 x 2 x 3 rectangular pocket from the top at x in [3, 7], y in [3, 5]."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Cut

    return BRepAlgoAPI_Cut(box(), box(4.0, 2.0, 10.0, origin=(3.0, 3.0, 3.0))).Shape()


def moved(shape, angle_deg: float = 30.0, offset=(3.0, -2.0, 5.0)):
    """``shape`` rotated about a skew axis and translated (exercises face locations)."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_Transform
    from OCP.gp import gp_Ax1, gp_Dir, gp_Pnt, gp_Trsf, gp_Vec

    rotation = gp_Trsf()
    rotation.SetRotation(gp_Ax1(gp_Pnt(0, 0, 0), gp_Dir(1, 1, 0.5)), math.radians(angle_deg))
    translation = gp_Trsf()
    translation.SetTranslation(gp_Vec(*offset))
    return BRepBuilderAPI_Transform(BRepBuilderAPI_Transform(shape, rotation, True).Shape(), translation, True).Shape()


def two_boxes():
    """A compound of two disjoint blocks."""
    from OCP.BRep import BRep_Builder
    from OCP.TopoDS import TopoDS_Compound

    compound = TopoDS_Compound()
    builder = BRep_Builder()
    builder.MakeCompound(compound)
    builder.Add(compound, box())
    builder.Add(compound, box(2.0, 2.0, 2.0, origin=(20.0, 0.0, 0.0)))
    return compound


def faces_of(shape) -> list:
    from OCP.TopAbs import TopAbs_FACE
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopoDS import TopoDS

    out = []
    explorer = TopExp_Explorer(shape, TopAbs_FACE)
    while explorer.More():
        out.append(TopoDS.Face(explorer.Current()))
        explorer.Next()
    return out


def solid_from_faces(faces: list):
    """A solid whose one shell holds exactly ``faces`` (no checks: used to craft bad solids)."""
    from OCP.BRep import BRep_Builder
    from OCP.TopoDS import TopoDS_Shell, TopoDS_Solid

    builder = BRep_Builder()
    shell = TopoDS_Shell()
    builder.MakeShell(shell)
    for face in faces:
        builder.Add(shell, face)
    solid = TopoDS_Solid()
    builder.MakeSolid(solid)
    builder.Add(solid, shell)
    return solid


def open_box():
    """A block with its top face removed, wrapped as a solid (an open shell)."""
    return solid_from_faces(faces_of(box())[:-1])


def box_with_repeated_face():
    """A block whose shell holds one face twice (a non-manifold shell)."""
    faces = faces_of(box())
    return solid_from_faces(faces + [faces[0]])


def shell_only():
    """A lone shell (a STEP file with no solid)."""
    from OCP.TopAbs import TopAbs_SHELL
    from OCP.TopExp import TopExp_Explorer

    return TopExp_Explorer(box(), TopAbs_SHELL).Current()


def sliver_face_solid():
    """A block plus a face whose UV box has zero height (degenerate UV bounds)."""
    from OCP.BRep import BRep_Builder
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeEdge, BRepBuilderAPI_MakeWire
    from OCP.Geom import Geom_Plane
    from OCP.gp import gp_Dir, gp_Pnt
    from OCP.TopoDS import TopoDS_Face

    plane = Geom_Plane(gp_Pnt(0, 0, 0), gp_Dir(0, 0, 1))
    a, b = gp_Pnt(1, 1, 0), gp_Pnt(2, 1, 0)
    wire = BRepBuilderAPI_MakeWire(BRepBuilderAPI_MakeEdge(a, b).Edge(), BRepBuilderAPI_MakeEdge(b, a).Edge()).Wire()
    face = TopoDS_Face()
    builder = BRep_Builder()
    builder.MakeFace(face, plane, 1e-7)
    builder.Add(face, wire)
    return solid_from_faces(faces_of(box()) + [face])
