"""Which attributes of a PyG ``Data`` the networkx and DGL adapters copy, and as what.

Levels come from :func:`graphssl.data.spec.attribute_level`, the rule every
part of graphssl uses (a declared :class:`~graphssl.data.spec.GraphSpec`,
graph structure, the pair and fragment conventions, then one entry per node
or per edge). Here:

- ``edge_index``, ``num_nodes``, ``batch`` and ``ptr`` are structure, never copied;
- node- and edge-level attributes become node and edge attributes; every
  other level (graph, pair, fragment, ...) is copied as a graph attribute;
- an attribute whose level the rule cannot tell (as many nodes as edges and a
  name that does not decide) raises :class:`~graphssl.errors.InvalidGraphError`
  asking for explicit ``node_attrs``/``edge_attrs`` rather than guessing.
"""

from __future__ import annotations

from typing import Sequence

import torch

from graphssl.data.levels import AmbiguousLevelError
from graphssl.data.spec import GraphSpec, attribute_level
from graphssl.errors import InvalidGraphError

STRUCTURE_KEYS = frozenset({"edge_index", "num_nodes", "batch", "ptr"})


def _first_dim(value) -> int | None:
    if isinstance(value, torch.Tensor):
        return int(value.shape[0]) if value.dim() > 0 else None
    if isinstance(value, (list, tuple)):
        return len(value)
    return None


def resolve_attrs(data, node_attrs: Sequence[str] | None = None, edge_attrs: Sequence[str] | None = None,
                  graph_attrs: Sequence[str] | None = None,
                  spec: GraphSpec | None = None) -> tuple[list[str], list[str], list[str]]:
    """The node, edge and graph attribute names to copy.

    Explicit lists are used as given (node and edge ones are checked to have
    the right first dimension); a ``None`` list is filled, in key order, with
    the attributes of that level (see the module docstring) that no explicit
    list names. An ambiguous attribute raises only when it would have to be
    guessed, i.e. unless both ``node_attrs`` and ``edge_attrs`` are given.
    ``spec`` (default ``None``) declares levels the rule cannot see.
    """
    num_nodes = int(data.num_nodes)
    num_edges = int(data.edge_index.shape[1])
    named = set(node_attrs or ()) | set(edge_attrs or ()) | set(graph_attrs or ())
    found: dict[str, list[str]] = {"node": [], "edge": [], "graph": []}
    for key in data.keys():
        if key in STRUCTURE_KEYS or key in named:
            continue
        try:
            level = attribute_level(data, key, spec)
        except AmbiguousLevelError:
            if node_attrs is None or edge_attrs is None:
                raise InvalidGraphError(f"attribute {key!r} could be node- or edge-level (the graph has {num_nodes} "
                                        f"nodes and as many edges); pass node_attrs and edge_attrs explicitly") from None
            continue
        found[level if level in ("node", "edge") else "graph"].append(key)
    node = found["node"] if node_attrs is None else list(node_attrs)
    edge = found["edge"] if edge_attrs is None else list(edge_attrs)
    graph = found["graph"] if graph_attrs is None else list(graph_attrs)
    check_keys(data, node, num_nodes, "node")
    check_keys(data, edge, num_edges, "edge")
    for key in graph:
        if key not in data:
            raise InvalidGraphError(f"graph has no attribute {key!r}")
    return node, edge, graph


def check_keys(data, keys: Sequence[str], size: int, level: str) -> None:
    """Every key in ``keys`` exists in ``data`` with first dimension ``size``."""
    for key in keys:
        if key in STRUCTURE_KEYS:
            raise InvalidGraphError(f"{key!r} is graph structure and cannot be a {level} attribute")
        if key not in data:
            raise InvalidGraphError(f"graph has no attribute {key!r}")
        if _first_dim(data[key]) != size:
            raise InvalidGraphError(f"attribute {key!r} is not {level}-level: expected first dimension {size}")
