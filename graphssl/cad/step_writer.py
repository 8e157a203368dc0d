"""Write a shape to STEP with a chosen name on every ``ADVANCED_FACE``.

The names are set on the STEP entities the writer made from each face (found
through the writer's finder process), so they survive a round trip exactly:
:func:`graphssl.cad.step_reader.load_step` reads them back in traversal order.
The header carries a fixed time stamp, so equal shapes give equal bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from graphssl.errors import InputFileError

#: Written into FILE_NAME instead of the wall-clock time, for reproducible files.
FIXED_TIMESTAMP = "2000-01-01T00:00:00"


def write_step(shape, path: str | Path, face_names: list[str] | None = None) -> Path:
    """Write ``shape`` to ``path`` (AP214), naming its faces.

    Args:
        shape: A ``TopoDS_Shape``.
        path: Output file; written through a temporary file, then renamed.
        face_names: One name per face in traversal order (default: no names).
    """
    from OCP.APIHeaderSection import APIHeaderSection_MakeHeader
    from OCP.IFSelect import IFSelect_ReturnStatus
    from OCP.STEPConstruct import STEPConstruct
    from OCP.STEPControl import STEPControl_StepModelType, STEPControl_Writer
    from OCP.TCollection import TCollection_HAsciiString
    from OCP.TopAbs import TopAbs_FACE
    from OCP.TopExp import TopExp_Explorer

    from graphssl.cad.step_reader import quiet_occt

    path = Path(path)
    writer = STEPControl_Writer()
    with quiet_occt():
        status = writer.Transfer(shape, STEPControl_StepModelType.STEPControl_AsIs)
    if status != IFSelect_ReturnStatus.IFSelect_RetDone:
        raise InputFileError(f"{path}: the STEP writer could not transfer the shape ({status.name})")
    if face_names is not None:
        finder = writer.WS().TransferWriter().FinderProcess()
        explorer = TopExp_Explorer(shape, TopAbs_FACE)
        index = 0
        while explorer.More():
            if index >= len(face_names):
                raise ValueError(f"{path}: {len(face_names)} face names for a shape with more faces")
            entity = STEPConstruct.FindEntity_s(finder, explorer.Current())
            if entity is None:
                raise ValueError(f"{path}: face {index} has no STEP entity")
            entity.SetName(TCollection_HAsciiString(str(face_names[index])))
            index += 1
            explorer.Next()
        if index != len(face_names):
            raise ValueError(f"{path}: {len(face_names)} face names for a shape with {index} faces")
    _name_products(writer.Model(), path.stem)
    header = APIHeaderSection_MakeHeader(writer.Model())
    header.SetTimeStamp(TCollection_HAsciiString(FIXED_TIMESTAMP))
    header.SetOriginatingSystem(TCollection_HAsciiString("graphssl"))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with quiet_occt():
        status = writer.Write(str(tmp))
    if status != IFSelect_ReturnStatus.IFSelect_RetDone:
        tmp.unlink(missing_ok=True)
        raise InputFileError(f"{path}: the STEP writer failed ({status.name})")
    os.replace(tmp, path)
    return path


def _name_products(model, name: str) -> None:
    """Name the STEP PRODUCT after the file: OCCT numbers it per process, which breaks reproducibility."""
    from OCP.StepBasic import StepBasic_Product
    from OCP.TCollection import TCollection_HAsciiString

    for i in range(1, model.NbEntities() + 1):
        entity = model.Value(i)
        if isinstance(entity, StepBasic_Product):
            entity.SetId(TCollection_HAsciiString(name))
            entity.SetName(TCollection_HAsciiString(name))
