"""Graph augmentations, vectorized over a whole ``Batch``, drawing only from an explicit generator.

The four augmentation families of GraphCL (You et al., "Graph Contrastive
Learning with Augmentations", NeurIPS 2020, https://arxiv.org/abs/2010.13902):
node dropping, edge perturbation (here: dropping), attribute masking and
subgraph sampling. Each works on one ``Data`` or on a ``Batch`` at once (no
Python loop over graphs) and keeps every non-empty graph non-empty.

Each has a functional form taking the generator per call, e.g.
``drop_nodes(data, p, generator)`` (what objectives use, with the trainer's
generator), and a PyG transform class around it (``DropNodes(p,
generator=g)``) that owns its generator: without one it makes its own from
``seed``, so no augmentation ever draws from torch's global RNG.

Removing nodes keeps every attribute consistent through
:func:`graphssl.data.select.select_nodes`: edges, pairs
(``NAME_pair_index``), fragment memberships and fragments follow the
surviving nodes and are renumbered (levels from the dataset's ``spec`` when
given, else :func:`graphssl.data.levels.attribute_level`'s rule).

Feature masking does not touch ``x``: it sets ``node_mask`` (bool ``[N]``),
which objectives pass to the encoder so the encoder's learned mask token
replaces those nodes' features, for categorical and continuous inputs alike.
"""

from __future__ import annotations

import copy
from typing import Callable, ClassVar

import torch
from torch import Tensor
from torch_geometric.transforms import BaseTransform

from graphssl.data.select import select, select_nodes
from graphssl.data.spec import GraphSpec
from graphssl.objectives.masking import per_graph_counts, rank_within_graph, sample_node_mask


def _batch_vector(data) -> Tensor:
    vector = getattr(data, "batch", None)
    if vector is not None:
        return vector
    return torch.zeros(data.num_nodes, dtype=torch.long, device=data.edge_index.device)


def _check_generator(generator) -> None:
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"augmentations draw from an explicit torch.Generator, got {type(generator).__name__}")


def _num_graphs(data) -> int:
    count = getattr(data, "num_graphs", None)
    return int(count) if count is not None else 1


def drop_nodes(data, p: float, generator: torch.Generator, spec: GraphSpec | None = None):
    """Drop each node with probability ``p``; the node ranked first in each graph always survives.

    Args:
        data: a ``Data`` or ``Batch``.
        p: drop probability in ``[0, 1)``.
        generator: the source of randomness, on ``data``'s device.
        spec: the dataset's spec for attribute levels (default ``None``).
    """
    _check_generator(generator)
    batch_vector, num_graphs = _batch_vector(data), _num_graphs(data)
    keep = torch.rand(data.num_nodes, generator=generator, device=batch_vector.device) >= p
    keep |= rank_within_graph(batch_vector, num_graphs, generator) == 0
    return select_nodes(data, keep, spec)


def drop_edges(data, p: float, generator: torch.Generator, spec: GraphSpec | None = None):
    """Drop each undirected edge (both directions together) with probability ``p``.

    Args:
        data: a ``Data`` or ``Batch``.
        p: drop probability in ``[0, 1]``.
        generator: the source of randomness, on ``data``'s device.
        spec: the dataset's spec for attribute levels (default ``None``).
    """
    _check_generator(generator)
    edge_index = data.edge_index
    if edge_index.shape[1] == 0:
        return select(data, {"edge": torch.ones(0, dtype=torch.bool, device=edge_index.device)}, spec)
    low, high = torch.minimum(edge_index[0], edge_index[1]), torch.maximum(edge_index[0], edge_index[1])
    _, pair = torch.unique(low * data.num_nodes + high, return_inverse=True)
    pair_keep = torch.rand(int(pair.max()) + 1, generator=generator, device=edge_index.device) >= p
    return select(data, {"edge": pair_keep[pair]}, spec)


def mask_features(data, p: float, generator: torch.Generator, spec: GraphSpec | None = None):
    """Mark a fraction ``p`` of each graph's nodes in ``node_mask`` (never none, never all).

    Args:
        data: a ``Data`` or ``Batch``.
        p: fraction in ``(0, 1)``.
        generator: the source of randomness, on ``data``'s device.
        spec: unused; accepted so every augmentation has one signature (default ``None``).
    """
    _check_generator(generator)
    out = copy.copy(data)
    mask = sample_node_mask(_batch_vector(data), _num_graphs(data), p, generator)
    previous = getattr(data, "node_mask", None)
    out.node_mask = mask if previous is None else previous | mask
    return out


def subgraph(data, keep_ratio: float, generator: torch.Generator, spec: GraphSpec | None = None):
    """Grow a connected neighbourhood hop by hop from one random seed per graph until at
    least ``keep_ratio`` of the graph's nodes (or its whole component) is reached.

    Args:
        data: a ``Data`` or ``Batch``.
        keep_ratio: fraction of nodes to keep, in ``(0, 1]``.
        generator: the source of randomness, on ``data``'s device.
        spec: the dataset's spec for attribute levels (default ``None``).
    """
    _check_generator(generator)
    batch_vector, num_graphs = _batch_vector(data), _num_graphs(data)
    counts = per_graph_counts(batch_vector, num_graphs)
    target = torch.ceil(counts.to(torch.float64) * keep_ratio).long()
    keep = rank_within_graph(batch_vector, num_graphs, generator) == 0
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
    return select_nodes(data, keep, spec)


