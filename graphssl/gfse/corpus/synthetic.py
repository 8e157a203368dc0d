"""``gfse_synthetic``: seeded networkx graph families, structure only, for GFSE pretraining.

The synthetic part of GFSE's cross-domain corpus (Chen et al., WWW 2026,
https://arxiv.org/abs/2504.10917): Erdős–Rényi, Barabási–Albert,
Watts–Strogatz, stochastic block models with planted communities, random
regular graphs, 2-D grids, random trees, ladders and circular ladders, in turn.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Data

from graphssl.config import check_positive, check_range
from graphssl.data.registry import register_dataset
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError

FAMILIES = ("erdos_renyi", "barabasi_albert", "watts_strogatz", "sbm", "random_regular", "grid", "tree", "ladder",
            "circular_ladder")


def _family(name: str, n: int, rng: np.random.Generator) -> nx.Graph:
    seed = int(rng.integers(2**31 - 1))
    if name == "erdos_renyi":
        return nx.gnp_random_graph(n, float(rng.uniform(1.5, 4.0)) / n, seed=seed)
    if name == "barabasi_albert":
        return nx.barabasi_albert_graph(n, int(rng.integers(1, 4)), seed=seed)
    if name == "watts_strogatz":
        return nx.watts_strogatz_graph(n, 4, float(rng.uniform(0.05, 0.3)), seed=seed)
    if name == "sbm":
        blocks = int(rng.integers(2, 5))
        sizes = [n // blocks + (i < n % blocks) for i in range(blocks)]
        p_in, p_out = float(rng.uniform(0.15, 0.3)), float(rng.uniform(0.005, 0.02))
        probs = [[p_in if a == b else p_out for b in range(blocks)] for a in range(blocks)]
        return nx.stochastic_block_model(sizes, probs, seed=seed)
    if name == "random_regular":
        degree = int(rng.integers(3, 5))
        return nx.random_regular_graph(degree, n + (n * degree) % 2, seed=seed)
    if name == "grid":
        rows = max(2, int(np.sqrt(n)))
        return nx.convert_node_labels_to_integers(nx.grid_2d_graph(rows, max(2, n // rows)))
    if name == "tree":
        return nx.random_labeled_tree(n, seed=seed) if hasattr(nx, "random_labeled_tree") else nx.random_tree(n, seed=seed)
    if name == "ladder":
        return nx.ladder_graph(max(2, n // 2))
    return nx.circular_ladder_graph(max(3, n // 2))


def structure_of(graph: nx.Graph) -> Data:
    """A networkx graph as structure only: ``edge_index`` (both directions, no self-loops) and ``num_nodes``."""
    graph = nx.convert_node_labels_to_integers(graph)
    edges = [(u, v) for u, v in graph.edges() if u != v]
    index = torch.tensor(edges, dtype=torch.long).t().reshape(2, -1)
    return Data(edge_index=torch.cat([index, index.flip(0)], dim=1), num_nodes=graph.number_of_nodes())


@register_dataset("gfse_synthetic")
class SyntheticFamilies(torch.utils.data.Dataset):
    """Graphs of the families in :data:`FAMILIES`, in turn, deterministic given ``seed``.

    Args:
        num_graphs: number of graphs (default ``900``).
        min_nodes: smallest requested size, at least 4 (default ``10``).
        max_nodes: largest requested size (default ``60``); grids, ladders and
            regular graphs round it to their shape.
        seed: random seed, non-negative (default ``0``).
        families: the families to draw, in turn (default: all of :data:`FAMILIES`).

    Graphs carry ``edge_index`` and ``num_nodes`` only (and ``family`` ``[1]``, its index).
    """

    spec = GraphSpec()

    def __init__(self, num_graphs: int = 900, min_nodes: int = 10, max_nodes: int = 60, seed: int = 0,
                 families: tuple[str, ...] | list[str] = FAMILIES) -> None:
        check_positive("num_graphs", num_graphs)
        check_range("min_nodes", min_nodes, low=4)
        if max_nodes < min_nodes:
            raise ConfigError(f"max_nodes: must be at least min_nodes ({min_nodes}), got {max_nodes}")
        check_range("seed", seed, low=0)
        unknown = [name for name in families if name not in FAMILIES]
        if unknown or not families:
            raise ConfigError(f"families: unknown family {unknown[0] if unknown else None!r}; choose from {', '.join(FAMILIES)}")
        self.num_graphs, self.min_nodes, self.max_nodes, self.seed = num_graphs, min_nodes, max_nodes, seed
        self.families = tuple(families)
        rng = np.random.default_rng(seed)
        self.graphs = []
        for index in range(num_graphs):
            family = self.families[index % len(self.families)]
            data = structure_of(_family(family, int(rng.integers(min_nodes, max_nodes + 1)), rng))
            data.family = torch.tensor([FAMILIES.index(family)])
            self.graphs.append(data)

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int) -> Data:
        return self.graphs[index]

    def __repr__(self) -> str:
        return (f"SyntheticFamilies(num_graphs={self.num_graphs}, min_nodes={self.min_nodes}, "
                f"max_nodes={self.max_nodes}, seed={self.seed}, families={list(self.families)})")
