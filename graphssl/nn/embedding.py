"""Input embeddings for categorical and continuous node/edge features.

Categorical features follow the OGB convention (Hu et al., "Open Graph
Benchmark", NeurIPS 2020): one embedding table per column, summed. When the
product of a few column sizes is small (bond features: 5 x 6 x 2), the
columns are folded into one combined code and one table lookup per edge,
which is the same function with a single gather instead of one per column.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import Tensor, nn

# Above this many joint categories the per-column tables are summed directly.
COMBINED_TABLE_MAX_ROWS = 4096


class CategoricalEmbedding(nn.Module):
    r"""Sum of one embedding per int64 column: :math:`h = \sum_c E_c[x_c]`.

    Args:
        cardinalities: number of categories of each column.
        dim: embedding width.

    Shapes:
        input ``[N, C]`` int64 (or ``[N]`` for one column); output ``[N, dim]``.
    """

    def __init__(self, cardinalities: Sequence[int], dim: int) -> None:
        super().__init__()
        self.cardinalities = [int(c) for c in cardinalities]
        self.dim = dim
        self.tables = nn.ModuleList(nn.Embedding(c, dim) for c in self.cardinalities)
        self.combined = math.prod(self.cardinalities) <= COMBINED_TABLE_MAX_ROWS
        strides = [math.prod(self.cardinalities[i + 1 :]) for i in range(len(self.cardinalities))]
        self.register_buffer("strides", torch.tensor(strides, dtype=torch.long), persistent=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for table in self.tables:
            nn.init.xavier_uniform_(table.weight)

    def combined_table(self) -> Tensor:
        """All joint categories' embeddings, ``[prod(cardinalities), dim]``."""
        table = self.tables[0].weight
        for nxt in self.tables[1:]:
            table = (table[:, None, :] + nxt.weight[None, :, :]).reshape(-1, self.dim)
        return table

    def forward(self, x: Tensor) -> Tensor:
        x = x.view(-1, 1) if x.dim() == 1 else x
        if self.combined:
            code = (x * self.strides).sum(dim=1)
            return self.combined_table().index_select(0, code)
        out = self.tables[0](x[:, 0])
        for column, table in enumerate(self.tables[1:], start=1):
            out = out + table(x[:, column])
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}(cardinalities={self.cardinalities}, dim={self.dim})"


class ContinuousEmbedding(nn.Module):
    r"""Linear projection of float features: :math:`h = W x + b`.

    Args:
        in_dim: input width.
        dim: embedding width.

    Shapes:
        input ``[N, in_dim]`` float; output ``[N, dim]``.
    """

    def __init__(self, in_dim: int, dim: int) -> None:
        super().__init__()
        self.in_dim, self.dim = in_dim, dim
        self.linear = nn.Linear(in_dim, dim)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.linear.reset_parameters()

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x.view(x.shape[0], -1).to(self.linear.weight.dtype))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(in_dim={self.in_dim}, dim={self.dim})"


def feature_embedding(categorical: Sequence[int], continuous: int, dim: int) -> nn.Module | None:
    """The embedding for a feature layout, or ``None`` if there are no features."""
    if categorical:
        return CategoricalEmbedding(categorical, dim)
    if continuous:
        return ContinuousEmbedding(continuous, dim)
    return None


def edge_encoder_for(channels: int, edge_dim: int | None, edge_categorical: Sequence[int],
                     edge_continuous: int) -> tuple[bool, nn.Module | None]:
    """Whether a layer uses edges, and the module that brings them to ``channels`` (``None``: as given)."""
    if edge_dim is not None and (edge_categorical or edge_continuous):
        raise ValueError("give edge_dim (an embedded edge tensor) or edge_categorical/edge_continuous "
                         "(a raw edge_attr), not both")
    if edge_categorical or edge_continuous:
        return True, feature_embedding(edge_categorical, edge_continuous, channels)
    if edge_dim is None:
        return False, None
    return True, (nn.Linear(edge_dim, channels) if edge_dim != channels else None)
