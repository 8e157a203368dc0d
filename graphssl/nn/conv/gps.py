r"""GPS layer: a local message-passing layer plus global multi-head attention.

Rampášek et al., "Recipe for a General, Powerful, Scalable Graph Transformer",
NeurIPS 2022 (https://arxiv.org/abs/2205.12454).

.. math::
    \mathbf{h}^L = \mathrm{Norm}(\mathbf{x} + \mathrm{MPNN}(\mathbf{x})), \quad
    \mathbf{h}^A = \mathrm{Norm}(\mathbf{x} + \mathrm{MHA}(\mathbf{x})), \quad
    \mathbf{x}' = \mathrm{Norm}(\mathbf{h} + \mathrm{FFN}(\mathbf{h})),\ \mathbf{h} = \mathbf{h}^L + \mathbf{h}^A

Attention runs within each graph of the batch (padded dense, with a key
padding mask).
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn
from torch_geometric.nn.resolver import activation_resolver
from torch_geometric.utils import to_dense_batch

from graphssl.nn.norm import build_norm


class GPSLayer(nn.Module):
    """One GPS block around a local message-passing layer.

    Args:
        dim: width in and out.
        local: a message-passing layer ``local(x, edge_index, edge_attr) -> [N, dim]``.
        heads: attention heads (default ``4``).
        dropout: dropout after each sub-block (default ``0.0``).
        attn_dropout: dropout on attention weights (default ``0.0``).
        norm: ``"batch"``, ``"layer"`` or ``"none"`` (default ``"batch"``).
        activation: FFN activation (default ``"relu"``).

    Shapes:
        x ``[N, dim]``, batch ``[N]`` (sorted) -> ``[N, dim]``.
    """

    def __init__(self, dim: int, local: nn.Module, *, heads: int = 4, dropout: float = 0.0,
                 attn_dropout: float = 0.0, norm: str = "batch", activation: str = "relu") -> None:
        super().__init__()
        if dim % heads:
            raise ValueError(f"GPSLayer: dim {dim} is not divisible by heads {heads}; consider heads that divide hidden_dim")
        self.dim, self.heads, self.dropout = dim, heads, dropout
        self.local = local
        self.attention = nn.MultiheadAttention(dim, heads, dropout=attn_dropout, batch_first=True)
        self.norm_local, self.norm_attention, self.norm_ffn = (build_norm(norm, dim) for _ in range(3))
        self.ffn = nn.Sequential(nn.Linear(dim, 2 * dim), activation_resolver(activation), nn.Dropout(dropout), nn.Linear(2 * dim, dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.local.reset_parameters()
        self.attention._reset_parameters()
        for module in (self.norm_local, self.norm_attention, self.norm_ffn, *self.ffn):
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()

    def forward(self, x: Tensor, edge_index: Tensor, edge_attr: Tensor | None, batch: Tensor, num_graphs: int) -> Tensor:
        h_local = self.local(x, edge_index, edge_attr)
        h_local = self.norm_local(x + F.dropout(h_local, self.dropout, self.training))
        if x.shape[0] == 0:
            h_attention = x
        else:
            dense, real = to_dense_batch(x, batch, batch_size=num_graphs)
            padding = ~real
            # A graph with no nodes would have every key masked, and softmax over
            # nothing is NaN (also in the gradient); let it see one padding slot.
            padding[~real.any(dim=1), 0] = False
            attended = self.attention(dense, dense, dense, key_padding_mask=padding, need_weights=False)[0]
            h_attention = attended[real]
        h_attention = self.norm_attention(x + F.dropout(h_attention, self.dropout, self.training))
        h = h_local + h_attention
        return self.norm_ffn(h + F.dropout(self.ffn(h), self.dropout, self.training))

    def __repr__(self) -> str:
        return f"GPSLayer({self.dim}, local={self.local}, heads={self.heads})"
