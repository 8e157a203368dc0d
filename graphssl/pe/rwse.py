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
from graphssl.pe.dense import Bucket, chunks, dense_buckets, large_graphs, new_output, parallel_map, write_rows
from graphssl.pe.graphs import DirectedPolicy, GraphSet
from graphssl.pe.moments import sym_walk_sparse, walk_diagonals
from graphssl.pe.spectral import ChunkSpectrum, SpectralConsumer, diagonal_terms, laplacian_blocks


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
        """Without a shared eigendecomposition: batched matrix powers for small graphs."""
        result = RWSEConsumer(graphs, self.k)
        buckets = dense_buckets(graphs)
        blocks = laplacian_blocks(graphs)
        parallel_map(lambda i, lo, hi: result.from_powers(buckets[i], blocks[i][lo:hi], lo), chunks(buckets))
        return result.finish()

    def consumer(self, graphs: GraphSet) -> SpectralConsumer:
        return RWSEConsumer(graphs, self.k)


class RWSEConsumer(SpectralConsumer):
    """Return probabilities in sorted row order, from eigenpairs or from matrix powers."""

    def __init__(self, graphs: GraphSet, k: int) -> None:
        self.graphs = graphs
        self.k = k
        self.out = new_output(graphs, k)

    def consume(self, part: ChunkSpectrum) -> None:
        powers = (1.0 - part.eigvals).unsqueeze(1).expand(-1, self.k, -1).cumprod(1)
        write_rows(self.graphs, self.out, part.rows, diagonal_terms(part, powers))

    def from_powers(self, bucket: Bucket, laplacian: Tensor, lo: int) -> None:
        """``(S^p)_ii`` for ``p = 1..k`` with ``S = I - L``: ``(S^{a+b})_ii = sum_j (S^a)_ij (S^b)_ij``."""
        walk = -laplacian
        walk.diagonal(dim1=1, dim2=2).add_(1.0)
        out = torch.empty(walk.size(0), bucket.n, self.k)
        prev, cur = None, walk
        for m in range(1, (self.k + 1) // 2 + 1):
            out[:, :, 2 * m - 2] = walk.diagonal(dim1=1, dim2=2) if prev is None else (prev * cur).sum(-1)
            if 2 * m <= self.k:
                out[:, :, 2 * m - 1] = (cur * cur).sum(-1)
            if 2 * m < self.k:
                prev, cur = cur, torch.bmm(cur, walk)
        start = bucket.rows.start + lo * bucket.n
        write_rows(self.graphs, self.out, slice(start, start + out.size(0) * bucket.n), out)

    def finish(self) -> dict[str, Tensor]:
        graphs, out = self.graphs, self.out
        for g in large_graphs(graphs):
            walk = sym_walk_sparse(graphs.graph_adjacency(g))
            start = int(graphs.ptr[g])
            out[start : start + walk.shape[0]] = torch.from_numpy(walk_diagonals(walk, self.k)).float()
        return {"": out.clamp_(0.0, 1.0)}
