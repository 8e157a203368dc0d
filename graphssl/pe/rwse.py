r"""Random-walk structural encoding (RWSE).

From "Graph Neural Networks with Learnable Structural and Positional
Representations" (Dwivedi et al., ICLR 2022, https://arxiv.org/abs/2110.07875):
node ``i`` gets the probabilities that a random walk started at ``i`` is back at
``i`` after ``1..k`` steps,

.. math::
    \mathrm{RWSE}_i = \big[(P)_{ii}, (P^2)_{ii}, \dots, (P^k)_{ii}\big],
    \qquad P = D^{-1} A,

where ``A`` is the weighted adjacency with duplicate edges summed (so weights
and multi-edges change the walk, and every value lies in ``[0, 1]``; PyG's
``AddRandomWalkPE`` normalises by edge count and drops duplicates on its
dense path). A node without edges keeps its walker: its row is all ones.
Since ``(P^p)_{ii} = (S^p)_{ii}`` with the symmetric ``S = D^{-1/2} A D^{-1/2}``,
small graphs use either the shared Laplacian eigendecomposition
(``sum_j U_ij^2 (1 - lambda_j)^p``) or batched matrix powers, and large
graphs use exact sparse column powers (:mod:`graphssl.pe.moments`).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from graphssl.errors import ConfigError
from graphssl.pe.base import PSETransform
from graphssl.pe.dense import Bucket, Chunk, chunks, dense_buckets, parallel_map, scatter_rows, small_graphs
from graphssl.pe.graphs import DirectedPolicy, GraphSet
from graphssl.pe.moments import sym_walk_sparse, walk_diagonals
from graphssl.pe.spectral import rw_diagonal, sym_walk_matrix


class RWSE(PSETransform):
    """Random-walk return probabilities for ``1..k`` steps.

    Args:
        k: number of walk lengths (default ``20``).
        attr_name: output attribute (default ``"rwse"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        output ``rwse``: ``[N, k]`` float32 in ``[0, 1]``; column ``p - 1`` is the
        ``p``-step return probability.
    """

    kind = "rwse"

    def __init__(self, k: int = 20, *, attr_name: str | None = None, directed: DirectedPolicy = "raise") -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        if int(k) < 1:
            raise ConfigError(f"RWSE k must be >= 1, got {k}")
        self.k = int(k)

    def params(self) -> dict[str, Any]:
        return {"k": self.k, **super().params()}

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        return {"": return_probabilities(graphs, self.k)}


def return_probabilities(graphs: GraphSet, k: int) -> Tensor:
    """``[N, k]`` float32 return probabilities after ``1..k`` steps for every node of ``graphs``."""
    out = torch.zeros(graphs.num_nodes, k)
    buckets = dense_buckets(graphs)
    powers = torch.arange(1, k + 1)
    if "spectrum" in graphs.cache:
        values = [rw_diagonal(s, powers) for s in graphs.cache["spectrum"]]
    else:
        work = chunks(buckets, torch.get_num_threads())
        parts = parallel_map(lambda c: _powers(buckets[c.bucket], c, k), work)
        values = [torch.cat([p for c, p in zip(work, parts) if c.bucket == i]) for i in range(len(buckets))]
    scatter_rows(buckets, values, out)
    large = (~small_graphs(graphs) & (graphs.sizes > 0)).nonzero().view(-1)
    for g in large.tolist():
        walk = sym_walk_sparse(graphs.graph_adjacency(g))
        start = int(graphs.ptr[g])
        out[start : start + walk.shape[0]] = torch.from_numpy(walk_diagonals(walk, k)).float()
    return out.clamp_(0.0, 1.0)


def _powers(bucket: Bucket, chunk: Chunk, k: int) -> Tensor:
    """``[B, n, k]`` diagonals of ``S^1..S^k`` by batched matrix products (no eigendecomposition)."""
    walk = sym_walk_matrix(bucket.adjacency[chunk.lo : chunk.hi])
    out = torch.empty(walk.size(0), bucket.n, k)
    prev = None
    cur = walk
    for m in range(1, (k + 1) // 2 + 1):
        out[:, :, 2 * m - 2] = walk.diagonal(dim1=1, dim2=2) if prev is None else (prev * cur).sum(-1)
        if 2 * m <= k:
            out[:, :, 2 * m - 1] = (cur * cur).sum(-1)
        if 2 * m < k:
            prev, cur = cur, torch.bmm(cur, walk)
    return out
