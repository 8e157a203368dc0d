"""Checks that turn malformed graphs into one clear error naming the graph.

Without them a bad index or a NaN feature surfaces as a crash deep inside
torch, or worse as a silent NaN loss. :func:`validate_graph` is O(N + E);
data preparation runs it once per graph, and an encoder with
``validate: true`` on every batch.

Messages number the graph within the batch (or from ``first_graph``) and
nodes and edges within their graph: "graph 7: ... (node 3)" is node 3 of
graph 7, whatever its position in the batch.

What is allowed: graphs with 0 or 1 nodes, isolated nodes, self-loops and
duplicate edges (GIN-style sums count duplicates; that is the caller's data).
What is rejected (:class:`~graphssl.errors.InvalidGraphError`): edge indices
out of range or not int64 ``[2, E]``; features the layout asks for that are
missing, of the wrong dtype (float where categories are expected, integers
where floats are) or width, or whose rows disagree with the node or edge
count; NaN/inf in float features; categorical values outside
``[0, num_categories)``.
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

from graphssl.errors import InvalidGraphError

#: How messages name the standard feature attributes.
FEATURE_NAMES = {"x": "node features x", "edge_attr": "edge features edge_attr"}


def _offsets(data, level: str) -> Tensor | None:
    """Start of each graph's nodes (or edges) in a batch, ``[num_graphs + 1]``; ``None`` for one graph."""
    slices = getattr(data, "_slice_dict", None)
    key = "edge_index" if level == "edge" else None
    if level == "node":
        ptr = getattr(data, "ptr", None)
        if ptr is not None:
            return ptr
        batch = getattr(data, "batch", None)
        if batch is not None and batch.numel():
            counts = torch.bincount(batch)
            return torch.cat([counts.new_zeros(1), counts.cumsum(0)])
        return None
    if slices is not None and key in slices:
        return slices[key]
    return None


def locate(data, level: str, position: int) -> tuple[int, int]:
    """``(graph, index within that graph)`` of node or edge ``position`` of a (possibly batched) graph."""
    offsets = _offsets(data, level)
    if offsets is None:
        if level == "edge" and getattr(data, "batch", None) is not None:
            # A Batch built by hand, without slices: the graph of the edge's source node.
            graph, _ = locate(data, "node", int(data.edge_index[0, position]))
            src_graph = data.batch[data.edge_index[0, :position]]
            return graph, int((src_graph == graph).sum())
        return 0, position
    graph = int(torch.searchsorted(offsets.to(torch.long), torch.tensor(position), right=True)) - 1
    graph = min(max(graph, 0), offsets.numel() - 2)
    return graph, position - int(offsets[graph])


def first_graph_of(data, level: str = "node") -> int:
    """The first graph with at least one node (or edge): the one a batch-wide problem is reported for."""
    offsets = _offsets(data, level)
    if offsets is None or offsets.numel() < 2:
        return 0
    nonempty = (offsets[1:] > offsets[:-1]).nonzero()
    return int(nonempty[0, 0]) if nonempty.numel() else 0


def _first_row(mask: Tensor) -> int:
    return int(mask.nonzero()[0, 0])


def check_edge_index(edge_index: Tensor | None, first_graph: int = 0) -> Tensor:
    """``edge_index`` if it is int64 ``[2, E]`` (O(1), no pass over it); else InvalidGraphError."""
    if edge_index is None or edge_index.dtype != torch.long or edge_index.dim() != 2 or edge_index.shape[0] != 2:
        got = "none" if edge_index is None else f"{edge_index.dtype} {tuple(edge_index.shape)}"
        raise InvalidGraphError(f"graph {first_graph}: edge_index must be int64 of shape [2, E], got {got}")
    return edge_index


