"""Graphs saved with ``torch.save``: a list of ``Data`` or a PyG ``InMemoryDataset`` file.

Loaded with ``weights_only=False`` because ``Data`` objects are pickled
classes: only open files you trust, as with any pickle.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch_geometric.data import Data, InMemoryDataset

from graphssl.data.spec import infer_spec
from graphssl.errors import InputFileError


def load_saved_graphs(path: str | Path) -> list[Data]:
    """Read a list of ``Data`` saved by ``torch.save`` or an ``InMemoryDataset`` processed file."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    try:
        obj = torch.load(path, weights_only=False, map_location="cpu")
    except Exception as exc:
        raise InputFileError(f"{path}: not a torch-saved graph file ({type(exc).__name__}: {exc})") from None
    if isinstance(obj, Data):
        return [obj]
    if isinstance(obj, InMemoryDataset):
        return [obj[i] for i in range(len(obj))]
    if isinstance(obj, (list, tuple)) and all(isinstance(g, Data) for g in obj):
        return list(obj)
    if isinstance(obj, tuple) and len(obj) in (2, 3) and isinstance(obj[1], dict):
        # InMemoryDataset.save() layout: (data dict, slices[, data class]); the class
        # matters, e.g. for __inc__ of fragment hierarchies.
        data_cls = obj[2] if len(obj) == 3 else Data
        dataset = InMemoryDataset()
        dataset.data, dataset.slices = (data_cls.from_dict(obj[0]) if isinstance(obj[0], dict) else obj[0]), obj[1]
        return [dataset.get(i) for i in range(dataset.len())]
    raise InputFileError(f"{path}: expected a list of torch_geometric Data or a saved InMemoryDataset, got {type(obj).__name__}")


class SavedGraphs(torch.utils.data.Dataset):
    """A dataset read from a torch-saved file (see :func:`load_saved_graphs`).

    Args:
        path: the ``.pt`` file.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.graphs = load_saved_graphs(self.path)
        self.spec = infer_spec(self.graphs)

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int) -> Data:
        return self.graphs[index]

    def __repr__(self) -> str:
        return f"SavedGraphs(path={str(self.path)!r})"
