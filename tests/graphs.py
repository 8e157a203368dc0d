"""Tiny hand-built graphs shared by the core tests."""

from __future__ import annotations

import torch
from torch_geometric.data import Batch, Data

from graphssl.data.spec import GraphSpec

CATEGORICAL_SPEC = GraphSpec(node_categorical=[6, 3], edge_categorical=[4, 2])
CONTINUOUS_SPEC = GraphSpec(node_continuous=5, edge_continuous=3)
STRUCTURE_SPEC = GraphSpec()


def undirected(edges: list[tuple[int, int]]) -> torch.Tensor:
    if not edges:
        return torch.empty(2, 0, dtype=torch.long)
    forward = torch.tensor(edges, dtype=torch.long).t()
    return torch.cat([forward, forward.flip(0)], dim=1)


def make_graph(num_nodes: int, edges: list[tuple[int, int]], spec: GraphSpec, seed: int = 0) -> Data:
    generator = torch.Generator().manual_seed(seed)
    edge_index = undirected(edges)
    data = Data(edge_index=edge_index, num_nodes=num_nodes)
    num_edges = edge_index.shape[1]
    if spec.node_categorical:
        data.x = torch.stack([torch.randint(c, (num_nodes,), generator=generator) for c in spec.node_categorical], dim=1)
    elif spec.node_continuous:
        data.x = torch.randn(num_nodes, spec.node_continuous, generator=generator)
    if spec.edge_categorical:
        half = torch.stack([torch.randint(c, (num_edges // 2,), generator=generator) for c in spec.edge_categorical], dim=1)
        data.edge_attr = torch.cat([half, half])
    elif spec.edge_continuous:
        half = torch.randn(num_edges // 2, spec.edge_continuous, generator=generator)
        data.edge_attr = torch.cat([half, half])
    data.clustering = torch.rand(num_nodes, 1, generator=generator)
    data.density = torch.rand(1, 1, generator=generator)
    return data


def zoo(spec: GraphSpec) -> list[Data]:
    """Awkward graphs: a ring, a star, an empty graph, a single node, isolated nodes, a self-loop, duplicates."""
    return [
        make_graph(6, [(i, (i + 1) % 6) for i in range(6)], spec, seed=1),
        make_graph(5, [(0, i) for i in range(1, 5)], spec, seed=2),
        make_graph(0, [], spec, seed=3),
        make_graph(1, [], spec, seed=4),
        make_graph(7, [(0, 1), (1, 2), (2, 0), (4, 5)], spec, seed=5),
        make_graph(3, [(0, 0), (0, 1), (0, 1), (1, 2)], spec, seed=6),
    ]


def zoo_batch(spec: GraphSpec) -> Batch:
    return Batch.from_data_list(zoo(spec))
