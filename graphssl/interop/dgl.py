"""DGL graphs to and from PyG ``Data``/``Batch``, node and edge features included.

DGL (Wang et al., "Deep Graph Library", 2019) stores a graph as directed
edges with ids ``0..E-1`` plus ``ndata``/``edata`` feature dicts. The mapping:

- ``edge_index[:, e]`` is DGL edge ``e``: edges keep their order and
  direction, so an undirected PyG graph (both directions stored) becomes a
  DGL graph with both directions, as DGL expects;
- node-level tensors <-> ``ndata``, edge-level tensors <-> ``edata`` (levels as
  in :mod:`graphssl.interop._attrs`), under the same names;
- a PyG ``Batch`` <-> a batched DGL graph (``batch_num_nodes``/``batch_num_edges`` set);
- graph-level attributes (e.g. ``y``) have no place on a DGL graph; carry them
  alongside, as DGL datasets do with ``(graph, label)`` pairs, and pass them
  back through ``graph_attrs``.

DGL is imported on first use (``pip install 'graphssl[dgl]'``). Only APIs
present in every DGL >= 1.1 are used. Heterogeneous graphs are rejected.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import torch
from torch_geometric.data import Batch, Data

from graphssl._optional import require
from graphssl.errors import InvalidGraphError
from graphssl.interop._attrs import STRUCTURE_KEYS, resolve_attrs


def _dgl():
    return require("dgl", extra="dgl")


def to_dgl(data, node_attrs: Sequence[str] | None = None, edge_attrs: Sequence[str] | None = None):
    """Convert a PyG ``Data`` (or ``Batch``) into a DGL graph.

    Args:
        data: the graph; a ``Batch`` of several graphs gives a batched DGL graph.
        node_attrs: node tensors to copy into ``ndata`` (default ``None``: every node-level tensor).
        edge_attrs: edge tensors to copy into ``edata`` (default ``None``: every edge-level tensor).

    Node-level python lists and graph-level attributes are not copied.

    Shapes:
        ``g.num_nodes() == N``, ``g.num_edges() == E``; ``g.edges()`` equals
        ``(edge_index[0], edge_index[1])``; ``g.ndata[k]`` is ``data[k]`` ``[N, ...]``.
    """
    dgl = _dgl()
    num_nodes = int(data.num_nodes)
    edge_index = data.edge_index
    node_keys, edge_keys, _ = resolve_attrs(data, node_attrs, edge_attrs, graph_attrs=())
    if node_attrs is None:
        node_keys = [key for key in node_keys if isinstance(data[key], torch.Tensor)]
    for key in [*node_keys, *edge_keys]:
        if not isinstance(data[key], torch.Tensor):
            raise InvalidGraphError(f"attribute {key!r} is not a tensor and cannot go into a DGL graph")
    graph = dgl.graph((edge_index[0].long(), edge_index[1].long()), num_nodes=num_nodes, device=edge_index.device)
    for key in node_keys:
        graph.ndata[key] = data[key]
    for key in edge_keys:
        graph.edata[key] = data[key]
    if isinstance(data, Batch):
        num_graphs = int(data.num_graphs)
        node_counts = torch.bincount(data.batch, minlength=num_graphs)
        edge_graph = data.batch[edge_index[0]]
        if edge_graph.numel() and bool((edge_graph[1:] < edge_graph[:-1]).any()):
            raise InvalidGraphError("batch edges are not grouped by graph; cannot build a batched DGL graph")
        graph.set_batch_num_nodes(node_counts.to(graph.idtype))
        graph.set_batch_num_edges(torch.bincount(edge_graph, minlength=num_graphs).to(graph.idtype))
    return graph


def _single_from_dgl(graph, node_attrs: Sequence[str] | None, edge_attrs: Sequence[str] | None,
                     graph_attrs: Mapping | None) -> Data:
    src, dst = graph.edges(order="eid")
    data = Data(edge_index=torch.stack([src.long(), dst.long()]), num_nodes=int(graph.num_nodes()))
    for store, keys, level in ((graph.ndata, node_attrs, "node"), (graph.edata, edge_attrs, "edge")):
        for key in (list(store.keys()) if keys is None else keys):
            if key not in store:
                raise InvalidGraphError(f"DGL graph has no {level} feature {key!r}")
            if key in STRUCTURE_KEYS:
                raise InvalidGraphError(f"DGL {level} feature name {key!r} is reserved for graph structure in PyG")
            data[key] = store[key]
    for key, value in (graph_attrs or {}).items():
        data[key] = value
    return data


def from_dgl(graph, node_attrs: Sequence[str] | None = None, edge_attrs: Sequence[str] | None = None,
             graph_attrs: Mapping | Sequence[Mapping] | None = None) -> Data | Batch:
    """Convert a homogeneous DGL graph into a PyG ``Data``, or a batched one into a ``Batch``.

    Args:
        graph: a ``DGLGraph`` with one node type and one edge type.
        node_attrs: ``ndata`` keys to copy (default ``None``: all).
        edge_attrs: ``edata`` keys to copy (default ``None``: all).
        graph_attrs: graph-level attributes to set, e.g. ``{"y": label}``
            (one mapping per graph for a batched graph; default ``None``).

    Shapes:
        ``edge_index`` ``[2, E]`` in DGL edge-id order; ``data[k]`` is
        ``graph.ndata[k]`` / ``graph.edata[k]``.
    """
    dgl = _dgl()
    if len(graph.ntypes) != 1 or len(graph.etypes) != 1:
        raise InvalidGraphError(f"only homogeneous DGL graphs convert to PyG; got node types {graph.ntypes} "
                                f"and edge types {graph.etypes}")
    num_graphs = int(graph.batch_size)
    if num_graphs == 1 and not isinstance(graph_attrs, (list, tuple)):
        return _single_from_dgl(graph, node_attrs, edge_attrs, graph_attrs)
    per_graph = list(graph_attrs) if isinstance(graph_attrs, (list, tuple)) else [graph_attrs] * num_graphs
    if len(per_graph) != num_graphs:
        raise InvalidGraphError(f"graph_attrs has {len(per_graph)} entries for a batch of {num_graphs} graphs")
    parts = dgl.unbatch(graph)
    return Batch.from_data_list([_single_from_dgl(g, node_attrs, edge_attrs, attrs) for g, attrs in zip(parts, per_graph)])
