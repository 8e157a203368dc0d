"""``graph_contrast``: GraphCL-style InfoNCE between two augmented structural views of each graph.

GFSE (Chen et al., WWW 2026, https://arxiv.org/abs/2504.10917), objective 4,
following GraphCL (You et al., NeurIPS 2020). It is the core ``graphcl``
objective with augmentations that change structure only (the GFSE encoder
reads no features, so ``mask_features`` would give two equal views): views
come from the :class:`~graphssl.objectives.StepContext`, so a view another
objective asked for this step is shared. The GFSE encoder recomputes its
RWSE/RRWP inputs on each view.
"""

from __future__ import annotations

from typing import Sequence

from torch import nn

from graphssl.data.spec import GraphSpec
from graphssl.objectives import register_objective
from graphssl.objectives.graphcl import GraphCL

#: Augmentations that change a graph's structure.
STRUCTURAL_AUGMENTATIONS = ("drop_edges", "drop_nodes", "subgraph")


@register_objective("graph_contrast")
class GraphContrast(GraphCL):
    """InfoNCE between two structural views of each graph (drop_edges, drop_nodes, subgraph).

    Args:
        augmentations: drawn uniformly per view (default ``["drop_edges", "drop_nodes", "subgraph"]``).
        strength: drop fraction, in ``(0, 1)`` (default ``0.2``).
        temperature: InfoNCE temperature, ``> 0`` (default ``0.2``).
        projection_dim: projection head width (default ``128``).
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, augmentations: Sequence[str] = STRUCTURAL_AUGMENTATIONS,
                 strength: float = 0.2, temperature: float = 0.2, projection_dim: int = 128) -> None:
        super().__init__(encoder, spec, augmentations=augmentations, strength=strength, temperature=temperature,
                         projection_dim=projection_dim)