class _Augmentation(BaseTransform):
    """A transform around one functional augmentation, owning its generator.

    Subclasses set ``function``, ``interval`` (the allowed strengths, e.g.
    ``"[0, 1)"``) and, when the strength is not called ``p``, ``param``.
    """

    function: Callable
    interval: ClassVar[str]
    param: ClassVar[str] = "p"

    def __init__(self, strength: float, generator: torch.Generator | None, seed: int, spec: GraphSpec | None) -> None:
        if not _inside(strength, self.interval):
            raise ValueError(f"{type(self).__name__} {self.param} must be in {self.interval}, got {strength}")
        setattr(self, self.param, strength)
        self.strength, self.seed, self.spec = strength, seed, spec
        self.generator, self._owns_generator = generator, generator is None

    def _generator(self, device: torch.device) -> torch.Generator:
        if self._owns_generator and (self.generator is None or self.generator.device != device):
            # A transform made without a generator gets its own stream, never torch's global one.
            self.generator = torch.Generator(device=device).manual_seed(self.seed)
        return self.generator

    def forward(self, data):
        return type(self).function(data, self.strength, self._generator(data.edge_index.device), self.spec)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.param}={self.strength})"


def _inside(value: float, interval: str) -> bool:
    """Whether ``value`` lies in an interval written ``"[0, 1)"`` (brackets closed, parentheses open)."""
    low, high = (float(bound) for bound in interval[1:-1].split(","))
    return (low <= value if interval[0] == "[" else low < value) and (value <= high if interval[-1] == "]" else value < high)


class DropNodes(_Augmentation):
    """Drop each node with probability ``p`` (at least one node per non-empty graph survives).

    Args:
        p: drop probability (default ``0.2``).
        generator: random generator (default: one of its own, seeded with ``seed``).
        seed: seed of its own generator (default ``0``).
        spec: the dataset's spec for attribute levels (default ``None``).
    """

    function = staticmethod(drop_nodes)
    interval = "[0, 1)"

    def __init__(self, p: float = 0.2, generator: torch.Generator | None = None, seed: int = 0,
                 spec: GraphSpec | None = None) -> None:
        super().__init__(p, generator, seed, spec)


class DropEdges(_Augmentation):
    """Drop each undirected edge (both directions together) with probability ``p``.

    Args:
        p: drop probability (default ``0.2``).
        generator: random generator (default: one of its own, seeded with ``seed``).
        seed: seed of its own generator (default ``0``).
        spec: the dataset's spec for attribute levels (default ``None``).
    """

    function = staticmethod(drop_edges)
    interval = "[0, 1]"

    def __init__(self, p: float = 0.2, generator: torch.Generator | None = None, seed: int = 0,
                 spec: GraphSpec | None = None) -> None:
        super().__init__(p, generator, seed, spec)


class MaskFeatures(_Augmentation):
    """Mark a fraction ``p`` of each graph's nodes in ``node_mask`` (never none, never all).

    Args:
        p: fraction of nodes to mask (default ``0.2``).
        generator: random generator (default: one of its own, seeded with ``seed``).
        seed: seed of its own generator (default ``0``).
        spec: unused, for a uniform signature (default ``None``).
    """

    function = staticmethod(mask_features)
    interval = "(0, 1)"

    def __init__(self, p: float = 0.2, generator: torch.Generator | None = None, seed: int = 0,
                 spec: GraphSpec | None = None) -> None:
        super().__init__(p, generator, seed, spec)


class Subgraph(_Augmentation):
    """Keep a connected neighbourhood: grow hop by hop from one random seed per graph
    until at least ``keep_ratio`` of the graph's nodes (or its whole component) is reached.

    Args:
        keep_ratio: fraction of nodes to keep (default ``0.8``).
        generator: random generator (default: one of its own, seeded with ``seed``).
        seed: seed of its own generator (default ``0``).
        spec: the dataset's spec for attribute levels (default ``None``).
    """

    function = staticmethod(subgraph)
    interval, param = "(0, 1]", "keep_ratio"

    def __init__(self, keep_ratio: float = 0.8, generator: torch.Generator | None = None, seed: int = 0,
                 spec: GraphSpec | None = None) -> None:
        super().__init__(keep_ratio, generator, seed, spec)


AUGMENTATIONS = {"drop_nodes": DropNodes, "drop_edges": DropEdges, "mask_features": MaskFeatures, "subgraph": Subgraph}
#: The functional forms, ``function(data, strength, generator, spec=None)``.
AUGMENTATION_FUNCTIONS = {"drop_nodes": drop_nodes, "drop_edges": drop_edges, "mask_features": mask_features,
                          "subgraph": subgraph}
NODE_PRESERVING = ("drop_edges", "mask_features")


def _check_name(name: str) -> None:
    if name not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {name!r}; choose from {', '.join(AUGMENTATIONS)}")


def build_augmentation(name: str, strength: float, generator: torch.Generator | None = None) -> BaseTransform:
    """An augmentation by name; ``strength`` is its drop/mask fraction (``1 - keep_ratio`` for subgraph)."""
    _check_name(name)
    if name == "subgraph":
        return Subgraph(keep_ratio=1.0 - strength, generator=generator)
    return AUGMENTATIONS[name](p=strength, generator=generator)


def augment(name: str, data, strength: float, generator: torch.Generator, spec: GraphSpec | None = None):
    """Apply augmentation ``name`` with ``strength`` (as :func:`build_augmentation`) drawing from ``generator``."""
    _check_name(name)
    value = 1.0 - strength if name == "subgraph" else strength
    return AUGMENTATION_FUNCTIONS[name](data, value, generator, spec)
