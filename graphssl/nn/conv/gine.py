r"""GIN and GINE message passing.

GIN: Xu et al., "How Powerful are Graph Neural Networks?", ICLR 2019
(https://arxiv.org/abs/1810.00826). GINE, GIN with edge features: Hu et al.,
"Strategies for Pre-training Graph Neural Networks", ICLR 2020
(https://arxiv.org/abs/1905.12265).

.. math::
    \mathbf{x}'_i = \mathrm{MLP}\Big((1+\epsilon)\,\mathbf{x}_i
        + \sum_{j \in \mathcal{N}(i)} \mathrm{ReLU}(\mathbf{x}_j + E(\mathbf{e}_{ji}))\Big)

Without edge features the message is plain :math:`\mathbf{x}_j` (GIN).
Inside an encoder :math:`E(\mathbf{e}_{ji})` is the encoder's edge input,
embedded once per forward and shared by all layers (``edge_dim``); a
standalone layer embeds a raw ``edge_attr`` itself (``edge_categorical`` /
``edge_continuous``).
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn
from torch_geometric.nn import MessagePassing
from torch_geometric.nn.resolver import activation_resolver

from graphssl.nn.conv.aggregate import gather_add_relu_sum
from graphssl.nn.embedding import edge_encoder_for
from graphssl.nn.registry import register_conv


@register_conv("gine")
class GINEConv(MessagePassing):
    r"""GIN layer, with edge features (GINE) when ``edge_dim`` or an edge layout is given.

    Args:
        in_channels: input width.
        out_channels: output width.
        edge_dim: width of an already-embedded ``edge_attr``; mapped linearly to
            ``in_channels`` unless equal, as PyG's ``GINEConv(edge_dim=...)`` (default ``None``).
        edge_categorical: category counts of int64 ``edge_attr`` columns the layer
            embeds itself (default ``()``).
        edge_continuous: width of a float ``edge_attr`` the layer embeds itself (default ``0``).
        eps: initial :math:`\epsilon` (default ``0.0``).
        train_eps: learn :math:`\epsilon` (default ``False``).
        hidden_channels: MLP hidden width (default ``out_channels``).
        activation: MLP activation name (default ``"relu"``).

    Shapes:
        x ``[N, in_channels]``, edge_index ``[2, E]``, edge_attr ``[E, *]``
        -> ``[N, out_channels]``.
    """

    def __init__(self, in_channels: int, out_channels: int, *, edge_dim: int | None = None,
                 edge_categorical: Sequence[int] = (), edge_continuous: int = 0, eps: float = 0.0, train_eps: bool = False,
                 hidden_channels: int | None = None, activation: str = "relu") -> None:
        super().__init__(aggr="add")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.initial_eps, self.train_eps = eps, train_eps
        hidden = hidden_channels or out_channels
        self.uses_edges, self.edge_encoder = edge_encoder_for(in_channels, edge_dim, edge_categorical, edge_continuous)
        self.mlp = nn.Sequential(nn.Linear(in_channels, hidden), activation_resolver(activation), nn.Linear(hidden, out_channels))
        if train_eps:
            self.eps = nn.Parameter(torch.empty(1))
        else:
            self.register_buffer("eps", torch.empty(1))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        super().reset_parameters()
        if self.edge_encoder is not None:
            self.edge_encoder.reset_parameters()
        for module in self.mlp:
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
        self.eps.data.fill_(self.initial_eps)

    def forward(self, x: Tensor, edge_index: Tensor, edge_attr: Tensor | None = None) -> Tensor:
        edge_emb = None
        if self.uses_edges:
            if edge_attr is None:
                raise ValueError(f"{self}: built with edge features but called without edge_attr; "
                                 "consider building it without edge_dim/edge_categorical/edge_continuous")
            edge_emb = edge_attr if self.edge_encoder is None else self.edge_encoder(edge_attr)
        root = x if not self.train_eps and self.initial_eps == 0.0 else (1 + self.eps) * x
        if edge_emb is not None:
            return self.mlp(gather_add_relu_sum(x, root, edge_emb, edge_index))
        return self.mlp(self.propagate(edge_index, x=x, root=root))

    def message(self, x_j: Tensor) -> Tensor:
        return x_j

    def aggregate(self, inputs: Tensor, index: Tensor, root: Tensor, ptr: Tensor | None = None,
                  dim_size: int | None = None) -> Tensor:
        # Summing into (1 + eps) x directly saves a zero fill and an add; index_add is also a
        # faster CPU sum than scatter_add_ with a broadcast index, forward and backward.
        return root.index_add(0, index, inputs)

    def __repr__(self) -> str:
        kind = "GINEConv" if self.uses_edges else "GINConv"
        return f"{kind}({self.in_channels}, {self.out_channels}, eps={self.initial_eps}, train_eps={self.train_eps})"


@register_conv("gin")
def gin_conv(in_channels: int, out_channels: int, *, eps: float = 0.0, train_eps: bool = False,
             hidden_channels: int | None = None, activation: str = "relu") -> GINEConv:
    """GIN without edge features: :class:`GINEConv` with no edge term (the encoder's ``conv: gin``)."""
    return GINEConv(in_channels, out_channels, eps=eps, train_eps=train_eps, hidden_channels=hidden_channels,
                    activation=activation)
