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
quickly on dense graphs, so it is capped by ``max_paths``: start nodes are
processed in groups that are halved until they fit, and a graph where a
single start node needs more raises an
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
from graphssl.pe.hints import Param, param_error

#: Start nodes expanded together; bounds memory on large graphs.
START_CHUNK = 1 << 16
#: Default cap on simultaneously open paths (about 130 MiB of int64 paths of length 8).
MAX_PATHS = 2_000_000
#: Shortest cycle (a triangle): the smallest ``max_length``, also what ``cycles:N`` accepts.
MIN_LENGTH = 3


class CycleCounts(PSETransform):
    """Number of simple cycles of each length ``3..max_length`` through every node.

    Args:
        max_length: longest cycle counted (default ``8``, at least ``3``).
        max_paths: cap on simultaneously open paths (default ``2e6``, about 130 MiB); start
            nodes are processed in smaller groups to stay under it.
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
        max_paths: int = MAX_PATHS,
        attr_name: str | None = None,
        directed: DirectedPolicy = "raise",
    ) -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        if int(max_length) < MIN_LENGTH:
            raise ConfigError(f"CycleCounts max_length must be >= {MIN_LENGTH}, got {max_length}")
        if int(max_paths) < 1:
            raise ConfigError(f"CycleCounts max_paths must be >= 1, got {max_paths}")
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
    # Nodes with fewer than two neighbours lie on no cycle and start none.
    starts = (indptr.diff() >= 2).nonzero().view(-1)
    pending = [starts[lo : lo + START_CHUNK] for lo in range(0, starts.numel(), START_CHUNK)][::-1]
    while pending:
        chunk = pending.pop()
        try:
            found = _cycles_from(chunk, indptr, indices, max_length, max_paths)
        except _TooManyPaths:
            if chunk.numel() == 1:
                raise param_error(
                    InvalidGraphError,
                    f"{graphs.graph_name(int(graphs.node_graph[chunk[0]]))}: counting cycles up to length "
                    f"{max_length} needs more than {max_paths} open paths from one node; "
                    f"lower {{max_length}} or raise {{max_paths}} (now {max_paths})",
                    max_length=Param("max_length"), max_paths=Param("max_paths"),
                ) from None
            # Fewer start nodes at once keep the open paths under the cap.
            half = chunk.numel() // 2
            pending += [chunk[half:], chunk[:half]]
            continue
        for length, nodes in found:
            column = torch.full_like(nodes, length - 3)
            ones = torch.ones(nodes.numel(), dtype=counts.dtype)
            counts.index_put_((nodes.reshape(-1), column.reshape(-1)), ones, accumulate=True)
    return counts.float()


class _TooManyPaths(Exception):
    """More open paths than the cap; the caller retries with fewer start nodes."""


def _cycles_from(starts: Tensor, indptr: Tensor, indices: Tensor, max_length: int, max_paths: int) -> list:
    """``[(L, nodes [C, L])]``: the cycles whose smallest node is in ``starts``, one direction each."""
    found = []
    paths = starts.unsqueeze(1)
    for length in range(1, max_length + 1):
        last = paths[:, -1]
        degree = indptr[last + 1] - indptr[last]
        total = int(degree.sum())
        if total == 0:
            break
        if total > max_paths:
            raise _TooManyPaths
        owner = torch.repeat_interleave(torch.arange(paths.size(0)), degree)
        first = torch.repeat_interleave(indptr[last] - degree.cumsum(0) + degree, degree)
        nxt = indices[first + torch.arange(total)]
        grown = paths[owner]
        start = grown[:, 0]
        if length >= 3:
            closing = (nxt == start) & (grown[:, 1] < grown[:, -1])
            if bool(closing.any()):
                found.append((length, grown[closing]))
        if length == max_length:
            break
        keep = (nxt > start) & ~(grown == nxt.unsqueeze(1)).any(1)
        paths = torch.cat([grown[keep], nxt[keep].unsqueeze(1)], 1)
        if paths.numel() == 0:
            break
    return found
