r"""Effective-resistance structural encoding.

Viewing edge weights as conductances, the effective resistance between ``i``
and ``j`` is ``R_ij = P_ii + P_jj - 2 P_ij`` with ``P`` the pseudo-inverse of
the combinatorial Laplacian (Klein and Randić, "Resistance distance",
J. Math. Chem. 1993); used as a structural encoding in "Rethinking the
Expressive Power of GNNs via Graph Biconnectivity" (Zhang et al., ICLR 2023,
https://arxiv.org/abs/2301.09505). Per node, over its connected component:

===  ===============================================================
 0   mean ``R_ij`` over the other nodes ``j`` (0 for an isolated node)
 1   max ``R_ij`` (resistance eccentricity)
 2   ``sum_j A_ij R_ij``: the node's expected degree in a random spanning
     tree (weighted by edge weights; these sum to ``2 (n - c)`` by Foster's theorem)
===  ===============================================================

With ``pairs=True`` every ordered pair of a graph's nodes is also returned,
``inf`` between components.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphssl.pe.pairs import PairBlock, PairwisePSE
from graphssl.pe.potentials import effective_resistance

WIDTH = 3


class EffectiveResistance(PairwisePSE):
    """Per-node effective-resistance statistics, optionally all pairs.

    Args:
        pairs: also return every ordered pair's resistance (default ``False``).
        max_nodes: larger graphs raise :class:`~graphssl.errors.InvalidGraphError` (default ``2048``).
        attr_name: output prefix (default ``"resistance"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        ``resistance``: ``[N, 3]`` float32.
        ``resistance_pair_index``: ``[2, sum_g n_g^2]`` (with ``pairs=True``).
        ``resistance_pair_value``: ``[sum_g n_g^2]`` float32, ``inf`` across components.
    """

    kind = "resistance"
    label = "effective resistance"

    def node_width(self) -> int:
        return WIDTH

    def block_outputs(self, block: PairBlock) -> tuple[Tensor, Tensor]:
        resistance = effective_resistance(block)
        finite = resistance.masked_fill(~block.same, 0.0)
        others = (block.same.sum(-1) - 1).clamp(min=1)
        stats = torch.stack([finite.sum(-1) / others, finite.amax(-1), (block.adjacency * finite).sum(-1)], -1)
        return stats, resistance
