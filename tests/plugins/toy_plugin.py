"""A plugin module for tests: one encoder, one objective and one dataset registered from outside graphssl.

A config lists it under ``imports: [tests.plugins.toy_plugin]``; nothing in
graphssl names it. The encoder is deliberately not a message-passing network
(per-node embedding + linear layer + mean readout), so a test that trains it
shows the trainer, export and loading build models by registered name only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.data import Data
from torch_geometric.nn import global_mean_pool
from torch_geometric.utils import degree

from graphssl.data.registry import register_dataset
from graphssl.data.rejects import Reject
from graphssl.data.spec import GraphSpec
from graphssl.nn import EncoderOutput
from graphssl.nn.registry import register_encoder
from graphssl.objectives import Objective, register_objective


@dataclass
class ToyEncoderConfig:
    """Config of :class:`ToyEncoder`.

    Args:
        hidden_dim: embedding width (default ``8``).
        node_categorical: categories per column of ``x`` (filled from the dataset's spec).
    """

    hidden_dim: int = 8
    node_categorical: list[int] = field(default_factory=list)

    def with_spec(self, spec: GraphSpec) -> "ToyEncoderConfig":
        return replace(self, node_categorical=list(spec.node_categorical))


@register_encoder("toy_embed", ToyEncoderConfig)
class ToyEncoder(nn.Module):
    """Sum of per-column node embeddings, one linear layer with ReLU, mean readout; masked nodes are zeroed."""

    def __init__(self, config: ToyEncoderConfig) -> None:
        super().__init__()
        self.config = config
        self.out_dim = config.hidden_dim
        self.embeddings = nn.ModuleList(nn.Embedding(count, config.hidden_dim) for count in config.node_categorical)
        self.linear = nn.Linear(config.hidden_dim, config.hidden_dim)

    def forward(self, batch, node_mask: torch.Tensor | None = None) -> EncoderOutput:
        h = sum(embedding(batch.x[:, column]) for column, embedding in enumerate(self.embeddings))
        if node_mask is not None:
            h = h.masked_fill(node_mask[:, None], 0.0)
        node = self.linear(h).relu()
        graph = global_mean_pool(node, batch.batch, size=batch.num_graphs)
        return EncoderOutput(node=node, graph=graph)


@register_objective("toy_degree")
class ToyDegree(Objective):
    """Regress each node's degree from its clean embedding; records every ``after_step`` call in ``calls``."""

    def __init__(self, encoder: nn.Module, spec: GraphSpec) -> None:
        super().__init__(encoder, spec)
        self.head = nn.Linear(self.encoder_dim, 1)
        self.calls: list[tuple[int, int]] = []
        self.generators: list[torch.Generator] = []

    def forward(self, step) -> dict[str, torch.Tensor]:
        self.generators.append(step.generator)
        target = degree(step.batch.edge_index[0], step.batch.num_nodes)
        loss = F.mse_loss(self.head(step.clean().node).squeeze(-1), target)
        return {"loss": loss}

    def after_step(self, encoder: nn.Module, step: int, total_steps: int) -> None:
        self.calls.append((step, total_steps))


class RejectingGraphs(torch.utils.data.Dataset):
    """``num_items`` path graphs of which every ``reject_every``-th item is unusable, listed in ``rejects``."""

    def __init__(self, num_items: int = 10, reject_every: int = 3) -> None:
        kept = [i for i in range(num_items) if (i + 1) % reject_every]
        self.graphs = [_path_graph(3 + i % 4) for i in kept]
        self.rejects = [Reject("toy.csv", f"row {i}", "unreadable on purpose")
                        for i in range(num_items) if (i + 1) % reject_every == 0]

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int) -> Data:
        return self.graphs[index]


def _path_graph(num_nodes: int) -> Data:
    source = torch.arange(num_nodes - 1)
    edge_index = torch.cat([torch.stack([source, source + 1]), torch.stack([source + 1, source])], dim=1)
    return Data(x=torch.zeros(num_nodes, 1, dtype=torch.long), edge_index=edge_index, num_nodes=num_nodes)


register_dataset("toy_rejecting", RejectingGraphs)
