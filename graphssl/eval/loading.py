"""Turning a dataset and a :class:`~graphssl.eval.splits.Split` into what the runners iterate.

Two settings are supported:

- inductive (the default): split indices pick graphs; node-level tasks then
  use every node of the picked graphs (e.g. B-rep faces of CAD parts);
- transductive: a node-level task on a dataset of exactly one graph; split
  indices pick nodes of that graph (e.g. Planetoid citation graphs).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from torch_geometric.loader import DataLoader

from graphssl.eval.seeding import generator
from graphssl.eval.splits import Split
from graphssl.eval.tasks import EvalTask

PARTS = ("train", "valid", "test")


def is_transductive(dataset: Sequence, task: EvalTask) -> bool:
    """True for a node-level task on a one-graph dataset: split indices are node ids."""
    return task.level == "node" and len(dataset) == 1


def split_parts(split: Split, size: int, unit: str) -> dict[str, np.ndarray]:
    """The split's index arrays by part name, checked to lie in ``[0, size)``."""
    parts = {name: np.asarray(getattr(split, name), dtype=np.int64) for name in PARTS}
    for name, idx in parts.items():
        if idx.size and (idx.min() < 0 or idx.max() >= size):
            raise ValueError(f"split part {name!r} holds {unit} indices outside [0, {size})")
    if parts["train"].size == 0:
        raise ValueError("split has an empty train part")
    return parts


def subset(dataset: Sequence, indices: np.ndarray) -> list:
    """The graphs at ``indices``, in that order (works for lists and PyG datasets)."""
    return [dataset[int(i)] for i in indices]


def make_loader(graphs: list, batch_size: int, shuffle: bool = False, seed: int = 0) -> DataLoader:
    """A PyG ``DataLoader`` whose order depends only on ``seed``.

    It always gets its own generator: without one, every pass over a
    ``DataLoader`` draws its workers' base seed from torch's global RNG,
    even unshuffled.
    """
    return DataLoader(graphs, batch_size=batch_size, shuffle=shuffle, generator=generator(seed))


def num_rows(batch, task: EvalTask) -> int:
    """Number of target rows in ``batch``: nodes or graphs."""
    if task.level == "node":
        return int(batch.num_nodes)
    count = getattr(batch, "num_graphs", None)
    return int(count) if count is not None else 1
