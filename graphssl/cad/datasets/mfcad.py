"""MFCAD (Cao et al., "Graph representation of 3D CAD models for machining feature
recognition with deep learning", IDETC/CIE 2020): 16 classes, one label per face.

Layout (that of ``../shared/data/mfcad``; see its README)::

    root/classes.json            16 class names in index order
    root/{train,val,test}.txt    model ids, one per line
    root/step/<id>.step          face names are face ids 0..n-1
    root/step/<id>.json          face_truth (by face id) and labels (traversal order)

Labels are attached by face name, and a file whose ``labels`` disagree with
``face_truth`` is rejected.
"""

from __future__ import annotations

from graphssl.cad.datasets.base import CADGraphDataset, ModelRef
from graphssl.cad.labels_io import read_class_names
from graphssl.errors import InputFileError


def read_split_lists(root, splits) -> dict[str, str]:
    """``{model id: split}`` from ``root/<split>.txt`` files that exist, in file order."""
    membership: dict[str, str] = {}
    for split in splits:
        path = root / f"{split}.txt"
        if path.is_file():
            for line in path.read_text().split():
                membership.setdefault(line.strip(), split)
    return membership


def in_split_order(paths: list, membership: dict[str, str], folder) -> list[tuple[str, object, str]]:
    """``(id, path, split)``: listed ids in list order (missing files included, so they are
    reported), then unlisted files sorted by name with split ``""``."""
    by_id = {p.stem: p for p in paths}
    listed = [(model_id, by_id.get(model_id, folder / f"{model_id}.step"), split)
              for model_id, split in membership.items()]
    rest = [(p.stem, p, "") for p in sorted(paths) if p.stem not in membership]
    return listed + rest


class MFCAD(CADGraphDataset):
    """The MFCAD dataset (see the module docstring for the layout)."""

    name = "mfcad"
    label_format = "mfcad"

    def class_names(self) -> list[str]:
        path = self.data_root / "classes.json"
        if not path.is_file():
            raise InputFileError(f"{path}: MFCAD class list not found")
        return read_class_names(path)

    def list_models(self) -> list[ModelRef]:
        step_dir = self.data_root / "step"
        membership = read_split_lists(self.data_root, self.splits)
        return [ModelRef(id=model_id, step=path, labels=path.with_suffix(".json"), split=split)
                for model_id, path, split in in_split_order(list(step_dir.glob("*.step")), membership, step_dir)]
