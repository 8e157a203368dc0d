"""Which attributes of a PyG ``Data`` are node-, edge- or graph-level.

The rule, shared by the networkx and DGL adapters:

- ``edge_index``, ``num_nodes``, ``batch`` and ``ptr`` are structure, never copied;
- a tensor whose first dimension is ``N`` (the node count), or a list of
  length ``N``, is node-level; one whose first dimension is ``E`` (the edge
  count) is edge-level; everything else is graph-level;
- when ``N == E`` the name decides: names containing ``"edge"`` are
  edge-level; ``x``, ``pos``, ``y`` and names containing ``"node"`` are
  node-level; any other such attribute is ambiguous and raises
  :class:`~graphssl.errors.InvalidGraphError` asking for explicit
  ``node_attrs``/``edge_attrs`` rather than guessing.
"""

from __future__ import annotations

from typing import Sequence

import torch

from graphssl.errors import InvalidGraphError

STRUCTURE_KEYS = frozenset({"edge_index", "num_nodes", "batch", "ptr"})
NODE_KEYS = frozenset({"x", "pos", "y"})


def _first_dim(value) -> int | None:
    if isinstance(value, torch.Tensor):
        return int(value.shape[0]) if value.dim() > 0 else None
    if isinstance(value, (list, tuple)):
        return len(value)
    return None


def _level(key: str, value, num_nodes: int, num_edges: int) -> str:
    first = _first_dim(value)
    is_node, is_edge = first == num_nodes, isinstance(value, torch.Tensor) and first == num_edges
    if is_node and is_edge:
        if "edge" in key:
            return "edge"
        return "node" if key in NODE_KEYS or "node" in key else "ambiguous"
    return "node" if is_node else "edge" if is_edge else "graph"


def resolve_attrs(data, node_attrs: Sequence[str] | None = None, edge_attrs: Sequence[str] | None = None,
                  graph_attrs: Sequence[str] | None = None) -> tuple[list[str], list[str], list[str]]:
    """The node, edge and graph attribute names to copy.

    Explicit lists are used as given (node and edge ones are checked to have
    the right first dimension); a ``None`` list is filled, in key order, with
    the attributes of that level by the rule above that no explicit list
    names. An ambiguous attribute raises only when it would have to be
    guessed, i.e. unless both ``node_attrs`` and ``edge_attrs`` are given.
    """
    num_nodes = int(data.num_nodes)
    num_edges = int(data.edge_index.shape[1])
    named = set(node_attrs or ()) | set(edge_attrs or ()) | set(graph_attrs or ())
    found: dict[str, list[str]] = {"node": [], "edge": [], "graph": []}
    for key in data.keys():
        if key in STRUCTURE_KEYS or key in named:
            continue
        level = _level(key, data[key], num_nodes, num_edges)
        if level == "ambiguous":
            if node_attrs is None or edge_attrs is None:
                raise InvalidGraphError(f"attribute {key!r} could be node- or edge-level (the graph has {num_nodes} "
                                        f"nodes and as many edges); pass node_attrs and edge_attrs explicitly")
            continue
        found[level].append(key)
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
