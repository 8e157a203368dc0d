"""Checks that turn malformed graphs into one clear error naming the graph.

Without them a bad index or a NaN feature surfaces as a crash deep inside
torch, or worse as a silent NaN loss. Everything here is O(N + E) and cheap
next to one message-passing layer, so the encoder runs it on every batch.

What is allowed: graphs with 0 or 1 nodes, isolated nodes, self-loops and
duplicate edges (GIN-style sums count duplicates; that is the caller's data).
What is rejected (:class:`~graphssl.errors.InvalidGraphError`): edge indices
out of range or not int64 ``[2, E]``, feature rows that disagree with the node
or edge count, NaN/inf in float features, categorical values outside
``[0, num_categories)``.
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

from graphssl.errors import InvalidGraphError


def _edge_graph_of(data, edge_position: int) -> int:
    """Graph index of the edge at ``edge_position`` in a (possibly batched) graph."""
    slices = getattr(data, "_slice_dict", None)
    if slices is not None and "edge_index" in slices:
        return int(torch.searchsorted(slices["edge_index"], torch.tensor(edge_position), right=True)) - 1
    batch = getattr(data, "batch", None)
    if batch is not None:
        src = data.edge_index[0, edge_position]
        if 0 <= int(src) < batch.numel():
            return int(batch[src])
    return 0


def _node_graph_of(data, node: int) -> int:
    batch = getattr(data, "batch", None)
    return int(batch[node]) if batch is not None and node < batch.numel() else 0


def _first_bad_row(mask: Tensor) -> int:
    return int(mask.nonzero()[0, 0]) if mask.dim() else 0


def validate_graph(data, node_categorical: Sequence[int] = (), edge_categorical: Sequence[int] = ()) -> None:
    """Raise :class:`InvalidGraphError` naming the graph index if ``data`` is malformed.

    Args:
        data: a PyG ``Data`` or ``Batch``.
        node_categorical: category counts of ``x``'s columns when ``x`` is int64.
        edge_categorical: category counts of ``edge_attr``'s columns when int64.
    """
    num_nodes = data.num_nodes
    edge_index = getattr(data, "edge_index", None)
    if edge_index is not None:
        if edge_index.dtype != torch.long or edge_index.dim() != 2 or edge_index.shape[0] != 2:
            raise InvalidGraphError(f"graph 0: edge_index must be int64 of shape [2, E], got {edge_index.dtype} {tuple(edge_index.shape)}")
        if edge_index.numel():
            bad = (edge_index < 0) | (edge_index >= num_nodes)
            if bool(bad.any()):
                position = int(bad.any(dim=0).nonzero()[0, 0])
                value = int(edge_index[:, position][bad[:, position]][0])
                graph = _edge_graph_of(data, position)
                raise InvalidGraphError(f"graph {graph}: edge index {value} out of range for {num_nodes} nodes")
            batch = getattr(data, "batch", None)
            if batch is not None and batch.numel() == num_nodes:
                # In a Batch an index past its own graph lands in the next graph; catch it here.
                crossing = batch[edge_index[0]] != batch[edge_index[1]]
                if bool(crossing.any()):
                    position = int(crossing.nonzero()[0, 0])
                    graph = _edge_graph_of(data, position)
                    raise InvalidGraphError(f"graph {graph}: edge {position} joins nodes of different graphs "
                                            "(an edge index out of range for its graph)")
    _check_features(data, "x", num_nodes, node_categorical, _node_graph_of)
    num_edges = 0 if edge_index is None else edge_index.shape[1]
    _check_features(data, "edge_attr", num_edges, edge_categorical, _edge_graph_of)


def _check_features(data, key: str, expected_rows: int, categorical: Sequence[int], graph_of) -> None:
    value = getattr(data, key, None)
    if value is None:
        return
    what = "node features x" if key == "x" else "edge features edge_attr"
    if value.shape[0] != expected_rows:
        raise InvalidGraphError(f"graph {graph_of(data, 0) if expected_rows else 0}: {what} have {value.shape[0]} rows, expected {expected_rows}")
    if value.numel() == 0:
        return
    if torch.is_floating_point(value):
        finite = torch.isfinite(value)
        if not bool(finite.all()):
            row = _first_bad_row(~finite.view(value.shape[0], -1).all(dim=1))
            raise InvalidGraphError(f"graph {graph_of(data, row)}: {what} contain NaN or inf (row {row})")
        return
    if not categorical:
        return
    columns = value.view(value.shape[0], -1)
    if columns.shape[1] != len(categorical):
        raise InvalidGraphError(f"graph {graph_of(data, 0)}: {what} have {columns.shape[1]} columns, the encoder expects {len(categorical)}")
    limits = torch.tensor(list(categorical), dtype=columns.dtype, device=columns.device)
    bad = (columns < 0) | (columns >= limits)
    if bool(bad.any()):
        row = _first_bad_row(bad.any(dim=1))
        col = int(bad[row].nonzero()[0, 0])
        raise InvalidGraphError(
            f"graph {graph_of(data, row)}: {what} column {col} has value {int(columns[row, col])}, "
            f"outside [0, {categorical[col]})"
        )
