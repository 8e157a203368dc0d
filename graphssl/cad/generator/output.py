"""Write generated parts: STEP with class-index face names (MFCAD++) plus MFInstSeg JSON labels.

For part ``name`` in ``out``:

- ``out/name.step``: AP214; every ``ADVANCED_FACE`` is named by its class index.
- ``out/name.json``: ``[[name, {"seg": {i: class}, "inst": n x n 0/1, "bottom": {i: 0/1}}]]``
  with ``i`` the traversal index, exactly AAGNet's MFInstSeg label format.
- ``out/classes.json``: the 25 class names in index order.

Each written file is read back and checked: same face count, names equal to
the classes in traversal order, and a valid solid.
"""

from __future__ import annotations

import json
from pathlib import Path

from graphssl.cad.generator.classes import FEATURE_CLASSES
from graphssl.cad.generator.part import GeneratedPart, GeneratorError


def label_record(part: GeneratedPart) -> dict:
    """The MFInstSeg label dict (``seg``, ``inst``, ``bottom``) of a part, faces in traversal order."""
    labels = part.labels
    n = len(labels)
    inst = [[int(a.instance >= 0 and a.instance == b.instance) for b in labels] for a in labels]
    return {"seg": {str(i): labels[i].cls for i in range(n)}, "inst": inst,
            "bottom": {str(i): int(labels[i].bottom) for i in range(n)}}


def write_part(part: GeneratedPart, out: Path, name: str) -> Path:
    """Write ``name.step`` and ``name.json`` into ``out``; returns the STEP path."""
    from OCP.BRepCheck import BRepCheck_Analyzer

    from graphssl.cad.step_reader import load_step
    from graphssl.cad.step_writer import write_step

    out = Path(out)
    names = [str(label.cls) for label in part.labels]
    step = write_step(part.shape, out / f"{name}.step", names)
    back = load_step(step)
    if back.face_names != names or not BRepCheck_Analyzer(back.shape).IsValid():
        raise GeneratorError(f"{step}: the written file does not read back to the generated part")
    (out / f"{name}.json").write_text(json.dumps([[name, label_record(part)]]))
    return step


def write_classes(out: Path) -> Path:
    path = Path(out) / "classes.json"
    path.write_text(json.dumps(list(FEATURE_CLASSES), indent=1))
    return path
