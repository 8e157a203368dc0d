"""Several datasets pretrained on at once, each drawn by its weight (multi-domain pretraining).

:class:`MixtureDataset` concatenates prepared datasets; graph ``i`` of part
``k`` is global index ``offsets[k] + i`` and carries ``source = k`` (an int,
graph-level). When the parts agree on their feature layout the mixture's
spec keeps it; otherwise it is structure-only (no ``x``/``edge_attr``
declared, and the graphs handed out drop them), since one encoder input
cannot read several layouts. Only attributes that every part's graphs carry
are kept, so graphs of different domains batch together.

:class:`MixtureBatchOrder` is :class:`graphssl.train.sampling.ShardedBatchOrder`
for a mixture, with the same interface. An epoch has ``sum(sizes)`` draws;
part ``k`` gets ``n_k`` of them, ``weight_k / sum(weights)`` of the total
(largest remainders, so the counts add up). Part ``k``'s draws walk an
endless sequence of permutations of its items (permutation ``j`` seeded from
``(seed, k, j)``), so a small part is repeated rather than sampled with
replacement and a large one is covered without repeats over successive
epochs. The draws are shuffled together with ``seed + epoch`` and sharded
over ranks as ``ShardedBatchOrder`` does. Every epoch is a pure function of
its number: a resumed run sees exactly the batches of an uninterrupted one.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
from typing import Sequence

import torch
from torch_geometric.data import Data

from graphssl.config import check_positive
from graphssl.data.rejects import rejects_of
from graphssl.data.spec import AttributeSpec, GraphSpec
from graphssl.errors import ConfigError

#: Feature attributes dropped from a structure-only mixture.
FEATURE_KEYS = ("x", "edge_attr")
SOURCE_KEY = "source"


def _layout(spec: GraphSpec) -> tuple:
    return (tuple(spec.node_categorical), spec.node_continuous, tuple(spec.edge_categorical), spec.edge_continuous)


def combined_spec(specs: Sequence[GraphSpec], keys: set[str]) -> tuple[GraphSpec, bool]:
    """The mixture's spec and whether it is structure-only (see the module docstring)."""
    same_layout = len({_layout(s) for s in specs}) == 1
    first = specs[0]
    attributes = {key: spec for key, spec in first.attributes.items()
                  if key in keys and all(s.attributes.get(key) == spec for s in specs[1:])}
    groups = {level: key for level, key in first.groups.items() if all(s.groups.get(level) == key for s in specs[1:])}
    attributes[SOURCE_KEY] = AttributeSpec("graph", dtype="long", categories=[len(specs)])
    if same_layout:
        return GraphSpec(first.node_categorical, first.node_continuous, first.edge_categorical, first.edge_continuous,
                         attributes=attributes, groups=groups), False
    return GraphSpec(attributes=attributes, groups=groups), True


class MixtureDataset(torch.utils.data.Dataset):
    """Prepared datasets side by side; see the module docstring.

    Args:
        parts: prepared datasets (``len``, ``__getitem__``, ``spec``).
        weights: sampling weight of each part, above 0.
        names: each part's name, for messages (default: its position).
    """

    def __init__(self, parts: Sequence, weights: Sequence[float], names: Sequence[str] | None = None) -> None:
        if len(parts) != len(weights):
            raise ConfigError(f"data: {len(parts)} datasets but {len(weights)} weights")
        for index, weight in enumerate(weights):
            check_positive(f"data[{index}].weight", float(weight))
        self.parts, self.weights = list(parts), [float(w) for w in weights]
        self.names = list(names) if names is not None else [str(i) for i in range(len(parts))]
        self.sizes = [len(p) for p in self.parts]
        for name, size in zip(self.names, self.sizes):
            if size == 0:
                raise ConfigError(f"data: dataset {name!r} has no graphs")
        self.offsets = [0]
        for size in self.sizes:
            self.offsets.append(self.offsets[-1] + size)
        first_graphs = [p[0] for p in self.parts]
        keys = set.intersection(*(set(g.keys()) for g in first_graphs))
        self.spec, self.structure_only = combined_spec([p.spec for p in self.parts], keys)
        if self.structure_only:
            keys -= set(FEATURE_KEYS)
        self.keys = sorted(keys - {SOURCE_KEY, "num_nodes"})
        classes = {type(g) for g in first_graphs}
        self.graph_class = classes.pop() if len(classes) == 1 else Data
        self.rejects = [r for p in self.parts for r in rejects_of(p)]

    @property
    def fingerprint(self) -> str:
        """Hash of the parts' fingerprints, weights and the attributes kept (what the model is fed)."""
        from graphssl.data.fingerprint import dataset_fingerprint

        payload = json.dumps({"parts": [dataset_fingerprint(p) for p in self.parts], "weights": self.weights,
                              "keys": self.keys, "structure_only": self.structure_only})
        return "sha256:" + hashlib.sha256(payload.encode()).hexdigest()

    def __len__(self) -> int:
        return self.offsets[-1]

    def locate(self, index: int) -> tuple[int, int]:
        """``(part, index within the part)`` of global ``index``."""
        if not 0 <= index < len(self):
            raise IndexError(f"mixture index {index} out of range for {len(self)} graphs")
        part = bisect.bisect_right(self.offsets, index) - 1
        return part, index - self.offsets[part]

    def __getitem__(self, index: int):
        part, local = self.locate(int(index))
        graph = self.parts[part][local]
        out = self.graph_class()
        for key in self.keys:
            out[key] = graph[key]
        out.num_nodes = graph.num_nodes
        out[SOURCE_KEY] = part
        return out

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}: {s} graphs, weight {w:g}" for n, s, w in zip(self.names, self.sizes, self.weights))
        return f"MixtureDataset({parts}{', structure only' if self.structure_only else ''})"


