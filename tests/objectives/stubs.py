"""A tiny encoder with known outputs, and tiny fixed graphs, for hand-computed objective losses."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Batch, Data
from torch_geometric.nn import global_add_pool

from graphssl.data.spec import GraphSpec
from graphssl.nn import EncoderOutput
from graphssl.objectives import StepContext

SPEC = GraphSpec(node_categorical=[4], edge_categorical=[2])


class TableEncoder(nn.Module):
    """Node embedding = a learned row per category of ``x[:, 0]``; masked nodes get ``mask_token``;
    graph embedding = sum of its nodes. Edges are ignored, so outputs are known by hand.

    Every call is recorded in ``calls`` as ``(batch, node_mask)``.
    """

    def __init__(self, table: torch.Tensor, mask_token: torch.Tensor) -> None:
        super().__init__()
        self.table = nn.Parameter(table.clone())
        self.mask_token = nn.Parameter(mask_token.clone())
        self.out_dim = table.shape[1]
        self.calls: list = []

    def forward(self, batch, node_mask=None):
        self.calls.append((batch, node_mask))
        h = self.table[batch.x[:, 0]]
        if node_mask is not None:
            h = torch.where(node_mask.unsqueeze(1), self.mask_token, h)
        return EncoderOutput(node=h, graph=global_add_pool(h, batch.batch, size=batch.num_graphs))


class Counting(nn.Module):
    """Wraps an encoder and counts its forward passes (a deep copy counts its own)."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.inner = encoder
        self.out_dim = encoder.out_dim
        self.passes = 0

    def forward(self, batch, node_mask=None):
        self.passes += 1
        return self.inner(batch, node_mask=node_mask)


def table_encoder(dim: int = 3) -> TableEncoder:
    table = torch.tensor([[1.0, 0.0, 0.5], [0.0, 1.0, -0.5], [1.0, 1.0, 0.0], [-1.0, 0.5, 2.0]])[:, :dim]
    return TableEncoder(table, torch.tensor([0.3, -0.2, 0.1])[:dim])


def tiny_batch() -> Batch:
    """Three small graphs: a triangle, a 4-path and an edge; ``x`` categories chosen by hand."""
    graphs = [
        Data(x=torch.tensor([[0], [1], [2]]), edge_index=torch.tensor([[0, 1, 1, 2, 2, 0], [1, 0, 2, 1, 0, 2]]),
             edge_attr=torch.tensor([[0], [0], [1], [1], [0], [0]])),
        Data(x=torch.tensor([[3], [0], [1], [3]]), edge_index=torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]]),
             edge_attr=torch.tensor([[1], [1], [0], [0], [1], [1]])),
        Data(x=torch.tensor([[2], [3]]), edge_index=torch.tensor([[0, 1], [1, 0]]), edge_attr=torch.tensor([[0], [0]])),
    ]
    return Batch.from_data_list(graphs)


def step(batch, encoder, seed: int = 0, target=None) -> StepContext:
    return StepContext(batch, encoder, torch.Generator().manual_seed(seed), target=target)


def all_pairs(batch):
    """Every ordered pair ``(i, j)`` of nodes in the same graph of ``batch``, self pairs included, ``[2, P]``."""
    rows, cols = [], []
    for g in range(batch.num_graphs):
        nodes = (batch.batch == g).nonzero().view(-1)
        rows.append(nodes.repeat_interleave(len(nodes)))
        cols.append(nodes.repeat(len(nodes)))
    return torch.stack([torch.cat(rows), torch.cat(cols)])