def validate_graph(data, node_categorical: Sequence[int] = (), edge_categorical: Sequence[int] = (), *,
                   node_continuous: int = 0, edge_continuous: int = 0, first_graph: int = 0) -> None:
    """Raise :class:`InvalidGraphError` naming the graph if ``data`` is malformed.

    Args:
        data: a PyG ``Data`` or ``Batch``.
        node_categorical: category counts of ``x``'s int64 columns; non-empty means
            ``x`` must be present and integer (default ``()``).
        edge_categorical: same for ``edge_attr`` (default ``()``).
        node_continuous: width of a float ``x``; non-zero means ``x`` must be present
            and floating point (default ``0``).
        edge_continuous: same for ``edge_attr`` (default ``0``).
        first_graph: number of ``data``'s first graph in messages, e.g. its
            position in a dataset (default ``0``).
    """
    num_nodes = data.num_nodes
    edge_index = getattr(data, "edge_index", None)
    if edge_index is not None:
        check_edge_index(edge_index, first_graph)
        if edge_index.numel():
            _check_edge_range(data, edge_index, num_nodes, first_graph)
    num_edges = 0 if edge_index is None else edge_index.shape[1]
    _check_features(data, "x", "node", num_nodes, node_categorical, node_continuous, first_graph)
    _check_features(data, "edge_attr", "edge", num_edges, edge_categorical, edge_continuous, first_graph)


def _check_edge_range(data, edge_index: Tensor, num_nodes: int, first_graph: int) -> None:
    bad = (edge_index < 0) | (edge_index >= num_nodes)
    if bool(bad.any()):
        position = _first_row(bad.any(dim=0))
        value = int(edge_index[:, position][bad[:, position]][0])
        graph, edge = locate(data, "edge", position)
        raise InvalidGraphError(f"graph {first_graph + graph}: edge {edge} has node index {value}, "
                                f"out of range for {num_nodes} nodes")
    offsets = _offsets(data, "node")
    if offsets is not None and offsets.numel() > 2:
        # In a batch an index past its own graph lands in the next graph; catch it here.
        graph_of_node = torch.repeat_interleave(torch.arange(offsets.numel() - 1, device=edge_index.device),
                                                offsets.diff().to(edge_index.device))
        crossing = graph_of_node[edge_index[0]] != graph_of_node[edge_index[1]]
        if bool(crossing.any()):
            position = _first_row(crossing)
            graph, edge = locate(data, "edge", position)
            target = int(edge_index[1, position]) - int(offsets[graph])
            raise InvalidGraphError(f"graph {first_graph + graph}: edge {edge} points to node {target}, outside its "
                                    f"{int(offsets[graph + 1] - offsets[graph])} nodes")


def _check_features(data, key: str, level: str, expected_rows: int, categorical: Sequence[int], continuous: int,
                    first_graph: int) -> None:
    what = FEATURE_NAMES[key]
    value = getattr(data, key, None)

    def first() -> int:  # only looked up on an error: it is a pass over the batch's offsets
        return first_graph + first_graph_of(data, level)

    if value is None:
        if expected_rows and (categorical or continuous):
            layout = f"categories {list(categorical)}" if categorical else f"{continuous} float columns"
            raise InvalidGraphError(f"graph {first()}: has no {what}; the layout expects {layout}")
        return
    if value.shape[0] != expected_rows:
        raise InvalidGraphError(f"graph {first()}: {what} have {value.shape[0]} rows, expected {expected_rows}")
    if value.numel() == 0:
        return
    columns = value.view(value.shape[0], -1)
    if categorical and torch.is_floating_point(value):
        raise InvalidGraphError(f"graph {first()}: {what} are {value.dtype}, the layout expects int64 categories {list(categorical)}")
    if continuous and not torch.is_floating_point(value):
        raise InvalidGraphError(f"graph {first()}: {what} are {value.dtype}, the layout expects {continuous} float columns")
    width = len(categorical) or continuous
    if width and columns.shape[1] != width:
        raise InvalidGraphError(f"graph {first()}: {what} have {columns.shape[1]} columns, the layout expects {width}")
    if torch.is_floating_point(value):
        finite = torch.isfinite(columns).all(dim=1)
        if not bool(finite.all()):
            graph, row = locate(data, level, _first_row(~finite))
            raise InvalidGraphError(f"graph {first_graph + graph}: {what} contain NaN or inf ({level} {row})")
        return
    if not categorical:
        return
    limits = torch.tensor(list(categorical), dtype=columns.dtype, device=columns.device)
    bad = (columns < 0) | (columns >= limits)
    if bool(bad.any()):
        position = _first_row(bad.any(dim=1))
        col = int(bad[position].nonzero()[0, 0])
        graph, row = locate(data, level, position)
        raise InvalidGraphError(
            f"graph {first_graph + graph}: {what} column {col} has value {int(columns[position, col])} at {level} {row}, "
            f"outside [0, {categorical[col]})"
        )
