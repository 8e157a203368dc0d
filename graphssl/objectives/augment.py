"""Graph augmentations as PyG transforms, vectorized over a whole ``Batch``.

The four augmentation families of GraphCL (You et al., "Graph Contrastive
Learning with Augmentations", NeurIPS 2020, https://arxiv.org/abs/2010.13902):
node dropping, edge perturbation (here: dropping), attribute masking and
subgraph sampling. Each works on one ``Data`` or on a ``Batch`` at once (no
Python loop over graphs), keeps every non-empty graph non-empty, and draws
from ``generator`` (default: torch's global generator, which the trainer
checkpoints so resumed runs draw the same views).

Feature masking does not touch ``x``: it sets ``node_mask`` (bool ``[N]``),
which objectives pass to the encoder so the encoder's learned mask token
replaces those nodes' features, for categorical and continuous inputs alike.
"""

from __future__ import annotations

import copy

import torch
from torch import Tensor
from torch_geometric.transforms import BaseTransform

from graphssl.nn.encoder import batch_vector_of, num_graphs_of
from graphssl.objectives.masking import per_graph_counts, rank_within_graph, sample_node_mask


def _node_keys(data) -> list[str]:
    return [key for key in data.keys() if key not in ("edge_index", "batch", "ptr") and data.is_node_attr(key)]


def _edge_keys(data) -> list[str]:
    return [key for key in data.keys() if key != "edge_index" and data.is_edge_attr(key)]


def keep_nodes(data, keep: Tensor):
    """Induced subgraph on nodes where ``keep`` is True; node/edge attributes follow, graph count is kept."""
    out = copy.copy(data)
    num_nodes = data.num_nodes
    new_index = torch.full((num_nodes,), -1, dtype=torch.long, device=keep.device)
    new_index[keep] = torch.arange(int(keep.sum()), device=keep.device)
    for key in _node_keys(data):
        out[key] = data[key][keep]
    edge_keep = keep[data.edge_index[0]] & keep[data.edge_index[1]]
    for key in _edge_keys(data):
        out[key] = data[key][edge_keep]
    out.edge_index = new_index[data.edge_index[:, edge_keep]]
    batch_vector = getattr(data, "batch", None)
    if batch_vector is not None:
        out.batch = batch_vector[keep]
        counts = per_graph_counts(out.batch, num_graphs_of(data))
        out.ptr = torch.cat([counts.new_zeros(1), torch.cumsum(counts, 0)])
    out.num_nodes = int(keep.sum())
    return out


class DropNodes(BaseTransform):
    """Drop each node with probability ``p`` (at least one node per non-empty graph survives).

    Args:
        p: drop probability (default ``0.2``).
        generator: random generator (default: torch's global one).
    """

    def __init__(self, p: float = 0.2, generator: torch.Generator | None = None) -> None:
        if not 0.0 <= p < 1.0:
            raise ValueError(f"DropNodes p must be in [0, 1), got {p}")
        self.p, self.generator = p, generator

    def forward(self, data):
        batch_vector, num_graphs = batch_vector_of(data), num_graphs_of(data)
        keep = torch.rand(data.num_nodes, generator=self.generator, device=batch_vector.device) >= self.p
        # Guarantee a survivor: the node ranked first in each graph is always kept.
        keep |= rank_within_graph(batch_vector, num_graphs, self.generator) == 0
        return keep_nodes(data, keep)

    def __repr__(self) -> str:
        return f"DropNodes(p={self.p})"


class DropEdges(BaseTransform):
    """Drop each undirected edge (both directions together) with probability ``p``.

    Args:
        p: drop probability (default ``0.2``).
        generator: random generator (default: torch's global one).
    """

    def __init__(self, p: float = 0.2, generator: torch.Generator | None = None) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"DropEdges p must be in [0, 1], got {p}")
        self.p, self.generator = p, generator

    def forward(self, data):
        edge_index = data.edge_index
        out = copy.copy(data)
        if edge_index.shape[1] == 0:
            return out
        low, high = torch.minimum(edge_index[0], edge_index[1]), torch.maximum(edge_index[0], edge_index[1])
        _, pair = torch.unique(low * data.num_nodes + high, return_inverse=True)
        pair_keep = torch.rand(int(pair.max()) + 1, generator=self.generator, device=edge_index.device) >= self.p
        edge_keep = pair_keep[pair]
        for key in _edge_keys(data):
            out[key] = data[key][edge_keep]
        out.edge_index = edge_index[:, edge_keep]
        return out

    def __repr__(self) -> str:
        return f"DropEdges(p={self.p})"


class MaskFeatures(BaseTransform):
    """Mark a fraction ``p`` of each graph's nodes in ``node_mask`` (never none, never all).

    Args:
        p: fraction of nodes to mask (default ``0.2``).
        generator: random generator (default: torch's global one).
    """

    def __init__(self, p: float = 0.2, generator: torch.Generator | None = None) -> None:
        self.p, self.generator = p, generator
        sample_node_mask(torch.zeros(1, dtype=torch.long), 1, p)

    def forward(self, data):
        out = copy.copy(data)
        mask = sample_node_mask(batch_vector_of(data), num_graphs_of(data), self.p, self.generator)
        previous = getattr(data, "node_mask", None)
        out.node_mask = mask if previous is None else previous | mask
        return out

    def __repr__(self) -> str:
        return f"MaskFeatures(p={self.p})"


class Subgraph(BaseTransform):
    """Keep a connected neighbourhood: grow hop by hop from one random seed per graph
    until at least ``keep_ratio`` of the graph's nodes (or its whole component) is reached.

    Args:
        keep_ratio: fraction of nodes to keep (default ``0.8``).
        generator: random generator (default: torch's global one).
    """

    def __init__(self, keep_ratio: float = 0.8, generator: torch.Generator | None = None) -> None:
        if not 0.0 < keep_ratio <= 1.0:
            raise ValueError(f"Subgraph keep_ratio must be in (0, 1], got {keep_ratio}")
        self.keep_ratio, self.generator = keep_ratio, generator

    def forward(self, data):
        batch_vector, num_graphs = batch_vector_of(data), num_graphs_of(data)
        counts = per_graph_counts(batch_vector, num_graphs)
        target = torch.ceil(counts.to(torch.float64) * self.keep_ratio).long()
        keep = rank_within_graph(batch_vector, num_graphs, self.generator) == 0
        src, dst = data.edge_index
        while True:
            reached = per_graph_counts(batch_vector[keep], num_graphs)
            growing = reached < target
            frontier = torch.zeros_like(keep)
            frontier[dst[keep[src] & growing[batch_vector[src]]]] = True
            new = frontier & ~keep
            if not bool(new.any()):
                break
            keep |= new
        return keep_nodes(data, keep)

    def __repr__(self) -> str:
        return f"Subgraph(keep_ratio={self.keep_ratio})"


AUGMENTATIONS = {"drop_nodes": DropNodes, "drop_edges": DropEdges, "mask_features": MaskFeatures, "subgraph": Subgraph}
NODE_PRESERVING = ("drop_edges", "mask_features")


def build_augmentation(name: str, strength: float) -> BaseTransform:
    """An augmentation by name; ``strength`` is its drop/mask fraction (``1 - keep_ratio`` for subgraph)."""
    if name not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {name!r}; choose from {', '.join(AUGMENTATIONS)}")
    if name == "subgraph":
        return Subgraph(keep_ratio=1.0 - strength)
    return AUGMENTATIONS[name](p=strength)
