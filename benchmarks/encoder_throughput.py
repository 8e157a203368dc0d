"""Training throughput of the core encoder against PyG's own GIN, in one process.

graphssl: GraphEncoder with GINE layers (edge features), 5 x 300.
PyG: torch_geometric.nn.models.GIN, 5 x 300, no edge features.
Both get the same input: OGB atom features (graphssl.chem) through the same
kind of categorical embedding, then the same batches of MOSES molecules
(about 21 atoms); both train a linear head on mean-pooled graph embeddings with AdamW.
Runs alternate between the two models and the median of the rounds is
reported, so machine noise hits both alike.

    python benchmarks/encoder_throughput.py --threads 2 --batch-size 256
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import statistics
import time
from pathlib import Path

import torch
from torch import nn
from torch_geometric.data import Batch, Data
from torch_geometric.nn import global_mean_pool
from torch_geometric.nn.models import GIN

from graphssl.chem import feature_dims, mols_to_graphs
from graphssl.nn import CategoricalEmbedding, EncoderConfig, GraphEncoder

ATOM_CARDINALITIES, BOND_CARDINALITIES = feature_dims("ogb")

DEFAULT_SMILES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "moses" / "train.csv.gz"


def molecule_graphs(path: Path, count: int) -> list[Data]:
    """The first ``count`` MOSES molecules with OGB features (graphssl.chem, identical to ogb's)."""
    with gzip.open(path, "rt") as handle:
        smiles = [line.strip() for line in itertools.islice(handle, 1, count + 1)]
    graphs, rejects = mols_to_graphs(smiles)
    assert not rejects, rejects
    return graphs


class GraphsslModel(nn.Module):
    def __init__(self, hidden: int, layers: int, norm: str) -> None:
        super().__init__()
        config = EncoderConfig(conv="gine", hidden_dim=hidden, num_layers=layers, norm=norm,
                               node_categorical=ATOM_CARDINALITIES, edge_categorical=BOND_CARDINALITIES)
        self.encoder = GraphEncoder(config)
        self.head = nn.Linear(hidden, 1)

    def forward(self, batch: Batch):
        return self.head(self.encoder(batch).graph)


class PygModel(nn.Module):
    def __init__(self, hidden: int, layers: int, norm: str) -> None:
        super().__init__()
        self.embedding = CategoricalEmbedding(ATOM_CARDINALITIES, hidden)
        self.gin = GIN(hidden, hidden, layers, norm=None if norm == "none" else "batch_norm")
        self.head = nn.Linear(hidden, 1)

    def forward(self, batch: Batch):
        node = self.gin(self.embedding(batch.x), batch.edge_index)
        return self.head(global_mean_pool(node, batch.batch, batch.num_graphs))


def train_pass(model: nn.Module, optimizer, batches: list[Batch], targets: list[torch.Tensor]) -> float:
    start = time.perf_counter()
    for batch, target in zip(batches, targets):
        optimizer.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(model(batch), target)
        loss.backward()
        optimizer.step()
    return sum(b.num_graphs for b in batches) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smiles", type=Path, default=DEFAULT_SMILES)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=300)
    parser.add_argument("--layers", type=int, default=5)
    parser.add_argument("--norm", choices=["batch", "none"], default="batch",
                        help="batch: BatchNorm in both models; none: no normalization in either (PyG GIN's default)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    graphs = molecule_graphs(args.smiles, args.batch_size * args.batches)
    batches = [Batch.from_data_list(graphs[i : i + args.batch_size]) for i in range(0, len(graphs), args.batch_size)]
    targets = [torch.randn(b.num_graphs, 1) for b in batches]
    mean_atoms = sum(g.num_nodes for g in graphs) / len(graphs)
    models = {"graphssl GINE (edge features)": GraphsslModel(args.hidden, args.layers, args.norm),
              "PyG GIN (no edge features)": PygModel(args.hidden, args.layers, args.norm)}
    optimizers = {name: torch.optim.AdamW(m.parameters(), lr=1e-3) for name, m in models.items()}
    for name, model in models.items():
        train_pass(model, optimizers[name], batches[:2], targets[:2])
    rates: dict[str, list[float]] = {name: [] for name in models}
    ratios = []
    for _ in range(args.rounds):
        round_rates = {name: train_pass(model, optimizers[name], batches, targets) for name, model in models.items()}
        for name, rate in round_rates.items():
            rates[name].append(rate)
        ours, theirs = round_rates.values()
        ratios.append(ours / theirs)

    print(f"torch {torch.__version__}, {args.threads} thread(s), batch {args.batch_size}, {len(graphs)} MOSES molecules "
          f"(mean {mean_atoms:.1f} atoms), {args.layers} x {args.hidden}, norm={args.norm}, {args.rounds} rounds")
    for name, values in rates.items():
        print(f"  {name:32s} median {statistics.median(values):8.0f} graphs/s  (min {min(values):.0f}, max {max(values):.0f})")
    print(f"  ratio graphssl / PyG: median {statistics.median(ratios):.3f} (per round: {', '.join(f'{r:.3f}' for r in ratios)})")


if __name__ == "__main__":
    main()
