"""Face labels carried through the modelling history (``Modified`` / ``Generated`` / ``IsDeleted``).

Every face of the part holds a :class:`FaceLabel`. After each operation a
face's label moves to its images in the result: ``Modified(face)`` when the
operation split or changed it, the face itself when it survived untouched,
nothing when ``IsDeleted``. Faces an operation created from the tool or from
edges (``Generated``) get the new feature's label. No label is ever guessed
from geometry; a result face with no label, or with two, is an error.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaceLabel:
    """Class index, instance id (-1 for stock) and bottom-face flag of one face."""

    cls: int
    instance: int = -1
    bottom: bool = False


class HistoryError(RuntimeError):
    """An operation left a face unlabelled or labelled twice; the feature is rejected."""


def _faces(shape) -> list:
    from graphssl.cad.step_reader import faces_in_order

    return faces_in_order(shape)[0]


class LabelledShape:
    """A solid and the label of each of its faces.

    Args:
        shape: The solid.
        labels: One :class:`FaceLabel` per face, in traversal order.
    """

    def __init__(self, shape, labels: list[FaceLabel]) -> None:
        from graphssl.cad import _occ

        self.shape = shape
        self.faces = _faces(shape)
        if len(labels) != len(self.faces):
            raise ValueError(f"{len(labels)} labels for {len(self.faces)} faces")
        self.labels = list(labels)
        self._index = _occ.new_shape_map()
        for face in self.faces:
            self._index.Add(face)

    def label_of(self, face) -> FaceLabel:
        return self.labels[self._index.FindIndex(face) - 1]

    def apply(self, operation, result, sources: list[tuple[object, FaceLabel]],
              generated: list[tuple[object, FaceLabel]] = ()) -> "LabelledShape":
        """The labelled result of ``operation``.

        Args:
            operation: A built OCCT algorithm with ``Modified``/``IsDeleted``/``Generated``.
            result: Its result shape.
            sources: ``(input face, label)`` for every face of every argument
                (the part's faces and the tool's).
            generated: ``(input edge or vertex, label)`` whose ``Generated`` faces get ``label``.
        """
        from graphssl.cad import _occ

        new_faces = _faces(result)
        index = _occ.new_shape_map()
        for face in new_faces:
            index.Add(face)
        assigned: list[FaceLabel | None] = [None] * len(new_faces)

        def give(face, label: FaceLabel, origin: str) -> None:
            position = index.FindIndex(face) - 1
            if position < 0:
                return
            if assigned[position] is not None and assigned[position] != label:
                raise HistoryError(f"result face {position} comes from two labelled faces ({origin})")
            assigned[position] = label

        for face, label in sources:
            images = list(operation.Modified(face))
            if images:
                for image in images:
                    give(image, label, "modified")
            elif not operation.IsDeleted(face):
                give(face, label, "kept")
        for shape, label in generated:
            for image in operation.Generated(shape):
                give(image, label, "generated")
        missing = [i for i, label in enumerate(assigned) if label is None]
        if missing:
            raise HistoryError(f"{len(missing)} result faces have no history (first: face {missing[0]})")
        return LabelledShape(result, assigned)  # type: ignore[arg-type]

    def cut(self, tool, tool_labels: list[tuple[object, FaceLabel]]) -> "LabelledShape":
        """Boolean cut by ``tool``; ``tool_labels`` gives each tool face its label."""
        from OCP.BRepAlgoAPI import BRepAlgoAPI_Cut

        operation = BRepAlgoAPI_Cut(self.shape, tool)
        if not operation.IsDone():
            raise HistoryError("boolean cut failed")
        sources = list(zip(self.faces, self.labels)) + list(tool_labels)
        return self.apply(operation, operation.Shape(), sources)

    def blend(self, edge, size: float, label: FaceLabel, *, kind: str) -> "LabelledShape":
        """Chamfer (``kind="chamfer"``) or round (``kind="round"``) one edge; the new face gets ``label``."""
        from OCP.BRepFilletAPI import BRepFilletAPI_MakeChamfer, BRepFilletAPI_MakeFillet

        operation = BRepFilletAPI_MakeChamfer(self.shape) if kind == "chamfer" else BRepFilletAPI_MakeFillet(self.shape)
        operation.Add(float(size), edge)
        operation.Build()
        if not operation.IsDone():
            raise HistoryError(f"{kind} failed")
        return self.apply(operation, operation.Shape(), list(zip(self.faces, self.labels)), [(edge, label)])
