"""Fusion 360 Gallery segmentation (Lambourne et al., "BRepNet", CVPR 2021): 8 modelling-operation classes.

Layout of the ``s2.0.0`` release: STEP files ``breps/step/<id>.stp`` with labels
``breps/seg/<id>.seg`` (one class index per line, faces in traversal order), class names in
``segment_names.json`` and the split in ``train_test.json`` (``{"train": [ids], "test":
[ids]}``). A ``.seg`` next to its STEP file is also found.
"""

from __future__ import annotations

from graphssl.cad.datasets.base import CADGraphDataset, ModelRef
from graphssl.cad.labels_io import read_json
from graphssl.errors import InputFileError

#: Class names when ``segment_names.json`` is absent (index order of the release).
FUSION_SEG_CLASSES = ("ExtrudeSide", "ExtrudeEnd", "CutSide", "CutEnd", "Fillet", "Chamfer", "RevolveSide",
                      "RevolveEnd")


class Fusion360Seg(CADGraphDataset):
    """Fusion 360 Gallery segmentation dataset (``.stp`` + ``.seg``)."""

    name = "fusion360_seg"
    label_format = "fusion_seg"
    splits = ("train", "test")

    def class_names(self) -> list[str]:
        path = self.data_root / "segment_names.json"
        if not path.is_file():
            return list(FUSION_SEG_CLASSES)
        names = read_json(path)
        if isinstance(names, dict) and all(k.isdigit() for k in names):
            return [str(names[k]) for k in sorted(names, key=int)]
        if not isinstance(names, list):
            raise InputFileError(f"{path}: expected a list of class names or a dict keyed by class index")
        return [str(name) for name in names]

    def list_models(self) -> list[ModelRef]:
        split_file = self.data_root / "train_test.json"
        membership: dict[str, str] = {}
        if split_file.is_file():
            splits = read_json(split_file)
            if not isinstance(splits, dict) or not all(isinstance(ids, list) for ids in splits.values()):
                raise InputFileError(f"{split_file}: expected {{split: [model ids]}}")
            for split, ids in splits.items():
                for model_id in ids:
                    membership.setdefault(str(model_id), split)
        step_dir = self.data_root / "breps" / "step"
        folder = step_dir if step_dir.is_dir() else self.data_root
        models = []
        for step in sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".stp", ".step")):
            seg = self.data_root / "breps" / "seg" / f"{step.stem}.seg"
            if not seg.is_file():
                seg = step.with_suffix(".seg")
            models.append(ModelRef(id=step.stem, step=step, labels=seg, split=membership.get(step.stem, "")))
        return models
