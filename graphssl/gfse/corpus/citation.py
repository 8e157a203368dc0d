"""``gfse_citation``: seeded k-hop ego-networks or random-walk subgraphs of Cora / CiteSeer, structure only.

The citation part of GFSE's corpus (Chen et al., WWW 2026,
https://arxiv.org/abs/2504.10917). Centres are drawn with ``seed``; an
ego-network is the ``hops``-hop neighbourhood of its centre, cut to the
``max_nodes`` nodes closest to it (breadth-first order); a random-walk
subgraph is the subgraph induced by the nodes one walk of ``walk_length``
steps visits.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import torch
from torch_geometric.data import Data
from torch_geometric.utils import k_hop_subgraph, subgraph, to_undirected

from graphssl.config import check_positive, check_range
from graphssl.data.cache import cache_dir
from graphssl.data.registry import register_dataset
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError, InputFileError

MODES = ("ego", "random_walk")


def load_planetoid(root: str | Path, name: str):
    """``Planetoid(name)`` from a read-only copy of its raw files (copied once into the graphssl cache)."""
    from torch_geometric.datasets import Planetoid

    source = Path(root) / name / "raw"
    if not source.is_dir():
        raise InputFileError(f"{source}: no Planetoid raw files for {name!r} (expected ROOT/{name}/raw)")
    target = cache_dir("planetoid") / name
    if not (target / "raw").is_dir():
        shutil.copytree(source, target / "raw")
    return Planetoid(str(target.parent), name)


@register_dataset("gfse_citation")
class CitationSubgraphs(torch.utils.data.Dataset):
    """Structure-only subgraphs of one citation graph.

    Args:
        root: folder holding ``NAME/raw`` (e.g. ``../shared/data/planetoid``).
        name: ``"Cora"`` (default) or ``"CiteSeer"``.
        num_graphs: subgraphs (default ``500``).
        mode: ``"ego"`` (default) or ``"random_walk"``.
        hops: ego-network radius (default ``2``).
        max_nodes: ego-networks keep the closest this many nodes (default ``80``).
        walk_length: steps of a random walk (default ``40``).
        seed: random seed (default ``0``).

    Graphs carry ``edge_index`` and ``num_nodes`` only.
    """

    spec = GraphSpec()

    def __init__(self, root: str, name: str = "Cora", num_graphs: int = 500, mode: str = "ego", hops: int = 2,
                 max_nodes: int = 80, walk_length: int = 40, seed: int = 0) -> None:
        if mode not in MODES:
            raise ConfigError(f"mode: must be one of {', '.join(MODES)}, got {mode!r}")
        for key, value in (("num_graphs", num_graphs), ("hops", hops), ("max_nodes", max_nodes),
                           ("walk_length", walk_length)):
            check_positive(key, value)
        check_range("seed", seed, low=0)
        self.root, self.name, self.num_graphs, self.mode = str(root), name, num_graphs, mode
        self.hops, self.max_nodes, self.walk_length, self.seed = hops, max_nodes, walk_length, seed
        graph = load_planetoid(root, name)[0]
        edge_index, n = to_undirected(graph.edge_index, num_nodes=graph.num_nodes), graph.num_nodes
        generator = torch.Generator().manual_seed(seed)
        centres = torch.randint(n, (num_graphs,), generator=generator)
        self.graphs = [self._sample(edge_index, n, int(c), generator) for c in centres]

    def _sample(self, edge_index, n: int, centre: int, generator: torch.Generator) -> Data:
        if self.mode == "ego":
            nodes = torch.tensor([centre])
            for hop in range(1, self.hops + 1):
                reached, _, _, _ = k_hop_subgraph(centre, hop, edge_index, num_nodes=n)
                fresh = reached[~torch.isin(reached, nodes)]
                nodes = torch.cat([nodes, fresh])
            nodes = nodes[: self.max_nodes]
        else:
            order = torch.argsort(edge_index[0], stable=True)
            col = edge_index[1, order]
            rowptr = torch.cat([col.new_zeros(1), torch.bincount(edge_index[0], minlength=n).cumsum(0)])
            walk, current = [centre], centre
            for _ in range(self.walk_length):
                start, end = int(rowptr[current]), int(rowptr[current + 1])
                if end == start:
                    break
                current = int(col[start + int(torch.randint(end - start, (1,), generator=generator))])
                walk.append(current)
            nodes = torch.tensor(list(dict.fromkeys(walk)))
        sub, _ = subgraph(nodes, edge_index, relabel_nodes=True, num_nodes=n)
        return Data(edge_index=sub, num_nodes=int(nodes.numel()))

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int) -> Data:
        return self.graphs[index]

    def __repr__(self) -> str:
        return (f"CitationSubgraphs(root={self.root!r}, name={self.name!r}, num_graphs={self.num_graphs}, "
                f"mode={self.mode!r}, hops={self.hops}, max_nodes={self.max_nodes}, "
                f"walk_length={self.walk_length}, seed={self.seed})")