def draw_counts(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` by largest remainders (ties to the earlier part)."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    counts = [math.floor(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda k: (-(exact[k] - counts[k]), k))
    for k in order[: total - sum(counts)]:
        counts[k] += 1
    return counts


def _permutation(size: int, seed: int, part: int, turn: int) -> torch.Tensor:
    mixed = ((seed * 1_000_003 + part) * 1_000_003 + turn) % (2**63)
    return torch.randperm(size, generator=torch.Generator().manual_seed(mixed))


class MixtureBatchOrder:
    """Batches of mixture indices for each epoch, for one process; see the module docstring.

    Args:
        sizes: number of graphs of each part.
        weights: sampling weight of each part, above 0.
        batch_size: graphs per batch (per process).
        seed: shuffling seed.
        rank: this process's rank (default ``0``).
        world_size: number of processes (default ``1``).

    Same interface as :class:`graphssl.train.sampling.ShardedBatchOrder`:
    ``epoch(e) -> list[list[int]]`` (indices into :class:`MixtureDataset`),
    ``batches_per_epoch`` and ``shard_size``.
    """

    def __init__(self, sizes: Sequence[int], weights: Sequence[float], batch_size: int, seed: int, rank: int = 0,
                 world_size: int = 1) -> None:
        if len(sizes) != len(weights) or not sizes:
            raise ConfigError(f"data: need one weight per dataset, got {len(sizes)} datasets and {len(weights)} weights")
        if any(size < 1 for size in sizes):
            raise ValueError("a dataset of the mixture is empty; nothing to train on")
        for index, weight in enumerate(weights):
            check_positive(f"data[{index}].weight", float(weight))
        self.sizes, self.weights = [int(s) for s in sizes], [float(w) for w in weights]
        self.batch_size, self.seed, self.rank, self.world_size = batch_size, seed, rank, world_size
        self.num_items = sum(self.sizes)
        self.counts = draw_counts(self.num_items, self.weights)
        self.offsets = [sum(self.sizes[:k]) for k in range(len(self.sizes))]
        self.shard_size = math.ceil(self.num_items / world_size)

    @property
    def batches_per_epoch(self) -> int:
        return math.ceil(self.shard_size / self.batch_size)

    def part_draws(self, part: int, epoch: int) -> torch.Tensor:
        """Part ``part``'s local indices drawn in ``epoch``: positions ``[e n_k, (e+1) n_k)`` of its permutation stream."""
        size, count = self.sizes[part], self.counts[part]
        start, stop = epoch * count, (epoch + 1) * count
        if count == 0:
            return torch.zeros(0, dtype=torch.long)
        rounds = range(start // size, (stop - 1) // size + 1)
        stream = torch.cat([_permutation(size, self.seed, part, r) for r in rounds])
        return stream[start - rounds.start * size : stop - rounds.start * size]

    def epoch(self, epoch: int) -> list[list[int]]:
        # Shuffled, padded and sharded exactly as ShardedBatchOrder does, over this epoch's draws.
        from graphssl.train.sampling import ShardedBatchOrder  # not at import: graphssl.train imports this module

        draws = torch.cat([self.part_draws(k, epoch) + self.offsets[k] for k in range(len(self.sizes))]).tolist()
        positions = ShardedBatchOrder(self.num_items, self.batch_size, self.seed, self.rank, self.world_size).epoch(epoch)
        return [[draws[i] for i in batch] for batch in positions]
