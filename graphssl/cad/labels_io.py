"""Per-face class labels for display: from a label file, or from the STEP face names.

Understands the label files of the datasets: MFInstSeg JSON (``[[name, {"seg": ...}]]``),
MFCAD JSON (``face_truth`` by face name, else ``labels`` in traversal order) and
Fusion 360 ``.seg`` (one class per line). Without a file, integer face names
are taken as class indices (MFCAD++ and generator output).
"""

from __future__ import annotations

import json
from pathlib import Path

from graphssl.errors import InputFileError


def face_classes(face_names: list[str], labels_path: str | Path | None = None) -> list[int] | None:
    """Class index of each face (traversal order), or ``None`` when nothing labels the faces."""
    n = len(face_names)
    if labels_path is None:
        try:
            return [int(name) for name in face_names]
        except ValueError:
            return None
    path = Path(labels_path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such label file")
    if path.suffix.lower() == ".seg":
        values = path.read_text().split()
        classes = [int(v) for v in values]
    else:
        try:
            content = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
        classes = _from_json(content, face_names, path)
    if len(classes) != n:
        raise InputFileError(f"{path}: {len(classes)} labels for {n} faces")
    return classes


def _from_json(content, face_names: list[str], path: Path) -> list[int]:
    if isinstance(content, list) and content and isinstance(content[0], list) and len(content[0]) == 2:
        seg = content[0][1].get("seg", {}) if isinstance(content[0][1], dict) else {}
        return [int(seg[str(i)]) for i in range(len(seg))]
    if isinstance(content, dict) and isinstance(content.get("face_truth"), list):
        truth = content["face_truth"]
        try:
            return [int(truth[int(name)]) for name in face_names]
        except (ValueError, IndexError):
            raise InputFileError(f"{path}: face names are not ids into face_truth") from None
    if isinstance(content, dict) and isinstance(content.get("labels"), list):
        return [int(v) for v in content["labels"]]
    raise InputFileError(f"{path}: unknown label format (expected MFInstSeg, MFCAD or .seg labels)")


def find_class_names(*near: str | Path | None, levels: int = 2) -> list[str] | None:
    """Class names from the first ``classes.json`` found beside or above the given files."""
    for item in near:
        if item is None:
            continue
        folder = Path(item).resolve().parent
        for _ in range(levels + 1):
            candidate = folder / "classes.json"
            if candidate.is_file():
                return [str(name) for name in json.loads(candidate.read_text())]
            folder = folder.parent
    return None
