"""Per-face class labels for display: from a label file, found beside the STEP file or given, or from face names.

Understands the label files of the datasets: MFInstSeg JSON (``[[name, {"seg": ...}]]``),
MFCAD JSON (``face_truth`` by face name, else ``labels`` in traversal order) and
Fusion 360 ``.seg`` (one class per line). Without a file given,
:func:`find_label_file` looks where the datasets keep them (:data:`LABEL_PLACES`).
Without any file, integer face names are taken as class indices (MFCAD++ and
generator output) unless they look like face ids (every face named by a
distinct ``0..n-1``, as in MFCAD) or exceed the class list: then
:func:`face_labels` gives no classes and a note saying why, so a viewer never
colours faces by id as if the ids were classes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from graphssl.errors import InputFileError

#: Where a STEP file's labels are looked for, as ``(folder relative to the STEP file's folder, suffix)``:
#: beside it (MFCAD, the MFInstSeg sample, generator output, ``.seg`` copies), AAGNet's
#: ``labels/`` beside ``steps/``, and Fusion 360's ``breps/seg/`` beside ``breps/step/``.
LABEL_PLACES = ((".", ".json"), (".", ".seg"), ("../labels", ".json"), ("../seg", ".seg"))


@dataclass(frozen=True)
class FaceLabels:
    """What labels a part's faces, for display.

    Attributes:
        classes: class index of each face (traversal order), or ``None`` when nothing labels them.
        source: the label file used (``None``: face names, or nothing).
        note: one line saying why the faces are unlabelled (``None`` when they are labelled).
    """

    classes: list[int] | None
    source: Path | None = None
    note: str | None = None


def find_label_file(step_path: str | Path) -> Path | None:
    """The first of :data:`LABEL_PLACES` that exists for ``step_path``, else ``None``."""
    step_path = Path(step_path)
    for folder, suffix in LABEL_PLACES:
        candidate = (step_path.parent / folder / step_path.stem).with_suffix(suffix)
        if candidate.is_file():
            return candidate.resolve() if folder != "." else candidate
    return None


def face_labels(step_path: str | Path, face_names: list[str], labels_path: str | Path | None = None,
                num_classes: int | None = None) -> FaceLabels:
    """Labels of a part's faces: ``labels_path``, else a label file found beside the STEP file, else face names.

    Args:
        step_path: the STEP file (named in notes and used to find a label file).
        face_names: ``ADVANCED_FACE`` name of each face, traversal order.
        labels_path: a label file (default ``None``: look with :func:`find_label_file`).
        num_classes: size of the class list, when known; integer names at or above it
            are not taken as classes (default ``None``).

    Raises:
        InputFileError: the label file cannot be read or does not fit the faces.
    """
    path = Path(labels_path) if labels_path is not None else find_label_file(step_path)
    if path is not None:
        return FaceLabels(face_classes(face_names, path), source=path)
    classes, why = names_as_classes(face_names, num_classes)
    if classes is not None:
        return FaceLabels(classes)
    looked = ", ".join(str(Path(folder) / (Path(step_path).stem + suffix)) for folder, suffix in LABEL_PLACES)
    return FaceLabels(None, note=f"{step_path}: {why}, and no label file was found ({looked}); faces drawn grey")


def names_as_classes(face_names: list[str], num_classes: int | None = None) -> tuple[list[int] | None, str]:
    """``(class per face, "")`` when the face names are class indices, else ``(None, why not)``."""
    if not face_names:
        return None, "the part has no faces"
    try:
        values = [int(name) for name in face_names]
    except ValueError:
        bad = next(i for i, name in enumerate(face_names) if not name.strip().lstrip("-").isdigit())
        return None, f"face names are not class indices (face {bad} is named {face_names[bad]!r})"
    if len(values) > 1 and sorted(values) == list(range(len(values))):
        return None, f"face names are face ids 0..{len(values) - 1} (as in MFCAD), not class indices"
    if min(values) < 0 or (num_classes is not None and max(values) >= num_classes):
        return None, f"face names run {min(values)}..{max(values)}, outside the {num_classes} classes"
    return values, ""


def read_json(path: str | Path):
    """The JSON content of ``path``; a one-line :class:`InputFileError` naming it when missing or invalid."""
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None


def face_classes(face_names: list[str], labels_path: str | Path) -> list[int]:
    """Class index of each face (traversal order) from the label file ``labels_path``."""
    n = len(face_names)
    path = Path(labels_path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such label file")
    if path.suffix.lower() == ".seg":
        values = path.read_text().split()
        try:
            classes = [int(v) for v in values]
        except ValueError:
            line = next(i for i, v in enumerate(values) if not v.lstrip("-").isdigit())
            raise InputFileError(f"{path}: value {line + 1} ({values[line]!r}) is not a class index") from None
    else:
        classes = _from_json(read_json(path), face_names, path)
    if len(classes) != n:
        raise InputFileError(f"{path}: {len(classes)} labels for {n} faces")
    return classes


def _from_json(content, face_names: list[str], path: Path) -> list[int]:
    if isinstance(content, list) and content and isinstance(content[0], list) and len(content[0]) == 2:
        seg = content[0][1].get("seg", {}) if isinstance(content[0][1], dict) else {}
        try:
            return [int(seg[str(i)]) for i in range(len(seg))]
        except (KeyError, ValueError):
            raise InputFileError(f"{path}: 'seg' is not keyed 0..{len(seg) - 1} with class indices") from None
    if isinstance(content, dict) and isinstance(content.get("face_truth"), list):
        truth = content["face_truth"]
        try:
            return [int(truth[int(name)]) for name in face_names]
        except (ValueError, IndexError):
            raise InputFileError(f"{path}: face names are not ids into face_truth") from None
    if isinstance(content, dict) and isinstance(content.get("labels"), list):
        return [int(v) for v in content["labels"]]
    raise InputFileError(f"{path}: unknown label format (expected MFInstSeg, MFCAD or .seg labels)")


def read_class_names(path: str | Path) -> list[str]:
    """Class names from a ``classes.json`` list; one-line :class:`InputFileError` when it is not one."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: no such class list")
    names = read_json(path)
    if not isinstance(names, list):
        raise InputFileError(f"{path}: expected a JSON list of class names")
    return [str(name) for name in names]


def find_class_names(*near: str | Path | None, levels: int = 2) -> list[str] | None:
    """Class names from the first ``classes.json`` found beside or above the given files."""
    for item in near:
        if item is None:
            continue
        folder = Path(item).resolve().parent
        for _ in range(levels + 1):
            candidate = folder / "classes.json"
            if candidate.is_file():
                return read_class_names(candidate)
            folder = folder.parent
    return None
