"""What a dataset's graphs carry: the feature layout every model is built from.

A :class:`GraphSpec` says whether node and edge features are categorical
(int64 columns with a known number of categories each) or continuous (float
columns), so encoders build the right input embeddings and objectives the right
reconstruction heads without looking at a specific dataset class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import torch

from graphssl.errors import InvalidGraphError


#: Built-in attribute levels; any other level name is a named group (``"fragment"``, ``"face_instance"``).
LEVELS = ("node", "edge", "graph", "pair")


@dataclass
class AttributeSpec:
    """One attribute that a dataset's graphs carry: its level and per-row shape.

    Args:
        level: ``"node"``, ``"edge"``, ``"graph"``, ``"pair"`` or a named group
            such as ``"fragment"``; rows of the attribute are items of that level.
        shape: trailing shape of one row (default ``[]``: one value per row),
            e.g. ``[7, 10, 10]`` for a face UV grid.
        dtype: ``"float"`` (default), ``"long"`` or ``"bool"``.
        categories: category count of each column of a categorical (``long``)
            attribute (default ``[]``: not categorical).
        index_of: for index maps, the level each row of the map points into,
            e.g. ``["node", "fragment"]`` for ``atom2frag`` ``[2, M]``
            (default ``None``: not an index map).
        cat_dim: the dimension rows run along and batches concatenate on
            (default ``0``; ``-1`` for ``[2, M]`` index maps).
    """

    level: str
    shape: list[int] = field(default_factory=list)
    dtype: str = "float"
    categories: list[int] = field(default_factory=list)
    index_of: list[str] | None = None
    cat_dim: int = 0


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
        attributes: every other attribute the graphs carry, by name
            (default ``{}``), see :class:`AttributeSpec`.
        groups: named group levels and the attribute whose rows count their
            items, e.g. ``{"fragment": "frag_x"}`` (default ``{}``).

    At most one of ``node_categorical``/``node_continuous`` is set (likewise for
    edges); neither means the graphs carry no features of that kind.
    """

    node_categorical: list[int] = field(default_factory=list)
    node_continuous: int = 0
    edge_categorical: list[int] = field(default_factory=list)
    edge_continuous: int = 0
    attributes: dict[str, AttributeSpec] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)

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


class _ColumnScan:
    """Running dtype, width and per-column maximum of one feature kind over graphs."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.is_int: bool | None = None
        self.width = 0
        self.col_max: torch.Tensor | None = None

    def add(self, index: int, value: torch.Tensor | None) -> None:
        if value is None:
            return
        value = value.view(-1, 1) if value.dim() == 1 else value
        is_int = not torch.is_floating_point(value)
        if self.is_int is None:
            self.is_int, self.width = is_int, value.shape[1]
        elif self.is_int != is_int or self.width != value.shape[1]:
            raise InvalidGraphError(f"graph {index}: {self.what} have dtype/width {value.dtype}/{value.shape[1]}, unlike earlier graphs")
        if is_int and value.numel():
            col_max = value.max(dim=0).values
            self.col_max = col_max if self.col_max is None else torch.maximum(self.col_max, col_max)

    def categorical(self) -> list[int]:
        if not self.is_int:
            return []
        return [1] * self.width if self.col_max is None else [int(v) + 1 for v in self.col_max.tolist()]

    def continuous(self) -> int:
        return self.width if self.is_int is False else 0


def infer_spec(graphs: Iterable) -> GraphSpec:
    """Infer a :class:`GraphSpec` from graphs: int64 columns are categorical with
    ``max + 1`` categories, float columns continuous.

    Datasets that know their vocabulary (e.g. OGB atom features) should declare
    a ``spec`` attribute instead: inferred cardinalities only cover the values
    seen.
    """
    nodes, edges = _ColumnScan("node features x"), _ColumnScan("edge features")
    for index, data in enumerate(graphs):
        nodes.add(index, getattr(data, "x", None))
        edges.add(index, getattr(data, "edge_attr", None))
    return GraphSpec(node_categorical=nodes.categorical(), node_continuous=nodes.continuous(),
                     edge_categorical=edges.categorical(), edge_continuous=edges.continuous())


def spec_from_dict(data: Mapping[str, Any]) -> GraphSpec:
    """The :class:`GraphSpec` that ``dataclasses.asdict`` wrote (e.g. into a cache's metadata)."""
    fields = dict(data)
    attributes = {key: AttributeSpec(**value) for key, value in fields.pop("attributes", {}).items()}
    return GraphSpec(**fields, attributes=attributes)


# The level rule lives in its own module; re-exported here because "what level is this
# attribute" is a question about the spec. (graphssl.data imports this module first.)
from graphssl.data.levels import attribute_level  # noqa: E402
