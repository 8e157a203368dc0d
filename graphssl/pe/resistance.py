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

from typing import Any

import torch
from torch import Tensor

from graphssl.pe.base import PSETransform
from graphssl.pe.graphs import DirectedPolicy, GraphSet
from graphssl.pe.potentials import PAIRWISE_MAX_NODES, collect_pairs, effective_resistance, pair_blocks

WIDTH = 3


class EffectiveResistance(PSETransform):
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

    def __init__(
        self,
        *,
        pairs: bool = False,
        max_nodes: int = PAIRWISE_MAX_NODES,
        attr_name: str | None = None,
        directed: DirectedPolicy = "raise",
    ) -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        self.pairs = bool(pairs)
        self.max_nodes = int(max_nodes)

    def params(self) -> dict[str, Any]:
        return {"pairs": self.pairs, "max_nodes": self.max_nodes, **super().params()}

    def suffixes(self) -> list[str]:
        return ["", "_pair_index", "_pair_value"] if self.pairs else [""]

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        out = torch.zeros(graphs.num_nodes, WIDTH)
        parts = []
        for block in pair_blocks(graphs, self.max_nodes, "effective resistance"):
            resistance = effective_resistance(block)
            finite = resistance.masked_fill(~block.same, 0.0)
            others = (block.same.sum(-1) - 1).clamp(min=1)
            stats = torch.stack(
                [finite.sum(-1) / others, finite.amax(-1), (block.adjacency * finite).sum(-1)], -1
            )
            out[block.nodes.reshape(-1)] = stats.reshape(-1, WIDTH).float()
            if self.pairs:
                parts.append((block.nodes, resistance.float()))
        result = {"": out}
        if self.pairs:
            result["_pair_index"], result["_pair_value"] = collect_pairs(parts, graphs.num_nodes)
        return result
