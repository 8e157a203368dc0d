r"""Relative random-walk probabilities (RRWP), per pair and per node.

The positional encoding of GRIT (Ma et al., "Graph Inductive Biases in
Transformers without Message Passing", ICML 2023,
https://arxiv.org/abs/2305.17589): with the random-walk matrix
``M = D^{-1} A`` (rows of isolated nodes are zero), pair ``(i, j)`` gets

.. math::
    P_{ij} = [I, M, M^2, \dots, M^{k-1}]_{ij} \in \mathbb{R}^k ,

the probabilities that a walk from ``i`` is at ``j`` after ``0..k-1`` steps.
The node output is the diagonal ``P_ii`` (GRIT's node initialisation; column
0 is 1, columns ``1..k-1`` are RWSE's return probabilities). Pairs in
different components get zeros.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from graphssl.errors import ConfigError
from graphssl.pe.graphs import DirectedPolicy
from graphssl.pe.pairs import PAIRWISE_MAX_NODES, PairBlock, PairwisePSE


class RRWP(PairwisePSE):
    """Random-walk probabilities of every pair for ``0..k-1`` steps; their diagonal per node.

    Args:
        k: number of powers ``I, M, ..., M^{k-1}`` (default ``8``).
        pairs: also return every ordered pair's ``k`` probabilities (default ``False``).
        max_nodes: larger graphs raise :class:`~graphssl.errors.InvalidGraphError` (default ``2048``).
        attr_name: output prefix (default ``"rrwp"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        ``rrwp``: ``[N, k]`` float32, ``[M^0_ii, ..., M^{k-1}_ii]``.
        ``rrwp_pair_index``: ``[2, sum_g n_g^2]`` (with ``pairs=True``), graph by graph, row-major.
        ``rrwp_pair_value``: ``[sum_g n_g^2, k]`` float32.

    Example:
        >>> out = RRWP(k=4, pairs=True).compute(data)
        >>> out["rrwp_pair_value"].shape  # [n * n, 4]
    """

    kind = "rrwp"
    label = "RRWP"

    def __init__(
        self,
        k: int = 8,
        *,
        pairs: bool = False,
        max_nodes: int = PAIRWISE_MAX_NODES,
        attr_name: str | None = None,
        directed: DirectedPolicy = "raise",
    ) -> None:
        super().__init__(pairs=pairs, max_nodes=max_nodes, attr_name=attr_name, directed=directed)
        if int(k) < 1:
            raise ConfigError(f"RRWP k must be >= 1, got {k}")
        self.k = int(k)

    def params(self) -> dict[str, Any]:
        return {"k": self.k, **super().params()}

    def node_width(self) -> int:
        return self.k

    def pair_shape(self) -> tuple[int, ...]:
        return (self.k,)

    def block_outputs(self, block: PairBlock) -> tuple[Tensor, Tensor]:
        adjacency = block.adjacency
        degree = adjacency.sum(-1, keepdim=True)
        walk = torch.where(degree > 0, adjacency / degree.clamp(min=1e-300), torch.zeros_like(adjacency))
        count, n, _ = adjacency.shape
        power = torch.eye(n, dtype=adjacency.dtype).expand(count, n, n)
        powers = [power]
        for _ in range(self.k - 1):
            power = torch.bmm(power, walk)
            powers.append(power)
        stacked = torch.stack(powers, -1)
        return stacked.diagonal(dim1=1, dim2=2).mT, stacked
