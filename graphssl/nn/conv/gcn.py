r"""GCN with optional edge features, as in the OGB molecule baselines.

Kipf & Welling, "Semi-Supervised Classification with Graph Convolutional
Networks", ICLR 2017 (https://arxiv.org/abs/1609.02907); edge features as in
Hu et al., "Open Graph Benchmark", NeurIPS 2020.

.. math::
    \mathbf{h} = \mathbf{W}\mathbf{x}, \qquad
    \mathbf{x}'_i = \sum_{j \in \mathcal{N}(i)} \frac{\mathrm{ReLU}(\mathbf{h}_j + E(\mathbf{e}_{ji}))}
        {\sqrt{d_i d_j}} + \frac{\mathrm{ReLU}(\mathbf{h}_i + \mathbf{r})}{d_i},
    \qquad d_i = 1 + |\mathcal{N}(i)|

Without edge features the ReLUs and :math:`\mathbf{r}` are dropped, which is
symmetric-normalized GCN with self-loops. As in :mod:`graphssl.nn.conv.gine`,
:math:`E(\mathbf{e}_{ji})` is the encoder's shared edge input (``edge_dim``)
or the layer's own embedding of a raw ``edge_attr``.
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn
from torch_geometric.nn import MessagePassing

from graphssl.nn.embedding import edge_encoder_for
from graphssl.nn.registry import register_conv


@register_conv("gcn")
class GCNConv(MessagePassing):
    r"""Symmetric-normalized graph convolution with self-loops and optional edge features.

    Args:
        in_channels: input width.
        out_channels: output width.
        edge_dim: width of an already-embedded ``edge_attr``, mapped linearly to
            ``out_channels`` unless equal (default ``None``).
        edge_categorical: category counts of int64 ``edge_attr`` columns the layer embeds (default ``()``).
        edge_continuous: width of a float ``edge_attr`` the layer embeds (default ``0``).

    Shapes:
        x ``[N, in_channels]``, edge_index ``[2, E]`` -> ``[N, out_channels]``.
    """

    def __init__(self, in_channels: int, out_channels: int, *, edge_dim: int | None = None,
                 edge_categorical: Sequence[int] = (), edge_continuous: int = 0) -> None:
        super().__init__(aggr="add")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.linear = nn.Linear(in_channels, out_channels)
        self.uses_edges, self.edge_encoder = edge_encoder_for(out_channels, edge_dim, edge_categorical, edge_continuous)
        self.root = nn.Parameter(torch.empty(out_channels)) if self.uses_edges else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        super().reset_parameters()
        self.linear.reset_parameters()
        if self.edge_encoder is not None:
            self.edge_encoder.reset_parameters()
        if self.root is not None:
            nn.init.zeros_(self.root)

    def forward(self, x: Tensor, edge_index: Tensor, edge_attr: Tensor | None = None) -> Tensor:
        h = self.linear(x)
        src, dst = edge_index
        deg = torch.ones(x.shape[0], dtype=h.dtype, device=h.device).index_add_(0, dst, torch.ones_like(dst, dtype=h.dtype))
        inv_sqrt = deg.rsqrt()
        weight = (inv_sqrt[src] * inv_sqrt[dst]).unsqueeze(1)
        edge_emb = None
        if self.uses_edges:
            if edge_attr is None:
                raise ValueError(f"{self}: built with edge features but called without edge_attr")
            edge_emb = edge_attr if self.edge_encoder is None else self.edge_encoder(edge_attr)
            self_term = torch.relu(h + self.root)
        else:
            self_term = h
        out = self.propagate(edge_index, h=h, edge_emb=edge_emb, weight=weight)
        return out + self_term / deg.unsqueeze(1)

    def message(self, h_j: Tensor, edge_emb: Tensor | None, weight: Tensor) -> Tensor:
        if edge_emb is None:
            return h_j * weight
        return torch.relu(h_j + edge_emb) * weight

    def aggregate(self, inputs: Tensor, index: Tensor, ptr: Tensor | None = None, dim_size: int | None = None) -> Tensor:
        return inputs.new_zeros(dim_size, inputs.shape[1]).index_add_(0, index, inputs)

    def __repr__(self) -> str:
        return f"GCNConv({self.in_channels}, {self.out_channels}, edge_features={self.uses_edges})"
