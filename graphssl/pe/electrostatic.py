r"""Electrostatic positional encoding.

The electrostatic kernel of GraphGPS' ``posenc_stats`` as used by GPSE
(Cantürk et al., "Graph Positional and Structural Encoder", ICML 2024,
https://arxiv.org/abs/2307.07107). With ``P = L^+`` the pseudo-inverse of the
combinatorial Laplacian (:mod:`graphssl.pe.potentials`), a unit charge at
``j`` induces at ``i`` the potential, relative to ``j`` itself,

.. math::
    V_{ij} = P_{ij} - P_{jj} \le 0 .

Node ``i`` gets ten statistics, each over the nodes of its own connected
component (an isolated node gets zeros):

====  ==========================================================
 0-3  min, max, mean, std of ``V[i, :]`` (potentials ``i`` receives)
 4-7  min, max, mean, std of ``V[:, i]`` (potentials ``i`` induces)
 8    ``sum_j W_ij V_ij``, ``W = D^{-1} A`` (received from neighbours)
 9    ``sum_j W_ji V_ji`` (induced at neighbours)
====  ==========================================================

Standard deviations are population ones. The reference implementation's
sixth column repeats a reduction over the wrong axis; here columns 4-7 all
reduce over the same axis.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from graphssl.pe.base import PSETransform
from graphssl.pe.graphs import DirectedPolicy, GraphSet
from graphssl.pe.potentials import PAIRWISE_MAX_NODES, PairBlock, laplacian_pinv, pair_blocks

WIDTH = 10


class ElectrostaticPE(PSETransform):
    """Ten per-node statistics of the graph's electrostatic potentials.

    Args:
        max_nodes: larger graphs raise :class:`~graphssl.errors.InvalidGraphError`
            (default ``2048``; the kernel is a dense ``n x n`` pseudo-inverse).
        attr_name: output attribute (default ``"electrostatic"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        output ``electrostatic``: ``[N, 10]`` float32.
    """

    kind = "electrostatic"

    def __init__(
        self,
        *,
        max_nodes: int = PAIRWISE_MAX_NODES,
        attr_name: str | None = None,
        directed: DirectedPolicy = "raise",
    ) -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        self.max_nodes = int(max_nodes)

    def params(self) -> dict[str, Any]:
        return {"max_nodes": self.max_nodes, **super().params()}

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        out = torch.zeros(graphs.num_nodes, WIDTH)
        for block in pair_blocks(graphs, self.max_nodes, "electrostatic PE"):
            out[block.nodes.reshape(-1)] = electrostatic_stats(block).reshape(-1, WIDTH).float()
        return {"": out}


def electrostatic_stats(block: PairBlock) -> Tensor:
    """``[B, n, 10]`` statistics for one dense block."""
    pinv = laplacian_pinv(block)
    potential = pinv - pinv.diagonal(dim1=1, dim2=2).unsqueeze(1)
    same = block.same
    adjacency = block.adjacency
    degree = adjacency.sum(-1, keepdim=True)
    walk = torch.where(degree > 0, adjacency / degree.clamp(min=1e-300), torch.zeros_like(adjacency))
    columns = []
    for values, mask in ((potential, same), (potential.mT, same.mT)):
        columns += _masked_stats(values, mask)
    columns.append((walk * potential).sum(-1))
    columns.append((walk * potential).sum(-2))
    return torch.stack(columns, -1)


def _masked_stats(values: Tensor, mask: Tensor) -> list[Tensor]:
    """min, max, mean and population std over the last dimension where ``mask`` holds."""
    count = mask.sum(-1).to(values.dtype)
    masked = values.masked_fill(~mask, 0.0)
    mean = masked.sum(-1) / count
    var = ((values - mean.unsqueeze(-1)).masked_fill(~mask, 0.0) ** 2).sum(-1) / count
    low = values.masked_fill(~mask, float("inf")).amin(-1)
    high = values.masked_fill(~mask, float("-inf")).amax(-1)
    return [low, high, mean, var.sqrt()]
