"""A built-in dataset of random graphs from ten generator families.

It needs no download and is the default data of the demo and of tests: graph
``y`` is the generator family (a 10-way classification a good structural
encoder separates), node features are degree buckets, edge features mark
edges that close a triangle, and per-node ``clustering`` / per-graph
``density`` are stored as structural regression targets.

Families: Erdős–Rényi, Barabási–Albert, Watts–Strogatz, random tree, cycle,
2-D grid, ladder, wheel, star and complete bipartite graphs.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Data

from graphssl.config import check_positive, check_range
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError

MAX_DEGREE = 10
#: Smallest graph every family can generate (a wheel needs 4 nodes).
MIN_NODES = 4
FAMILIES = ("erdos_renyi", "barabasi_albert", "watts_strogatz", "tree", "cycle", "grid", "ladder", "wheel", "star", "bipartite")


def _generate(family: str, n: int, rng: np.random.Generator) -> nx.Graph:
    seed = int(rng.integers(2**31))
    if family == "erdos_renyi":
        return nx.gnp_random_graph(n, float(rng.uniform(0.1, 0.3)), seed=seed)
    if family == "barabasi_albert":
        return nx.barabasi_albert_graph(n, int(rng.integers(1, 4)), seed=seed)
    if family == "watts_strogatz":
        return nx.watts_strogatz_graph(n, 4, float(rng.uniform(0.05, 0.3)), seed=seed)
    if family == "tree":
        return nx.random_labeled_tree(n, seed=seed)
    if family == "cycle":
        return nx.cycle_graph(n)
    if family == "grid":
        rows = max(2, int(np.sqrt(n)))
        return nx.convert_node_labels_to_integers(nx.grid_2d_graph(rows, max(2, n // rows)))
    if family == "ladder":
        return nx.ladder_graph(max(2, n // 2))
    if family == "wheel":
        return nx.wheel_graph(n)
    if family == "star":
        return nx.star_graph(n - 1)
    left = int(rng.integers(2, max(3, n // 2)))
    return nx.complete_bipartite_graph(left, n - left)


def _to_data(graph: nx.Graph, label: int) -> Data:
    n = graph.number_of_nodes()
    edges = np.array(list(graph.edges()), dtype=np.int64).reshape(-1, 2)
    edge_index = torch.from_numpy(np.concatenate([edges, edges[:, ::-1]]).T.copy())
    degree = torch.tensor([graph.degree(v) for v in range(n)], dtype=torch.long)
    neighbours = [set(graph.neighbors(v)) for v in range(n)]
    in_triangle = torch.tensor([int(bool(neighbours[u] & neighbours[v])) for u, v in edge_index.t().tolist()], dtype=torch.long)
    clustering = nx.clustering(graph)
    return Data(
        x=degree.clamp(max=MAX_DEGREE).view(-1, 1),
        edge_index=edge_index,
        edge_attr=in_triangle.view(-1, 1),
        y=torch.tensor([label]),
        clustering=torch.tensor([[clustering[v]] for v in range(n)], dtype=torch.float32),
        density=torch.tensor([[nx.density(graph)]], dtype=torch.float32),
        num_nodes=n,
    )


class SyntheticGraphs(torch.utils.data.Dataset):
    """Random graphs, deterministic given ``seed``.

    Args:
        num_graphs: number of graphs, at least 1 (default ``1000``), families in turn.
        min_nodes: smallest graph size, at least 4 (default ``8``).
        max_nodes: largest graph size, at least ``min_nodes`` (default ``40``).
        seed: random seed, non-negative (default ``0``).

    A value out of range raises :class:`~graphssl.errors.ConfigError` naming
    the parameter.

    Graphs carry ``x`` ``[N, 1]`` (degree, capped at 10), ``edge_attr``
    ``[E, 1]`` (1 if the edge lies on a triangle), ``y`` ``[1]`` (family),
    ``clustering`` ``[N, 1]`` and ``density`` ``[1, 1]``.
    """

    spec = GraphSpec(node_categorical=[MAX_DEGREE + 1], edge_categorical=[2])
    num_classes = len(FAMILIES)

    def __init__(self, num_graphs: int = 1000, min_nodes: int = 8, max_nodes: int = 40, seed: int = 0) -> None:
        check_positive("num_graphs", num_graphs)
        check_range("min_nodes", min_nodes, low=MIN_NODES)
        if max_nodes < min_nodes:
            raise ConfigError(f"max_nodes: must be at least min_nodes ({min_nodes}), got {max_nodes}")
        check_range("seed", seed, low=0)
        self.num_graphs, self.min_nodes, self.max_nodes, self.seed = num_graphs, min_nodes, max_nodes, seed
        rng = np.random.default_rng(seed)
        self.graphs = []
        for index in range(num_graphs):
            label = index % len(FAMILIES)
            n = int(rng.integers(min_nodes, max_nodes + 1))
            self.graphs.append(_to_data(_generate(FAMILIES[label], n, rng), label))

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int) -> Data:
        return self.graphs[index]

    def __repr__(self) -> str:
        return f"SyntheticGraphs(num_graphs={self.num_graphs}, min_nodes={self.min_nodes}, max_nodes={self.max_nodes}, seed={self.seed})"
