"""Louvain community labels, computed by networkx.

Blondel et al., "Fast unfolding of communities in large networks", J. Stat.
Mech. 2008, via :func:`networkx.community.louvain_communities` on each graph
(edge weights as weights). Louvain is randomised: ``seed`` makes it
reproducible. Communities are numbered ``0, 1, ...`` in the order of their
smallest node index, so labels are deterministic for a given input; on graphs
without a clear community structure the partition itself may change when
nodes are relabelled.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from graphssl.pe.base import PSETransform
from graphssl.pe.graphs import DirectedPolicy, GraphSet


class Louvain(PSETransform):
    """Community label of every node (categorical).

    Args:
        resolution: modularity resolution (default ``1.0``; larger gives smaller communities).
        seed: random seed passed to networkx (default ``0``).
        attr_name: output attribute (default ``"louvain"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        output ``louvain``: ``[N, 1]`` int64, labels restart at 0 in every graph.
    """

    kind = "louvain"

    def __init__(
        self,
        *,
        resolution: float = 1.0,
        seed: int = 0,
        attr_name: str | None = None,
        directed: DirectedPolicy = "raise",
    ) -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        self.resolution = float(resolution)
        self.seed = int(seed)

    def params(self) -> dict[str, Any]:
        return {"resolution": self.resolution, "seed": self.seed, **super().params()}

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        import networkx as nx

        out = torch.zeros(graphs.num_nodes, 1, dtype=torch.long)
        for g in range(graphs.num_graphs):
            start = int(graphs.ptr[g])
            graph = nx.from_scipy_sparse_array(graphs.graph_adjacency(g))
            communities = nx.community.louvain_communities(
                graph, weight="weight", resolution=self.resolution, seed=self.seed
            )
            for label, members in enumerate(sorted(communities, key=min)):
                out[[start + m for m in members], 0] = label
        return {"": out}
