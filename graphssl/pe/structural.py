"""Classic per-node structural statistics: degree, clustering coefficient, PageRank.

All three run on the block-diagonal sparse adjacency of the whole batch, so a
batch of many graphs costs a few sparse products, not a loop per graph.

* Degree: weighted degree ``sum_j A_ij`` (duplicate edges summed; a self-loop
  stored once counts once).
* Clustering: Watts and Strogatz ("Collective dynamics of 'small-world'
  networks", Nature 1998) local coefficient of the simple graph (weights,
  duplicates and self-loops ignored), equal to ``networkx.clustering``.
* PageRank: Brin and Page (1998) with damping ``alpha``, edge weights as
  transition weights, dangling mass spread uniformly over the node's own
  graph, equal to ``networkx.pagerank``; multiplied by the graph's node count
  so values do not shrink with graph size (mean 1 per graph).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor

from graphssl.errors import ConfigError
from graphssl.pe.base import PSETransform
from graphssl.pe.graphs import DirectedPolicy, GraphSet

#: PageRank stops when no node changes by more than this (per node, unscaled).
PAGERANK_TOL = 1e-12
PAGERANK_MAX_ITER = 10_000


class Degree(PSETransform):
    """Weighted degree. Shapes: output ``degree``: ``[N, 1]`` float32."""

    kind = "degree"

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        degree = np.asarray(graphs.adjacency().sum(1)).reshape(-1, 1)
        return {"": torch.from_numpy(degree).float()}


class Clustering(PSETransform):
    """Local clustering coefficient. Shapes: output ``clustering``: ``[N, 1]`` float32 in ``[0, 1]``."""

    kind = "clustering"

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        simple = graphs.adjacency().copy()
        simple.setdiag(0)
        simple.eliminate_zeros()
        simple.data[:] = 1.0
        triangles = np.asarray((simple @ simple).multiply(simple).sum(1)).ravel() / 2
        degree = np.asarray(simple.sum(1)).ravel()
        pairs = degree * (degree - 1) / 2
        coefficient = np.divide(triangles, pairs, out=np.zeros_like(triangles), where=pairs > 0)
        return {"": torch.from_numpy(coefficient).float().view(-1, 1)}


class PageRank(PSETransform):
    """PageRank times the graph's node count.

    Args:
        alpha: damping factor (default ``0.85``).
        attr_name: output attribute (default ``"pagerank"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        output ``pagerank``: ``[N, 1]`` float32, mean 1 over each graph.
    """

    kind = "pagerank"

    def __init__(
        self, alpha: float = 0.85, *, attr_name: str | None = None, directed: DirectedPolicy = "raise"
    ) -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        if not 0.0 < float(alpha) < 1.0:
            raise ConfigError(f"PageRank alpha must be in (0, 1), got {alpha}")
        self.alpha = float(alpha)

    def params(self) -> dict[str, Any]:
        return {"alpha": self.alpha, **super().params()}

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        return {"": torch.from_numpy(pagerank(graphs, self.alpha) * _node_counts(graphs)).float().view(-1, 1)}


def _node_counts(graphs: GraphSet) -> np.ndarray:
    return graphs.sizes.numpy()[graphs.node_graph.numpy()].astype(np.float64)


def pagerank(graphs: GraphSet, alpha: float) -> np.ndarray:
    """``[N]`` PageRank of every node within its own graph (sums to 1 per graph)."""
    import scipy.sparse as sp

    if graphs.num_nodes == 0:
        return np.zeros(0)
    adjacency = graphs.adjacency()
    out_weight = np.asarray(adjacency.sum(1)).ravel()
    inv = np.divide(1.0, out_weight, out=np.zeros_like(out_weight), where=out_weight > 0)
    transition_t = (sp.diags(inv) @ adjacency).T.tocsr()
    dangling = out_weight == 0
    graph_of = graphs.node_graph.numpy()
    sizes = graphs.sizes.numpy().astype(np.float64)
    starts = graphs.ptr[:-1].numpy()
    nonempty = sizes > 0
    uniform = 1.0 / sizes[graph_of]
    rank = uniform.copy()
    for _ in range(PAGERANK_MAX_ITER):
        lost = np.zeros(sizes.size)
        lost[nonempty] = np.add.reduceat(np.where(dangling, rank, 0.0), starts[nonempty])
        new = alpha * (transition_t @ rank + lost[graph_of] * uniform) + (1 - alpha) * uniform
        change = np.abs(new - rank).max()
        rank = new
        if change < PAGERANK_TOL:
            break
    return rank
