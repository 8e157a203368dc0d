"""MFCAD++ (Colligan et al., "Hierarchical CADNet", CAD 2022): 25 classes stored as face names.

Each ``ADVANCED_FACE`` name is the face's class index, so no label file is
needed. Layout: ``root/step/{train,val,test}/*.step`` (the release), or
``root/{train,val,test}/*.step``, or STEP files directly in ``root/step`` or
``root`` (then only ``split="all"`` holds models, unless ``{split}.txt`` lists
exist). :mod:`graphssl.cad.generator` output also reads as MFCAD++.
"""

from __future__ import annotations


from graphssl.cad.datasets.base import CADGraphDataset, ModelRef
from graphssl.cad.labels_io import read_class_names
from graphssl.cad.datasets.mfcad import in_split_order, read_split_lists
from graphssl.cad.datasets.mfinstseg import find_step_files
from graphssl.cad.generator.classes import FEATURE_CLASSES


class MFCADPP(CADGraphDataset):
    """MFCAD++-format data: labels in the STEP face names."""

    name = "mfcadpp"
    label_format = "names"

    def class_names(self) -> list[str]:
        path = self.data_root / "classes.json"
        return read_class_names(path) if path.is_file() else list(FEATURE_CLASSES)

    def list_models(self) -> list[ModelRef]:
        for base in (self.data_root / "step", self.data_root):
            if any((base / s).is_dir() for s in self.splits):
                return [ModelRef(id=p.stem, step=p, labels=None, split=split) for split in self.splits
                        for p in find_step_files(base / split)]
        membership = read_split_lists(self.data_root, self.splits)
        files = find_step_files(self.data_root)
        folder = files[0].parent if files else self.data_root
        return [ModelRef(id=model_id, step=path, labels=None, split=split)
                for model_id, path, split in in_split_order(files, membership, folder)]
