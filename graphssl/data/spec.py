"""What a dataset's graphs carry: the feature layout every model is built from.

A :class:`GraphSpec` says whether node and edge features are categorical
(int64 columns with a known number of categories each) or continuous (float
columns), so encoders build the right input embeddings and objectives the right
reconstruction heads without looking at a specific dataset class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import torch

from graphssl.errors import InvalidGraphError


@dataclass
class GraphSpec:
    """Feature layout of a dataset.

    Args:
        node_categorical: number of categories of each int64 column of ``x``
            (default ``[]``).
        node_continuous: width of a float ``x`` (default ``0``).
        edge_categorical: number of categories of each int64 column of
            ``edge_attr`` (default ``[]``).
        edge_continuous: width of a float ``edge_attr`` (default ``0``).

    At most one of ``node_categorical``/``node_continuous`` is set (likewise for
    edges); neither means the graphs carry no features of that kind.
    """

    node_categorical: list[int] = field(default_factory=list)
    node_continuous: int = 0
    edge_categorical: list[int] = field(default_factory=list)
    edge_continuous: int = 0

    def __post_init__(self) -> None:
        if self.node_categorical and self.node_continuous:
            raise ValueError("GraphSpec: set node_categorical or node_continuous, not both")
        if self.edge_categorical and self.edge_continuous:
            raise ValueError("GraphSpec: set edge_categorical or edge_continuous, not both")
        if any(c < 1 for c in self.node_categorical + self.edge_categorical):
            raise ValueError("GraphSpec: every categorical column needs at least one category")

    @property
    def has_node_features(self) -> bool:
        return bool(self.node_categorical) or self.node_continuous > 0

    @property
    def has_edge_features(self) -> bool:
        return bool(self.edge_categorical) or self.edge_continuous > 0


def infer_spec(graphs: Iterable) -> GraphSpec:
    """Infer a :class:`GraphSpec` from graphs: int64 columns are categorical with
    ``max + 1`` categories, float columns continuous.

    Datasets that know their vocabulary (e.g. OGB atom features) should declare
    a ``spec`` attribute instead: inferred cardinalities only cover the values
    seen.
    """
    node_max: torch.Tensor | None = None
    edge_max: torch.Tensor | None = None
    node_width = edge_width = 0
    node_int = edge_int = None
    for index, data in enumerate(graphs):
        x, edge_attr = getattr(data, "x", None), getattr(data, "edge_attr", None)
        if x is not None:
            x = x.view(-1, 1) if x.dim() == 1 else x
            is_int = not torch.is_floating_point(x)
            if node_int is None:
                node_int, node_width = is_int, x.shape[1]
            elif node_int != is_int or node_width != x.shape[1]:
                raise InvalidGraphError(f"graph {index}: node features x have dtype/width {x.dtype}/{x.shape[1]}, unlike earlier graphs")
            if is_int and x.numel():
                col_max = x.max(dim=0).values
                node_max = col_max if node_max is None else torch.maximum(node_max, col_max)
        if edge_attr is not None:
            edge_attr = edge_attr.view(-1, 1) if edge_attr.dim() == 1 else edge_attr
            is_int = not torch.is_floating_point(edge_attr)
            if edge_int is None:
                edge_int, edge_width = is_int, edge_attr.shape[1]
            elif edge_int != is_int or edge_width != edge_attr.shape[1]:
                raise InvalidGraphError(f"graph {index}: edge features have dtype/width {edge_attr.dtype}/{edge_attr.shape[1]}, unlike earlier graphs")
            if is_int and edge_attr.numel():
                col_max = edge_attr.max(dim=0).values
                edge_max = col_max if edge_max is None else torch.maximum(edge_max, col_max)

    def cards(col_max: torch.Tensor | None, width: int) -> list[int]:
        return [1] * width if col_max is None else [int(v) + 1 for v in col_max.tolist()]

    return GraphSpec(
        node_categorical=cards(node_max, node_width) if node_int else [],
        node_continuous=node_width if node_int is False else 0,
        edge_categorical=cards(edge_max, edge_width) if edge_int else [],
        edge_continuous=edge_width if edge_int is False else 0,
    )
