"""Tiny synthetic graphs and a tiny real encoder for the runner tests."""

from __future__ import annotations

import torch
from torch_geometric.data import Data

from graphssl.nn import EncoderConfig, GraphEncoder

NUM_TYPES = 4


def ring(types: torch.Tensor, **attrs) -> Data:
    """A cycle over ``len(types)`` nodes, both directions stored, categorical x and edge_attr."""
    n = types.numel()
    src = torch.arange(n)
    dst = (src + 1) % n
    edge_index = torch.stack([torch.cat([src, dst]), torch.cat([dst, src])])
    return Data(x=types.view(-1, 1), edge_index=edge_index, edge_attr=torch.zeros(2 * n, 1, dtype=torch.long), **attrs)


def separable_graphs(num_graphs: int = 60, seed: int = 0, kind: str = "multiclass") -> list[Data]:
    """Graphs whose class is ``i % 2`` and whose node types are {0, 1} for class 0, {2, 3} for class 1.

    ``kind`` picks the graph target ``y``: ``"multiclass"`` ``[1]`` int64;
    ``"binary"`` ``[1, 3]`` float (the class, its complement, and a task that
    is NaN except on graph 0 and so never has both classes); ``"regression"``
    ``[1, 1]`` (``2 * class + 0.5``). Node-level targets ``node_y`` hold each
    node's type.
    """
    generator = torch.Generator().manual_seed(seed)
    graphs = []
    for i in range(num_graphs):
        label = i % 2
        types = 2 * label + torch.randint(0, 2, (4 + i % 5,), generator=generator)
        if kind == "multiclass":
            y = torch.tensor([label])
        elif kind == "binary":
            y = torch.tensor([[float(label), float(1 - label), 1.0 if i == 0 else float("nan")]])
        else:
            y = torch.tensor([[2.0 * label + 0.5]])
        graphs.append(ring(types, y=y, node_y=types.clone()))
    return graphs


def tiny_encoder(seed: int = 0, **overrides) -> GraphEncoder:
    torch.manual_seed(seed)
    config = EncoderConfig(hidden_dim=16, num_layers=2, node_categorical=[NUM_TYPES], edge_categorical=[1])
    for key, value in overrides.items():
        setattr(config, key, value)
    return GraphEncoder(config)
