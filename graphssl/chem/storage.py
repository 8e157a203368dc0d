"""Featurized molecules saved collated and compact: one tensor per attribute, in the smallest integer dtype.

A list of per-molecule ``Data`` objects pickles every small tensor with its
own storage header (about 6 kB a molecule for MOSES). Instead the graphs are
stored as ``InMemoryDataset.save()`` does, ``(data dict, slices, data
class)``: each attribute concatenated over all graphs, plus the ``slices``
where each graph's rows begin. Categorical features and the per-graph
(local) indices of the collated storage are small non-negative integers, so
every integer tensor is kept in the smallest of ``uint8``, ``int16``,
``int32`` that holds its values (int64 only where needed). For the MOSES test
split this is about 10x smaller than the same storage in int64.

:class:`CompactMolData`, the stored data class, turns every integer tensor
back into int64 when the storage is loaded (``from_dict``), so
:func:`graphssl.data.saved.load_saved_graphs` (the ``pyg_saved`` dataset) and
``InMemoryDataset.load`` give exactly the graphs that were featurized.
:class:`FeaturizedMolecules` reads such a file lazily, with the spec of the
``.json`` card that ``graphssl chem featurize`` writes beside it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import torch
from torch_geometric.data import InMemoryDataset

from graphssl.chem.chunk import GraphChunk
from graphssl.chem.data import MolData
from graphssl.data.shards import smallest_dtype as shard_smallest_dtype

#: Candidate storage dtypes, smallest first.
COMPACT_DTYPES = (np.uint8, np.int16, np.int32)


def smallest_dtype(values: np.ndarray) -> np.dtype:
    """The first of :data:`COMPACT_DTYPES` holding every value of an integer array (else its own dtype).

    The rule of :func:`graphssl.data.shards.smallest_dtype`, without int64 (an int64 array stays as it is).
    """
    return shard_smallest_dtype(values, COMPACT_DTYPES)


def compact_chunk(chunk: GraphChunk) -> GraphChunk:
    """Store the integer arrays of ``chunk`` in their smallest dtype (in place; returns ``chunk``).

    Chunks compacted separately may get different dtypes for one attribute;
    concatenating them (:func:`graphssl.chem.chunk.collate_chunks`) promotes
    to the widest, which still holds every value.
    """
    for name, (values, ptr, layout) in chunk.arrays.items():
        chunk.arrays[name] = (values.astype(smallest_dtype(values), copy=False), ptr, layout)
    return chunk


class CompactMolData(MolData):
    """:class:`~graphssl.chem.data.MolData` read from compact storage: integer tensors come back as int64."""

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any]) -> "CompactMolData":
        return super().from_dict(widen(mapping))


def widen(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """``mapping`` with every uint8/int16/int32 tensor as int64 (bool and float tensors unchanged)."""
    narrow = (torch.uint8, torch.int8, torch.int16, torch.int32)
    return {key: value.long() if isinstance(value, torch.Tensor) and value.dtype in narrow else value
            for key, value in mapping.items()}


def save_collated(data: MolData, slices: dict[str, torch.Tensor], path: str | os.PathLike) -> Path:
    """Write ``(data dict, slices, CompactMolData)`` to ``path`` atomically (through a temporary file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        torch.save((data.to_dict(), slices, CompactMolData), tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def card_path(path: str | os.PathLike) -> Path:
    """The ``.json`` card that ``graphssl chem featurize`` writes beside a graph file."""
    return Path(path).with_suffix(".json")


class FeaturizedMolecules(InMemoryDataset):
    """The graphs of a ``graphssl chem featurize`` output, indexed lazily, with the spec from its card.

    Unlike :func:`graphssl.data.saved.load_saved_graphs`, which builds one
    ``Data`` per graph up front (about 100 s for the 176,074 MOSES test
    molecules), graphs are cut from the collated storage when accessed, as any
    PyG ``InMemoryDataset``; ``spec`` is the full vocabulary recorded at
    featurization, not one inferred from the values seen.

    Args:
        path: the ``.pt`` file; its ``.json`` card must lie beside it.
        transform: PyG transform applied on access (default ``None``).
    """

    def __init__(self, path: str | os.PathLike, *, transform: Any = None) -> None:
        import json

        from graphssl.data.spec import spec_from_dict
        from graphssl.errors import InputFileError

        self.path = Path(path)
        card = card_path(self.path)
        for needed in (self.path, card):
            if not needed.is_file():
                raise InputFileError(f"{needed}: file not found (FeaturizedMolecules reads the .pt file and the "
                                     ".json card that graphssl chem featurize writes)")
        super().__init__(root=None, transform=transform)
        try:
            stored = torch.load(self.path, weights_only=False, map_location="cpu")
            data, self.slices, _ = stored
        except Exception as exc:
            raise InputFileError(f"{self.path}: not a graphssl chem featurize output ({type(exc).__name__}: "
                                 f"{exc})") from None
        self.data = CompactMolData.from_dict(data)
        self.card = json.loads(card.read_text())
        self.spec = spec_from_dict(self.card["spec"])
        self.rejects: list = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r}, {len(self)} molecules)"
