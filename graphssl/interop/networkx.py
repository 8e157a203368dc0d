"""networkx graphs to and from PyG ``Data``, attributes included.

Conventions (see ``docs/interop.md``):

- Node order is ``list(graph.nodes)`` (insertion order); node ``graph.nodes[i]``
  becomes index ``i``. Original node ids are dropped unless ``node_id_attr``
  names an attribute to keep them in (a python list, restored by
  :func:`to_networkx`).
- An undirected graph stores every edge in both directions, each carrying the
  edge's attributes; a self-loop is stored once. A directed graph keeps its
  edges as they are. Parallel edges of multigraphs are kept. Edges are sorted
  by ``(source, target)`` (stable), so the result does not depend on the order
  edges were added in.
- Attribute values: numbers, bools and equal-shape arrays/lists/tensors
  become tensors ``[N, *shape]`` (``[E, *shape]`` for edges; int64, bool or
  float32); anything else (strings, ragged lists) stays a python list.
  Graph attributes become tensors ``[1, *shape]`` when numeric.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Data

from graphssl.errors import InvalidGraphError
from graphssl.interop._attrs import STRUCTURE_KEYS, resolve_attrs


def _to_tensor(values: list, float_dtype: torch.dtype) -> torch.Tensor | None:
    """Stack equal-shape numeric values into a tensor, or None if they are not numeric."""
    if values and all(isinstance(v, torch.Tensor) for v in values):
        try:
            stacked = torch.stack([v.detach().cpu() for v in values])
        except RuntimeError:
            return None
    else:
        try:
            array = np.asarray(values)
        except ValueError:  # ragged
            return None
        if array.dtype.kind not in "biuf":
            return None
        stacked = torch.from_numpy(array.astype(np.int64) if array.dtype.kind in "iu" else array)
    return stacked.to(float_dtype) if stacked.is_floating_point() else stacked


def _collect(items: list[tuple[object, dict]], keys: Sequence[str] | None, what: str) -> list[str]:
    """Attribute names to copy; with ``keys=None`` those every item has, checking none is partial."""
    if keys is not None:
        for item, attrs in items:
            missing = [key for key in keys if key not in attrs]
            if missing:
                raise InvalidGraphError(f"{what} {item!r} has no attribute {missing[0]!r}")
        return list(keys)
    if not items:
        return []
    seen: dict[str, None] = {}
    for _, attrs in items:
        seen.update(dict.fromkeys(attrs))
    for item, attrs in items:
        missing = [key for key in seen if key not in attrs]
        if missing:
            raise InvalidGraphError(f"{what} {item!r} lacks attribute {missing[0]!r} that other {what}s have; "
                                    f"pass the attributes to copy explicitly")
    return list(seen)


def from_networkx(graph: nx.Graph, node_attrs: Sequence[str] | None = None, edge_attrs: Sequence[str] | None = None,
                  graph_attrs: Sequence[str] | None = None, node_id_attr: str | None = None,
                  float_dtype: torch.dtype = torch.float32) -> Data:
    """Convert a networkx graph into a PyG ``Data``.

    Args:
        graph: ``Graph``, ``DiGraph``, ``MultiGraph`` or ``MultiDiGraph``.
        node_attrs: node attributes to copy (default ``None``: all; every node must have each).
        edge_attrs: edge attributes to copy (default ``None``: all; every edge must have each).
        graph_attrs: entries of ``graph.graph`` to copy (default ``None``: all).
        node_id_attr: keep the original node ids, as a list, under this name (default ``None``).
        float_dtype: dtype of floating-point attributes (default ``torch.float32``).

    Shapes:
        ``edge_index`` ``[2, E]`` with ``E = 2 * edges - self_loops`` for
        undirected graphs; a node attribute of shape ``S`` per node gives
        ``[N, *S]``, an edge attribute ``[E, *S]``, a graph attribute ``[1, *S]``.

    Example::

        data = from_networkx(nx.karate_club_graph(), node_attrs=[], edge_attrs=["weight"])
    """
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    node_items = list(graph.nodes(data=True))
    edge_items = [((u, v), attrs) for u, v, attrs in graph.edges(data=True)]
    node_keys = _collect(node_items, node_attrs, "node")
    edge_keys = _collect(edge_items, edge_attrs, "edge")
    graph_keys = list(graph.graph) if graph_attrs is None else list(graph_attrs)
    for key in [*node_keys, *edge_keys, *graph_keys, *([node_id_attr] if node_id_attr else [])]:
        if key in STRUCTURE_KEYS:
            raise InvalidGraphError(f"attribute name {key!r} is reserved for graph structure in PyG")

    src, dst, rows = [], [], []
    for row, ((u, v), _) in enumerate(edge_items):
        directions = [(u, v)] if graph.is_directed() or u == v else [(u, v), (v, u)]
        for a, b in directions:
            src.append(index[a])
            dst.append(index[b])
            rows.append(row)
    src_t, dst_t = torch.tensor(src, dtype=torch.long), torch.tensor(dst, dtype=torch.long)
    order = torch.from_numpy(np.lexsort((dst_t.numpy(), src_t.numpy()))) if src else torch.empty(0, dtype=torch.long)
    edge_rows = [rows[i] for i in order.tolist()]

    data = Data(edge_index=torch.stack([src_t[order], dst_t[order]]).view(2, -1), num_nodes=len(nodes))
    for key in node_keys:
        values = [attrs[key] for _, attrs in node_items]
        tensor = _to_tensor(values, float_dtype)
        data[key] = tensor if tensor is not None else values
    for key in edge_keys:
        values = [edge_items[row][1][key] for row in edge_rows]
        tensor = _to_tensor(values, float_dtype)
        data[key] = tensor if tensor is not None else values
    for key in graph_keys:
        if key not in graph.graph:
            raise InvalidGraphError(f"graph has no graph attribute {key!r}")
        tensor = _to_tensor([graph.graph[key]], float_dtype)
        data[key] = tensor if tensor is not None else graph.graph[key]
    if node_id_attr:
        data[node_id_attr] = nodes
    return data


def _python_value(value):
    """A tensor row as a python number or nested list; other values unchanged."""
    return value.tolist() if isinstance(value, torch.Tensor) else value


def _hashable(value):
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


def _is_symmetric(edge_index: torch.Tensor, values: list[tuple]) -> bool:
    """Every directed edge ``(u, v, attrs)`` has a reverse ``(v, u, attrs)``, counted with multiplicity."""
    counts: dict[tuple, int] = {}
    for (u, v), attrs in zip(edge_index.t().tolist(), values):
        if u != v:
            counts[(u, v, attrs)] = counts.get((u, v, attrs), 0) + 1
    return all(counts.get((v, u, attrs), 0) == count for (u, v, attrs), count in counts.items())


def to_networkx(data, node_attrs: Sequence[str] | None = None, edge_attrs: Sequence[str] | None = None,
                graph_attrs: Sequence[str] | None = None, directed: bool | None = None,
                multigraph: bool | None = None, node_id_attr: str | None = None) -> nx.Graph:
    """Convert a PyG ``Data`` into a networkx graph.

    Args:
        data: the graph (a ``Batch`` becomes one graph with its parts disconnected).
        node_attrs, edge_attrs, graph_attrs: attributes to copy (default ``None``:
            all of that level, see :func:`graphssl.interop._attrs.resolve_attrs`).
        directed: ``True`` gives a directed graph with every stored edge;
            ``False`` an undirected one, which needs every edge stored in both
            directions with equal attributes (a self-loop once); default
            ``None`` picks undirected exactly when that holds.
        multigraph: keep parallel edges in a multigraph (default ``None``: when there are any).
        node_id_attr: relabel nodes with the ids kept under this name by
            :func:`from_networkx` (default ``None``: nodes are ``0..N-1``).

    Values become python numbers or (nested) lists, so ``[N, D]`` node
    features give each node a list of ``D`` numbers.
    """
    num_nodes = int(data.num_nodes)
    edge_index = data.edge_index.cpu()
    num_edges = int(edge_index.shape[1])
    node_keys, edge_keys, graph_keys = resolve_attrs(data, node_attrs, edge_attrs, graph_attrs)
    if node_attrs is None:
        node_keys = [key for key in node_keys if key != node_id_attr]

    edge_columns = {key: _python_value(data[key]) for key in edge_keys}
    edge_values = list(zip(*(map(_hashable, column) for column in edge_columns.values()))) if edge_keys else [()] * num_edges
    symmetric = _is_symmetric(edge_index, edge_values)
    if directed is None:
        directed = not symmetric
    elif not directed and not symmetric:
        raise InvalidGraphError("graph is not undirected: some edge has no reverse edge with equal attributes; "
                                "use directed=True")
    pairs = edge_index.t().tolist()
    keep = [e for e, (u, v) in enumerate(pairs) if directed or u <= v]
    if multigraph is None:
        multigraph = len({tuple(pairs[e]) for e in keep}) < len(keep)
    cls = {(False, False): nx.Graph, (True, False): nx.DiGraph, (False, True): nx.MultiGraph,
           (True, True): nx.MultiDiGraph}[(bool(directed), bool(multigraph))]
    out = cls()

    ids = list(data[node_id_attr]) if node_id_attr else list(range(num_nodes))
    if len(ids) != num_nodes:
        raise InvalidGraphError(f"node id attribute {node_id_attr!r} has {len(ids)} entries for {num_nodes} nodes")
    node_columns = {key: _python_value(data[key]) for key in node_keys}
    for i, node in enumerate(ids):
        out.add_node(node, **{key: column[i] for key, column in node_columns.items()})
    for e in keep:
        u, v = pairs[e]
        out.add_edge(ids[u], ids[v], **{key: column[e] for key, column in edge_columns.items()})
    for key in graph_keys:
        value = data[key]
        if isinstance(value, torch.Tensor) and value.dim() > 0 and value.shape[0] == 1:
            value = value[0]
        out.graph[key] = _python_value(value)
    return out


def graphs_from_networkx(graphs: Iterable[nx.Graph], **kwargs) -> list[Data]:
    """:func:`from_networkx` over many graphs, naming the failing graph's index in errors."""
    out = []
    for i, graph in enumerate(graphs):
        try:
            out.append(from_networkx(graph, **kwargs))
        except InvalidGraphError as exc:
            raise InvalidGraphError(f"graph {i}: {exc}") from None
    return out
