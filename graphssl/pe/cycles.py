"""Per-node counts of simple cycles of length 3 (triangles) up to ``max_length``.

Substructure counts as node features follow "Improving Graph Neural Network
Expressivity via Subgraph Isomorphism Counting" (Bouritsas et al., TPAMI 2022,
https://arxiv.org/abs/2006.09252). Node ``i`` gets, for each length ``L``, the
number of simple cycles of length ``L`` through ``i`` in the simple graph
(weights, duplicate edges and self-loops ignored).

Cycles are enumerated exactly, for all graphs at once, as tensors of simple
paths that start at their cycle's smallest node and only visit larger nodes;
a path closes into a cycle when its last node is adjacent to the start, and
each cycle is kept in one direction only. The number of open paths grows
quickly on dense graphs, so it is capped by ``max_paths`` per batch of start
nodes; a graph that needs more raises an
:class:`~graphssl.errors.InvalidGraphError` naming it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor

from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.pe.base import PSETransform
from graphssl.pe.graphs import DirectedPolicy, GraphSet

#: Start nodes expanded together; bounds memory on large graphs.
START_CHUNK = 1 << 16


class CycleCounts(PSETransform):
    """Number of simple cycles of each length ``3..max_length`` through every node.

    Args:
        max_length: longest cycle counted (default ``8``, at least ``3``).
        max_paths: cap on simultaneously open paths (default ``2e7``).
        attr_name: output attribute (default ``"cycles"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        output ``cycles``: ``[N, max_length - 2]`` float32; column ``L - 3`` counts cycles of length ``L``.
    """

    kind = "cycles"

    def __init__(
        self,
        max_length: int = 8,
        *,
        max_paths: int = 20_000_000,
        attr_name: str | None = None,
        directed: DirectedPolicy = "raise",
    ) -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        if int(max_length) < 3:
            raise ConfigError(f"CycleCounts max_length must be >= 3, got {max_length}")
        self.max_length = int(max_length)
        self.max_paths = int(max_paths)

    def params(self) -> dict[str, Any]:
        return {"max_length": self.max_length, "max_paths": self.max_paths, **super().params()}

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        return {"": cycle_counts(graphs, self.max_length, self.max_paths)}


def simple_csr(graphs: GraphSet) -> tuple[Tensor, Tensor]:
    """``(indptr [N + 1], indices [nnz])`` of the simple graph: no self-loops, no duplicates."""
    adjacency = graphs.adjacency().copy()
    adjacency.setdiag(0)
    adjacency.eliminate_zeros()
    adjacency.sort_indices()
    return torch.from_numpy(adjacency.indptr.astype(np.int64)), torch.from_numpy(adjacency.indices.astype(np.int64))


def cycle_counts(graphs: GraphSet, max_length: int, max_paths: int) -> Tensor:
    """``[N, max_length - 2]`` float32 cycle counts for every node of ``graphs``."""
    counts = torch.zeros(graphs.num_nodes, max_length - 2, dtype=torch.float64)
    indptr, indices = simple_csr(graphs)
    degree = indptr.diff()
    # Nodes with fewer than two neighbours lie on no cycle and start none.
    starts = (degree >= 2).nonzero().view(-1)
    for lo in range(0, starts.numel(), START_CHUNK):
        _count_from(graphs, starts[lo : lo + START_CHUNK], indptr, indices, counts, max_length, max_paths)
    return counts.float()


def _count_from(graphs, starts, indptr, indices, counts, max_length, max_paths) -> None:
    paths = starts.unsqueeze(1)
    for length in range(1, max_length + 1):
        last = paths[:, -1]
        degree = indptr[last + 1] - indptr[last]
        total = int(degree.sum())
        if total == 0:
            return
        if total > max_paths:
            per_graph = torch.bincount(graphs.node_graph[paths[:, 0]], weights=degree.double())
            worst = int(per_graph.argmax())
            raise InvalidGraphError(
                f"{graphs.graph_name(worst)}: counting cycles up to length {max_length} needs more than "
                f"max_paths={max_paths} open paths; lower max_length or raise max_paths"
            )
        owner = torch.repeat_interleave(torch.arange(paths.size(0)), degree)
        first = torch.repeat_interleave(indptr[last] - degree.cumsum(0) + degree, degree)
        nxt = indices[first + torch.arange(total)]
        grown = paths[owner]
        start = grown[:, 0]
        if length >= 3:
            closing = (nxt == start) & (grown[:, 1] < grown[:, -1])
            cycle_nodes = grown[closing]
            if cycle_nodes.numel():
                column = torch.full_like(cycle_nodes, length - 3)
                ones = torch.ones(cycle_nodes.numel(), dtype=counts.dtype)
                counts.index_put_((cycle_nodes.reshape(-1), column.reshape(-1)), ones, accumulate=True)
        if length == max_length:
            return
        keep = (nxt > start) & ~(grown == nxt.unsqueeze(1)).any(1)
        paths = torch.cat([grown[keep], nxt[keep].unsqueeze(1)], 1)
        if paths.numel() == 0:
            return
