"""Read a STEP file into an OpenCascade shape plus each face's STEP name.

Face identity is exact: faces are listed in ``TopExp_Explorer(shape,
TopAbs_FACE)`` traversal order after ``STEPControl_Reader``, and
``face_names[i]`` is the name of the ``ADVANCED_FACE`` entity that produced
face ``i`` (found through the transfer reader, never by geometry). Bad input
(missing, empty, truncated, non-STEP, no solid) raises
:class:`~graphssl.errors.InputFileError` with one line naming the file.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from graphssl.errors import ConfigError, InputFileError

#: Bytes read from each end of a file to check the ISO-10303-21 envelope.
_ENVELOPE_BYTES = 4096


@dataclass
class StepModel:
    """A transferred STEP file.

    Attributes:
        path: The file read.
        shape: The transferred ``TopoDS_Shape`` (a solid or a compound of solids).
        faces: Faces in traversal order, without repeats.
        face_names: ``ADVANCED_FACE`` name of each face (``""`` when unnamed).
        num_solids: Number of distinct solids in ``shape``.
        repeated_faces: How many times the explorer met a face it had already
            visited (a face shared by two shells: non-manifold).
    """

    path: Path
    shape: object
    faces: list
    face_names: list[str] = field(default_factory=list)
    num_solids: int = 1
    repeated_faces: int = 0


@contextlib.contextmanager
def quiet_occt() -> Iterator[None]:
    """Detach OpenCascade's console printers for the duration of the block.

    The STEP parser prints syntax errors to stdout; we report them ourselves,
    so they are silenced only around the calls that produce them.
    """
    from OCP.Message import Message

    messenger = Message.DefaultMessenger_s()
    printers = list(messenger.Printers())
    for printer in printers:
        messenger.RemovePrinter(printer)
    try:
        yield
    finally:
        for printer in printers:
            messenger.AddPrinter(printer)


def check_step_envelope(path: Path) -> None:
    """Raise :class:`InputFileError` unless ``path`` looks like a complete STEP file."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(f"{path}: empty file")
    with path.open("rb") as handle:
        head = handle.read(_ENVELOPE_BYTES)
        handle.seek(max(0, size - _ENVELOPE_BYTES))
        tail = handle.read()
    if not head.lstrip().upper().startswith(b"ISO-10303-21"):
        raise InputFileError(f"{path}: not a STEP file (no ISO-10303-21 header)")
    if b"END-ISO-10303-21" not in tail.upper():
        raise InputFileError(f"{path}: truncated STEP file (no END-ISO-10303-21 trailer)")


def load_step(path: str | Path, *, face_names: bool = True, multiple_solids: str = "merge") -> StepModel:
    """Read and transfer a STEP file.

    Args:
        path: The STEP file.
        face_names: Look up each face's ``ADVANCED_FACE`` name (default ``True``).
        multiple_solids: ``"merge"`` (default) keeps every solid of a multi-solid
            file in one model, faces solid by solid in traversal order;
            ``"raise"`` rejects such files.

    Raises:
        InputFileError: missing, empty, truncated or non-STEP file, a file the
            STEP parser rejects, a file with no solid, or (with
            ``multiple_solids="raise"``) several solids.
    """
    from OCP.BRep import BRep_Tool
    from OCP.IFSelect import IFSelect_ReturnStatus
    from OCP.STEPControl import STEPControl_Reader
    from OCP.TopAbs import TopAbs_FACE, TopAbs_SHELL, TopAbs_SOLID

    from graphssl.cad import _occ

    if multiple_solids not in ("merge", "raise"):
        raise ConfigError(f"multiple_solids: must be 'merge' or 'raise', got {multiple_solids!r}")
    path = Path(path)
    check_step_envelope(path)
    reader = STEPControl_Reader()
    with quiet_occt():
        status = reader.ReadFile(str(path))
        if status != IFSelect_ReturnStatus.IFSelect_RetDone:
            raise InputFileError(f"{path}: the STEP parser rejected the file ({status.name})")
        reader.TransferRoots()
    shape = reader.OneShape()
    if shape.IsNull():
        raise InputFileError(f"{path}: the STEP file holds no shape")
    solids = _occ.shape_map(shape, TopAbs_SOLID)
    if solids.Size() == 0:
        shells = _occ.shape_map(shape, TopAbs_SHELL)
        open_shells = sum(not BRep_Tool.IsClosed_s(shells.FindKey(i)) for i in range(1, shells.Size() + 1))
        num_faces = _occ.shape_map(shape, TopAbs_FACE).Size()
        raise InputFileError(f"{path}: no solid in the file ({shells.Size()} shells of which {open_shells} open, "
                             f"{num_faces} faces)")
    if solids.Size() > 1 and multiple_solids == "raise":
        raise InputFileError(f"{path}: {solids.Size()} solids; pass multiple_solids='merge' to read them as one model")
    faces, repeated = faces_in_order(shape)
    names = _face_names(reader, faces) if face_names else [""] * len(faces)
    return StepModel(path=path, shape=shape, faces=faces, face_names=names, num_solids=solids.Size(),
                     repeated_faces=repeated)


def faces_in_order(shape) -> tuple[list, int]:
    """Faces of ``shape`` in ``TopExp_Explorer`` order without repeats, and the number of repeats."""
    from OCP.TopAbs import TopAbs_FACE
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopoDS import TopoDS

    from graphssl.cad import _occ

    seen = _occ.new_shape_map()
    faces = []
    repeated = 0
    explorer = TopExp_Explorer(shape, TopAbs_FACE)
    while explorer.More():
        face = TopoDS.Face(explorer.Current())
        if seen.Add(face) > len(faces):
            faces.append(face)
        else:
            repeated += 1
        explorer.Next()
    return faces, repeated


def _face_names(reader, faces: list) -> list[str]:
    transfer = reader.WS().TransferReader()
    names = []
    for face in faces:
        entity = transfer.EntityFromShapeResult(face, 1)
        name = entity.Name() if entity is not None and hasattr(entity, "Name") else None
        names.append(name.ToCString() if name is not None else "")
    return names
