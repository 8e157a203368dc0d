"""``gfse_moses``: a seeded subset of MOSES molecules as bare graphs (atoms and bonds, no features).

The molecular part of GFSE's corpus (Chen et al., WWW 2026,
https://arxiv.org/abs/2504.10917). SMILES are drawn with ``seed`` from the
first ``pool`` rows of the CSV and parsed with :mod:`graphssl.chem` (RDKit,
imported lazily); rows RDKit cannot read are kept in ``rejects``.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import torch
from torch_geometric.data import Data

from graphssl.config import check_positive, check_range
from graphssl.data.registry import register_dataset
from graphssl.data.rejects import Reject
from graphssl.data.spec import GraphSpec
from graphssl.errors import InputFileError


@register_dataset("gfse_moses")
class MosesStructures(torch.utils.data.Dataset):
    """Molecular graphs of ``num_graphs`` MOSES SMILES, structure only.

    Args:
        path: the MOSES CSV (``.csv`` or ``.csv.gz``, column ``SMILES``).
        num_graphs: molecules drawn (default ``2000``).
        pool: the draw is from the first this many rows (default ``200000``).
        seed: random seed (default ``0``).

    Graphs carry ``edge_index`` and ``num_nodes`` only.
    """

    spec = GraphSpec()

    def __init__(self, path: str, num_graphs: int = 2000, pool: int = 200_000, seed: int = 0) -> None:
        from graphssl.chem.featurize import mols_to_graphs

        check_positive("num_graphs", num_graphs)
        check_positive("pool", pool)
        check_range("seed", seed, low=0)
        self.path, self.num_graphs, self.pool, self.seed = Path(path), num_graphs, pool, seed
        if not self.path.is_file():
            raise InputFileError(f"{self.path}: file not found")
        opener = gzip.open if self.path.suffix == ".gz" else open
        with opener(self.path, "rt") as handle:
            header = handle.readline().strip().split(",")
            column = [c.lower() for c in header].index("smiles") if "smiles" in [c.lower() for c in header] else 0
            rows = [line.rstrip("\n").split(",")[column] for _, line in zip(range(pool), handle)]
        chosen = np.sort(np.random.default_rng(seed).permutation(len(rows))[: min(num_graphs, len(rows))])
        graphs, _ = mols_to_graphs([rows[i] for i in chosen], on_error="none")   # None marks a failed row
        self.graphs, self.rejects = [], []
        for row, graph in zip(chosen, graphs):
            if graph is None:
                self.rejects.append(Reject(str(self.path), f"row {int(row) + 1}", "RDKit could not parse the SMILES"))
            else:
                self.graphs.append(Data(edge_index=graph.edge_index, num_nodes=graph.num_nodes))

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int) -> Data:
        return self.graphs[index]

    def __repr__(self) -> str:
        return f"MosesStructures(path={str(self.path)!r}, num_graphs={self.num_graphs}, pool={self.pool}, seed={self.seed})"
