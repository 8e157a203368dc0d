"""Input modules that embed a graph's own features: categorical columns, float columns, or none.

Categorical columns follow the OGB convention (Hu et al., "Open Graph
Benchmark", NeurIPS 2020): one embedding table per column, summed. Each
module is built as ``Module(spec, level, dim, **params)`` and called
``module(batch, node_mask=None)``; node inputs replace the rows of masked
nodes with a learned mask token, edge inputs ignore the mask.

Presence, dtype, width and row count of the attribute are checked on every
call (O(1), no pass over the data), so a dataset with the wrong layout gets an
:class:`~graphssl.errors.InvalidGraphError` naming the graph and attribute
instead of a crash inside torch.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.data.validate import FEATURE_NAMES, first_graph_of
from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.nn.embedding import CategoricalEmbedding
from graphssl.nn.mlp import mlp
from graphssl.nn.registry import register_input

LEVELS = ("node", "edge")
DEFAULT_ATTRIBUTE = {"node": "x", "edge": "edge_attr"}


def _check_level(module: str, level: str) -> None:
    if level not in LEVELS:
        raise ConfigError(f"input {module!r}: level must be one of {', '.join(LEVELS)}, got {level!r}")


def _rows(batch, level: str) -> int:
    return batch.num_nodes if level == "node" else batch.edge_index.shape[1]


def _declared(spec: GraphSpec, level: str, attribute: str | None, kind: str, of_attribute):
    """What the layout declares for the attribute read: ``spec.<level>_<kind>`` by default, else
    ``of_attribute(spec.attributes[attribute])``, ``None`` for an attribute the layout lacks."""
    if attribute is None:
        return getattr(spec, f"{level}_{kind}")
    return of_attribute(spec.attributes[attribute]) if attribute in spec.attributes else None


def _read(batch, attribute: str, level: str, expects: str, width: int, dtype_ok, dtype_note: str = "") -> Tensor:
    """``batch.<attribute>`` as ``[rows, width]``, its presence, rows, dtype and width checked.

    A failed check raises InvalidGraphError naming the graph; ``dtype_ok(value)`` says whether the dtype fits.
    """
    what = FEATURE_NAMES.get(attribute, f"{level} attribute {attribute!r}")

    def first() -> int:  # only looked up on an error
        return first_graph_of(batch, level)

    value = getattr(batch, attribute, None)
    if value is None:
        raise InvalidGraphError(f"graph {first()}: has no {what}; this encoder embeds {expects}")
    rows = _rows(batch, level)
    if value.shape[0] != rows:
        raise InvalidGraphError(f"graph {first()}: {what} have {value.shape[0]} rows, expected {rows}")
    if not dtype_ok(value):
        raise InvalidGraphError(f"graph {first()}: {what} are {value.dtype}; this encoder embeds {expects}{dtype_note}")
    columns = 1 if value.dim() == 1 else math.prod(value.shape[1:])
    if columns != width:
        raise InvalidGraphError(f"graph {first()}: {what} have {columns} columns, this encoder embeds {expects}")
    return value.reshape(value.shape[0], columns)


def _is_integer(value: Tensor) -> bool:
    return not (value.is_floating_point() or value.is_complex() or value.dtype == torch.bool)


class _NodeMasked(nn.Module):
    """Shared mask-token handling of node inputs that read features."""

    def _init_mask_token(self, level: str, dim: int) -> None:
        self.mask_token = nn.Parameter(torch.empty(dim)) if level == "node" else None

    def _masked(self, h: Tensor, node_mask: Tensor | None) -> Tensor:
        if node_mask is None or self.mask_token is None:
            return h
        return torch.where(node_mask.unsqueeze(1), self.mask_token.to(h.dtype), h)


@register_input("categorical")
class CategoricalInput(_NodeMasked):
    """Sum of one learned embedding per int64 column of ``x`` / ``edge_attr`` (or ``attribute``).

    Args:
        spec: the layout; its ``node_categorical`` / ``edge_categorical`` (or
            ``spec.attributes[attribute].categories``) give the category counts.
        level: ``"node"`` or ``"edge"``.
        dim: output width.
        attribute: attribute to read (default ``None``: ``x`` for nodes, ``edge_attr`` for edges).

    Shapes:
        reads ``[N or E, C]`` integer -> ``[N or E, dim]``.
    """

    structural = False

    def __init__(self, spec: GraphSpec, level: str, dim: int, attribute: str | None = None) -> None:
        super().__init__()
        _check_level("categorical", level)
        self.level, self.dim = level, dim
        self.attribute = attribute or DEFAULT_ATTRIBUTE[level]
        categories = _declared(spec, level, attribute, "categorical", lambda declared: declared.categories)
        if not categories:
            raise ConfigError(f"input 'categorical': the dataset declares no categories for {level} attribute {self.attribute!r}")
        self.categories = list(categories)
        self.embedding = CategoricalEmbedding(self.categories, dim)
        self._init_mask_token(level, dim)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.embedding.reset_parameters()
        if self.mask_token is not None:
            nn.init.normal_(self.mask_token, std=0.1)

    def forward(self, batch, node_mask: Tensor | None = None) -> Tensor:
        expects = f"{len(self.categories)} integer category columns {self.categories}"
        value = _read(batch, self.attribute, self.level, expects, len(self.categories), _is_integer, " (int64)")
        if value.dtype != torch.long:
            value = value.long()
        return self._masked(self.embedding(value), node_mask)

    def __repr__(self) -> str:
        return f"CategoricalInput({self.attribute!r}, categories={self.categories}, dim={self.dim})"


@register_input("continuous")
class ContinuousInput(_NodeMasked):
    """Linear map (or MLP) of the float columns of ``x`` / ``edge_attr`` (or ``attribute``).

    Args:
        spec: the layout; ``node_continuous`` / ``edge_continuous`` (or the
            attribute's ``shape``) give the width.
        level: ``"node"`` or ``"edge"``.
        dim: output width.
        attribute: attribute to read (default ``None``: ``x`` / ``edge_attr``).
        num_layers: linear layers, 1 (default) is a linear map, more an MLP with
            hidden width ``dim``.
        activation: MLP activation (default ``"relu"``).

    Shapes:
        reads ``[N or E, *]`` float with ``width`` values per row -> ``[N or E, dim]``.
    """

    structural = False

    def __init__(self, spec: GraphSpec, level: str, dim: int, attribute: str | None = None, num_layers: int = 1,
                 activation: str = "relu") -> None:
        super().__init__()
        _check_level("continuous", level)
        self.level, self.dim = level, dim
        self.attribute = attribute or DEFAULT_ATTRIBUTE[level]
        width = _declared(spec, level, attribute, "continuous",
                          lambda declared: int(torch.Size(declared.shape).numel()) if declared.shape else 1) or 0
        if width < 1:
            raise ConfigError(f"input 'continuous': the dataset declares no float width for {level} attribute {self.attribute!r}")
        self.width = width
        self.mlp = mlp(width, dim, dim, num_layers=num_layers, activation=activation)
        self._init_mask_token(level, dim)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for module in self.mlp:
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
        if self.mask_token is not None:
            nn.init.normal_(self.mask_token, std=0.1)

    def forward(self, batch, node_mask: Tensor | None = None) -> Tensor:
        value = _read(batch, self.attribute, self.level, f"{self.width} float columns", self.width, Tensor.is_floating_point)
        return self._masked(self.mlp(value.to(self.mlp[0].weight.dtype)), node_mask)

    def __repr__(self) -> str:
        return f"ContinuousInput({self.attribute!r}, width={self.width}, dim={self.dim})"


@register_input("constant")
class ConstantInput(_NodeMasked):
    """One learned vector for every node (or edge): the input of graphs without features.

    Masked nodes get the mask token instead, so a masked-node objective still
    tells the encoder which nodes to predict.

    Args:
        spec: unused (inputs share one signature).
        level: ``"node"`` or ``"edge"``.
        dim: output width.

    Shapes:
        -> ``[N or E, dim]``.
    """

    structural = True

    def __init__(self, spec: GraphSpec, level: str, dim: int) -> None:
        super().__init__()
        _check_level("constant", level)
        self.level, self.dim = level, dim
        self.value = nn.Parameter(torch.empty(dim))
        self._init_mask_token(level, dim)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.normal_(self.value, std=0.1)
        if self.mask_token is not None:
            nn.init.normal_(self.mask_token, std=0.1)

    def forward(self, batch, node_mask: Tensor | None = None) -> Tensor:
        return self._masked(self.value.expand(_rows(batch, self.level), -1), node_mask)

    def __repr__(self) -> str:
        return f"ConstantInput({self.level!r}, dim={self.dim})"
