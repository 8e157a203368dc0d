"""Encoder batches built straight from the chem layer's flat chunks, with no per-molecule graph objects.

The batch path of :class:`~graphssl.graspnet.featurizer.MoleculeFeaturizer`
(GraSPNet, Wu et al., arXiv 2602.20344). A
:class:`~graphssl.chem.chunk.GraphChunk` already holds every attribute of its
molecules as one array with per-molecule offsets; cutting a run of molecules
out of it and adding the index increments gives exactly what
``Batch.from_data_list(to_data_list(chunk))`` gives (PyG's collation with
``MolData.__inc__``), without making, copying and re-concatenating one
``MolData`` per molecule.

Increments, as in PyG and :class:`~graphssl.chem.data.MolData`: keys holding
``index`` add the atoms before the molecule, ``atom2frag`` adds atoms (row 0)
and fragments (row 1), ``frag_edge_index`` adds fragments, ``frag_batch`` the
molecule's position; other arrays are concatenated as they are.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import torch
from torch_geometric.data import Batch

from graphssl.chem.chunk import PAIRS, GraphChunk, pair_rows

FRAGMENT_KEY = "frag_x"


def _offsets(counts: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def _increment(name: str, atoms: np.ndarray, fragments: np.ndarray | None, position: np.ndarray) -> np.ndarray | int:
    """Per-molecule increment of ``name``: ``[B]`` (or ``[2, B]`` for ``atom2frag``), or ``0``."""
    if name == "atom2frag":
        return np.stack([_offsets(atoms), _offsets(fragments)])
    if name == "frag_edge_index":
        return _offsets(fragments)
    if name == "frag_batch":
        return position
    if "index" in name:
        return _offsets(atoms)
    return 0


def chunk_batch(chunk: GraphChunk, start: int, stop: int) -> Batch:
    """Molecules ``start:stop`` of ``chunk`` (chunk order) as one PyG ``Batch``.

    Shapes:
        every array attribute as ``Batch.from_data_list`` of the same molecules
        gives it (``x [N, F]``, ``edge_index [2, E]``, ``atom2frag [2, M]``, ...),
        plus ``batch [N]`` and ``ptr [B + 1]``.
    """
    count = stop - start
    ptrs = {name: np.asarray(ptr[start:stop + 1], dtype=np.int64) for name, (_, ptr, _) in chunk.arrays.items()}
    atoms = np.diff(ptrs["x"])
    fragments = np.diff(ptrs[FRAGMENT_KEY]) if FRAGMENT_KEY in ptrs else None
    position = np.arange(count, dtype=np.int64)
    attrs = {}
    for name, (values, _, layout) in chunk.arrays.items():
        lo, hi = int(ptrs[name][0]), int(ptrs[name][-1])
        sizes = np.diff(ptrs[name])
        increment = _increment(name, atoms, fragments, position)
        if layout == PAIRS:
            block = pair_rows(values[2 * lo:2 * hi], sizes)
            if not isinstance(increment, int):
                block = block + np.repeat(np.atleast_2d(increment), sizes, axis=1)
        else:
            block = values[lo:hi]
            if not isinstance(increment, int):
                block = block + np.repeat(increment, sizes).reshape((-1,) + (1,) * (block.ndim - 1))
        attrs[name] = torch.from_numpy(np.ascontiguousarray(block))
    for name, values in chunk.per_graph.items():
        attrs[name] = torch.tensor(values[start:stop])
    attrs["batch"] = torch.from_numpy(np.repeat(position, atoms))
    attrs["ptr"] = torch.from_numpy(np.concatenate([[0], np.cumsum(atoms)]).astype(np.int64))
    return Batch(**attrs)


def chunk_batches(chunk: GraphChunk, batch_size: int) -> Iterator[tuple[list[int], Batch]]:
    """``(input rows, batch)`` for consecutive runs of at most ``batch_size`` molecules of ``chunk``."""
    for start in range(0, len(chunk.rows), batch_size):
        stop = min(start + batch_size, len(chunk.rows))
        yield chunk.rows[start:stop], chunk_batch(chunk, start, stop)
