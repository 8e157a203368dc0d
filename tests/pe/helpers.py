"""Small graph fixtures and dense references shared by the PSE tests."""

from __future__ import annotations

import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Batch, Data


def to_data(graph: nx.Graph, weight: str | None = None) -> Data:
    """A networkx graph as PyG Data with both edge directions (nodes in ``graph.nodes`` order)."""
    index = {v: i for i, v in enumerate(graph.nodes)}
    rows, cols, weights = [], [], []
    for u, v, attrs in graph.edges(data=True):
        w = float(attrs.get(weight, 1.0)) if weight else 1.0
        rows += [index[u]] if u == v else [index[u], index[v]]
        cols += [index[v]] if u == v else [index[v], index[u]]
        weights += [w] if u == v else [w, w]
    data = Data(edge_index=torch.tensor([rows, cols], dtype=torch.long).view(2, -1), num_nodes=len(index))
    if weight:
        data.edge_weight = torch.tensor(weights, dtype=torch.float32)
    return data


def dense_adjacency(data: Data) -> np.ndarray:
    """Weighted adjacency with duplicate edges summed (float64)."""
    n = data.num_nodes
    adjacency = np.zeros((n, n))
    weight = data.edge_weight.numpy() if data.edge_weight is not None else np.ones(data.edge_index.size(1))
    np.add.at(adjacency, (data.edge_index[0].numpy(), data.edge_index[1].numpy()), weight)
    return adjacency


def normalized_laplacian(adjacency: np.ndarray) -> np.ndarray:
    degree = adjacency.sum(1)
    inv = np.where(degree > 0, 1 / np.sqrt(np.where(degree > 0, degree, 1)), 0)
    return np.diag((degree > 0).astype(float)) - inv[:, None] * adjacency * inv[None, :]


def permute(data: Data, perm: torch.Tensor) -> Data:
    """Relabel node ``perm[i]`` as ``i`` (so row ``i`` of the result is row ``perm[i]`` of the input)."""
    inverse = torch.empty_like(perm)
    inverse[perm] = torch.arange(perm.numel())
    out = Data(edge_index=inverse[data.edge_index], num_nodes=data.num_nodes)
    if data.edge_weight is not None:
        out.edge_weight = data.edge_weight.clone()
    return out


def zoo() -> list[nx.Graph]:
    """Small graphs covering the edge cases: cycles, trees, cliques, disconnected, isolated, single node."""
    weighted = nx.cycle_graph(6)
    for i, (u, v) in enumerate(weighted.edges):
        weighted[u][v]["weight"] = 0.5 + i
    return [
        nx.cycle_graph(5),
        nx.path_graph(7),
        nx.petersen_graph(),
        nx.complete_graph(4),
        nx.star_graph(5),
        nx.disjoint_union(nx.cycle_graph(4), nx.path_graph(3)),
        nx.disjoint_union(nx.complete_graph(3), nx.empty_graph(2)),
        nx.empty_graph(1),
        nx.empty_graph(3),
        nx.barbell_graph(4, 1),
        nx.ladder_graph(4),
        nx.frucht_graph(),
        weighted,
    ]


def zoo_data() -> list[Data]:
    return [to_data(g, weight="weight") for g in zoo()]


def zoo_batch() -> Batch:
    return Batch.from_data_list(zoo_data())


def eigenspace_projectors(vals: np.ndarray, vecs: np.ndarray, tol: float = 1e-6) -> list[tuple[float, np.ndarray]]:
    """``[(eigenvalue, projector)]`` grouping columns with equal eigenvalues."""
    groups: list[list[int]] = []
    for j in range(vals.size):
        if groups and abs(vals[j] - vals[groups[-1][0]]) < tol:
            groups[-1].append(j)
        else:
            groups.append([j])
    return [(float(vals[g[0]]), vecs[:, g] @ vecs[:, g].T) for g in groups]
