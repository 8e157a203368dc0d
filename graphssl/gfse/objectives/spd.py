"""``spd``: shortest-path distance of sampled node pairs, regressed from the two nodes' final embeddings.

GFSE (Chen et al., "Towards A Universal Graph Structural Encoder", WWW 2026,
https://arxiv.org/abs/2504.10917), objective 1. It is the core ``pairs``
objective (:mod:`graphssl.objectives.pair_regression`) fixed to the pair
attribute that ``graphssl.pe.SPD(pairs=True)`` writes, with one deliberate
choice for unreachable pairs (SPD ``-1``, nodes in different components): by
default (``unreachable: class``) they are left out of the distance regression
and a second head learns reachability with binary cross-entropy on every
sampled pair, so a distance is never invented for them; ``unreachable: mask``
only leaves them out.
"""

from __future__ import annotations

from torch import nn

from graphssl.data.spec import GraphSpec
from graphssl.objectives import register_objective
from graphssl.objectives.pair_regression import PairRegression


@register_objective("spd")
class SPDRegression(PairRegression):
    """Shortest-path distance regression of sampled pairs; unreachable pairs as a reachability class.

    Args:
        attribute: the SPD pair attribute (default ``"spd"``: ``spd_pair_index``, ``spd_pair_value``).
        pairs_per_graph: pairs drawn per graph and step (default ``32``).
        all_pairs_below: graphs with fewer nodes use every pair (default ``0``).
        hidden_dim: head MLP hidden width (default ``128``).
        loss: ``"mse"`` (default) or ``"smooth_l1"``.
        unreachable: ``"class"`` (default) or ``"mask"``, see the module docs.
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, attribute: str = "spd", pairs_per_graph: int = 32,
                 all_pairs_below: int = 0, hidden_dim: int = 128, loss: str = "mse", unreachable: str = "class") -> None:
        super().__init__(encoder, spec, targets={attribute: 1}, pairs_per_graph=pairs_per_graph,
                         all_pairs_below=all_pairs_below, hidden_dim=hidden_dim, loss=loss, unreachable=unreachable)
