"""MFInstSeg (AAGNet; Wu et al., RCIM 2024): 25 classes with feature instances and bottom faces.

Layout: STEP files in ``root/steps`` (AAGNet's release), ``root/step`` or
``root`` itself; each ``<id>.json`` label file in ``root/labels`` or next to its
STEP file; optional ``root/{train,val,test}.txt`` lists of ids (AAGNet's
partition). The label file is ``[[name, {"seg": {...}, "inst": [[...]],
"bottom": {...}}]]`` keyed by traversal index. The generator
(:mod:`graphssl.cad.generator`) writes this format.

Each graph gets ``y`` (class), ``instance`` (id, -1 for none) and ``bottom`` (0/1).
"""

from __future__ import annotations

from pathlib import Path

from graphssl.cad.datasets.base import CADGraphDataset, ModelRef
from graphssl.cad.labels_io import read_class_names
from graphssl.cad.datasets.mfcad import in_split_order, read_split_lists
from graphssl.cad.generator.classes import FEATURE_CLASSES


def find_step_files(root: Path) -> list[Path]:
    """STEP files of a dataset folder: ``steps/``, ``step/`` or the folder itself."""
    for folder in (root / "steps", root / "step", root):
        files = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".step", ".stp"))
        if files:
            return files
    return []


class MFInstSeg(CADGraphDataset):
    """MFInstSeg-format data (AAGNet's release, or :mod:`graphssl.cad.generator` output)."""

    name = "mfinstseg"
    label_format = "mfinstseg"

    def class_names(self) -> list[str]:
        path = self.data_root / "classes.json"
        return read_class_names(path) if path.is_file() else list(FEATURE_CLASSES)

    def list_models(self) -> list[ModelRef]:
        membership = read_split_lists(self.data_root, self.splits)
        files = find_step_files(self.data_root)
        folder = files[0].parent if files else self.data_root
        models = []
        for model_id, step, split in in_split_order(files, membership, folder):
            labels = self.data_root / "labels" / f"{model_id}.json"
            if not labels.is_file():
                labels = step.with_suffix(".json")
            models.append(ModelRef(id=model_id, step=step, labels=labels, split=split))
        return models
