"""Shortest-path distances: per-node distance histograms and, optionally, all pairs.

Hop distances (edge weights are ignored; a zero-weight edge is absent), as
used for attention biases in Graphormer (Ying et al., "Do Transformers Really
Perform Bad for Graph Representation?", NeurIPS 2021,
https://arxiv.org/abs/2106.05234). Graphs of up to :data:`BFS_DENSE_MAX_NODES`
nodes run a breadth-first search for all sources at once as batched boolean
matrix products; larger ones use :func:`scipy.sparse.csgraph.shortest_path`.
Both need ``n x n`` distances, so graphs above ``max_nodes`` are rejected.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor

from graphssl.errors import ConfigError
from graphssl.pe.graphs import DirectedPolicy
from graphssl.pe.pairs import PAIRWISE_MAX_NODES, PairBlock, PairwisePSE

UNREACHABLE = -1
#: Up to this size all sources are searched at once with batched matrix products (cost n^3 per
#: level); larger graphs run scipy's breadth-first search from each source (cost n * E).
BFS_DENSE_MAX_NODES = 64


class SPD(PairwisePSE):
    """Shortest-path distance histograms per node, and optionally the distance of every pair.

    Args:
        max_dist: histogram bins for distances ``1..max_dist`` plus one bin for
            reachable nodes farther away (default ``10``).
        pairs: also return every ordered pair's distance (default ``False``).
        max_nodes: larger graphs raise :class:`~graphssl.errors.InvalidGraphError` (default ``2048``).
        attr_name: output prefix (default ``"spd"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        ``spd``: ``[N, max_dist + 1]`` float32; column ``d - 1`` counts nodes at
        distance ``d``, the last column nodes farther than ``max_dist`` (same component).
        ``spd_pair_index``: ``[2, sum_g n_g^2]`` (with ``pairs=True``), graph by graph, row-major.
        ``spd_pair_value``: ``[sum_g n_g^2]`` int64 hop distance, ``-1`` across components.
    """

    kind = "spd"
    label = "SPD"
    pair_dtype = torch.long

    def __init__(
        self,
        max_dist: int = 10,
        *,
        pairs: bool = False,
        max_nodes: int = PAIRWISE_MAX_NODES,
        attr_name: str | None = None,
        directed: DirectedPolicy = "raise",
    ) -> None:
        super().__init__(pairs=pairs, max_nodes=max_nodes, attr_name=attr_name, directed=directed)
        if int(max_dist) < 1:
            raise ConfigError(f"SPD max_dist must be >= 1, got {max_dist}")
        self.max_dist = int(max_dist)

    def params(self) -> dict[str, Any]:
        return {"max_dist": self.max_dist, **super().params()}

    def node_width(self) -> int:
        return self.max_dist + 1

    def block_outputs(self, block: PairBlock) -> tuple[Tensor, Tensor]:
        width = self.max_dist + 1
        dist = hop_distances(block)
        clipped = dist.clamp(max=width).masked_fill(dist == UNREACHABLE, 0)
        hist = torch.zeros(dist.size(0), dist.size(1), width + 1)
        hist.scatter_add_(2, clipped, torch.ones_like(clipped, dtype=hist.dtype))
        # Bin 0 holds the node itself and unreachable nodes; it is not part of the output.
        return hist[:, :, 1:], dist


def hop_distances(block: PairBlock) -> Tensor:
    """``[B, n, n]`` int64 hop distances, ``-1`` between components."""
    count, n, _ = block.adjacency.shape
    if n > BFS_DENSE_MAX_NODES:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import shortest_path

        out = torch.empty(count, n, n, dtype=torch.long)
        for b in range(count):
            dist = shortest_path(csr_matrix(block.adjacency[b].numpy()), unweighted=True, directed=False)
            dist[np.isinf(dist)] = UNREACHABLE
            out[b] = torch.from_numpy(dist.astype(np.int64))
        return out
    step = (block.adjacency > 0).float()
    reached = torch.eye(n, dtype=torch.bool).expand(count, n, n).clone()
    dist = torch.full((count, n, n), UNREACHABLE, dtype=torch.long)
    dist.masked_fill_(reached, 0)
    frontier = reached.float()
    for d in range(1, n):
        new = (torch.bmm(frontier, step) > 0) & ~reached
        if not bool(new.any()):
            break
        dist.masked_fill_(new, d)
        reached |= new
        frontier = new.float()
    return dist
