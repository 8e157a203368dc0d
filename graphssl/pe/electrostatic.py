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

import torch
from torch import Tensor

from graphssl.pe.pairs import PairBlock, PairwisePSE
from graphssl.pe.potentials import laplacian_pinv

WIDTH = 10


class ElectrostaticPE(PairwisePSE):
    """Ten per-node statistics of the graph's electrostatic potentials, optionally every pair's potential.

    Args:
        pairs: also return every ordered pair's potential ``V_ij`` (default ``False``).
        max_nodes: larger graphs raise :class:`~graphssl.errors.InvalidGraphError`
            (default ``2048``; the kernel is a dense ``n x n`` pseudo-inverse).
        attr_name: output prefix (default ``"electrostatic"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        ``electrostatic``: ``[N, 10]`` float32.
        ``electrostatic_pair_index``: ``[2, sum_g n_g^2]`` (with ``pairs=True``).
        ``electrostatic_pair_value``: ``[sum_g n_g^2]`` float32 ``V_ij``, ``0`` across components
        (a charge induces nothing outside its component).
    """

    kind = "electrostatic"
    label = "electrostatic PE"

    def node_width(self) -> int:
        return WIDTH

    def block_outputs(self, block: PairBlock) -> tuple[Tensor, Tensor]:
        potential = electrostatic_potential(block)
        return electrostatic_stats(block, potential), potential.masked_fill(~block.same, 0.0)


def electrostatic_potential(block: PairBlock) -> Tensor:
    """``[B, n, n]`` potential ``V_ij = P_ij - P_jj`` induced at ``i`` by a unit charge at ``j``."""
    pinv = laplacian_pinv(block)
    return pinv - pinv.diagonal(dim1=1, dim2=2).unsqueeze(1)


def electrostatic_stats(block: PairBlock, potential: Tensor) -> Tensor:
    """``[B, n, 10]`` statistics of one dense block's ``potential`` (see the module docstring)."""
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
