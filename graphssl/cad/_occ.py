"""The one place that knows which OpenCascade (OCP) version is installed.

graphssl supports ``cadquery-ocp-novtk`` 7.9.3 and 8.0.1. The differences that
matter here:

- 8.0 removed ``TopTools_IndexedMapOfShape`` (and the other ``TopTools``
  collections) in favour of ``OCP.collections`` templates such as
  ``IndexedMap_TopoDS_Shape_TopTools_ShapeMapHasher``; ``TopExp.MapShapes_s``
  rejects the hasher-less ``IndexedMap_TopoDS_Shape``.
- 8.0 dropped ``BRepTopAdaptor_FClass2d``; ``IntTools_FClass2d`` exists in both.
- ``Bnd_Box.Get()`` cannot be converted on 8.0; ``CornerMin``/``CornerMax``
  work in both.
- ``TopoDS.Face`` (no ``_s``) exists in both; other statics keep ``_s``.

Everything else in :mod:`graphssl.cad` imports OCP names freely but builds
shape maps and bounding boxes only through this module.
"""

from __future__ import annotations

from graphssl._optional import require

require("OCP", extra="cad")

from OCP.Bnd import Bnd_Box  # noqa: E402
from OCP.BRepBndLib import BRepBndLib  # noqa: E402
from OCP.TopExp import TopExp  # noqa: E402
from OCP.TopoDS import TopoDS_Shape  # noqa: E402

try:
    from OCP.collections import IndexedDataMap_TopoDS_Shape_List_TopoDS_Shape_TopTools_ShapeMapHasher as _AncestorMap
    from OCP.collections import IndexedMap_TopoDS_Shape_TopTools_ShapeMapHasher as _IndexedMap

    OCCT_MAJOR = 8
except ImportError:  # OCP 7.x
    from OCP.TopTools import TopTools_IndexedDataMapOfShapeListOfShape as _AncestorMap
    from OCP.TopTools import TopTools_IndexedMapOfShape as _IndexedMap

    OCCT_MAJOR = 7


def new_shape_map():
    """An empty indexed map of shapes keyed by ``IsSame`` (1-based indices)."""
    return _IndexedMap()


def shape_map(shape: TopoDS_Shape, kind) -> object:
    """All sub-shapes of ``shape`` of type ``kind`` (a ``TopAbs_ShapeEnum``), deduplicated.

    The order is that of ``TopExp_Explorer`` with repeats removed; index ``i``
    (1-based) gives ``FindKey(i)``, and ``FindIndex(s)`` is 0 for absent shapes.
    """
    result = _IndexedMap()
    TopExp.MapShapes_s(shape, kind, result)
    return result


def ancestors(shape: TopoDS_Shape, kind, ancestor_kind) -> list[tuple[object, list]]:
    """``(sub-shape, [ancestors])`` for each sub-shape of type ``kind`` (``TopExp.MapShapesAndAncestors``)."""
    result = _AncestorMap()
    TopExp.MapShapesAndAncestors_s(shape, kind, ancestor_kind, result)
    return [(result.FindKey(i), list(result.FindFromIndex(i))) for i in range(1, result.Size() + 1)]


def bounding_box(shape: TopoDS_Shape) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Tight axis-aligned bounding box ``(min_xyz, max_xyz)`` of the exact geometry."""
    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(shape, box, False, False)
    if box.IsVoid():
        raise ValueError("empty bounding box")
    return box.CornerMin().Coord(), box.CornerMax().Coord()
