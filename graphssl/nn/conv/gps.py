r"""GPS layer: a local message-passing layer plus global multi-head attention.

Rampášek et al., "Recipe for a General, Powerful, Scalable Graph Transformer",
NeurIPS 2022 (https://arxiv.org/abs/2205.12454).

.. math::
    \mathbf{h}^L = \mathrm{Norm}(\mathbf{x} + \mathrm{MPNN}(\mathbf{x})), \quad
    \mathbf{h}^A = \mathrm{Norm}(\mathbf{x} + \mathrm{MHA}(\mathbf{x})), \quad
    \mathbf{x}' = \mathrm{Norm}(\mathbf{h} + \mathrm{FFN}(\mathbf{h})),\ \mathbf{h} = \mathbf{h}^L + \mathbf{h}^A

Attention runs within each graph of the batch, optionally with a learned
pair bias, and only for graphs of up to ``max_attention_nodes`` nodes (see
:mod:`graphssl.nn.conv.attention`); larger graphs take
:math:`\mathrm{MHA}(\mathbf{x}) = 0`.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn
from torch_geometric.nn.resolver import activation_resolver

from graphssl.errors import ConfigError
from graphssl.nn.config import AttentionBiasConfig
from graphssl.nn.context import BatchContext
from graphssl.nn.conv.attention import ATTENTION_MAX_NODES, PairBias, dense_attention, dense_layout, pair_layout
from graphssl.nn.norm import build_norm
from graphssl.nn.conv.build import build_registered_conv
from graphssl.nn.registry import register_conv


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
        attention_bias: a pair attribute to bias attention with (default ``None``).
        max_attention_nodes: larger graphs get no attention (default :data:`ATTENTION_MAX_NODES`).

    Shapes:
        x ``[N, dim]``, edge_attr ``[E, *]`` as ``local`` takes it -> ``[N, dim]``.
    """

    #: The block applies its own residuals and norms: the encoder adds none around it.
    is_block = True

    def __init__(self, dim: int, local: nn.Module, *, heads: int = 4, dropout: float = 0.0, attn_dropout: float = 0.0,
                 norm: str = "batch", activation: str = "relu", attention_bias: AttentionBiasConfig | None = None,
                 max_attention_nodes: int = ATTENTION_MAX_NODES) -> None:
        super().__init__()
        if dim % heads:
            raise ConfigError(f"GPSLayer: dim {dim} is not divisible by heads {heads}; consider heads that divide hidden_dim")
        self.dim, self.heads, self.dropout, self.attn_dropout = dim, heads, dropout, attn_dropout
        self.max_attention_nodes = max_attention_nodes
        self.local = local
        self.uses_edges = getattr(local, "uses_edges", False)
        self.attention = nn.MultiheadAttention(dim, heads, dropout=attn_dropout, batch_first=True)
        self.bias_config = attention_bias
        self.pair_bias = (PairBias(heads, categories=attention_bias.categories, continuous=attention_bias.continuous)
                          if attention_bias is not None else None)
        self.norm_local, self.norm_attention, self.norm_ffn = (build_norm(norm, dim) for _ in range(3))
        self.ffn = nn.Sequential(nn.Linear(dim, 2 * dim), activation_resolver(activation), nn.Dropout(dropout), nn.Linear(2 * dim, dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.local.reset_parameters()
        self.attention._reset_parameters()
        for module in (self.pair_bias, self.norm_local, self.norm_attention, self.norm_ffn, *self.ffn):
            if module is not None and hasattr(module, "reset_parameters"):
                module.reset_parameters()

    def attend(self, x: Tensor, context: BatchContext) -> Tensor:
        """The attention branch before its residual: ``[N, dim]``, zero for graphs left out."""
        layout = dense_layout(context, self.max_attention_nodes)
        if layout is None:
            return x.new_zeros(x.shape)
        bias = bias_at = None
        if self.pair_bias is not None:
            pairs = pair_layout(context, layout, self.bias_config.pair)
            bias, bias_at = self.pair_bias(pairs.values), pairs.flat
        dropout = self.attn_dropout if self.training else 0.0
        return dense_attention(x, self.attention, layout, dropout=dropout, bias=bias, bias_at=bias_at)

    def forward(self, x: Tensor, edge_index: Tensor, edge_attr: Tensor | None, context: BatchContext) -> Tensor:
        h_local = self.local(x, edge_index, edge_attr)
        h_local = self.norm_local(x + F.dropout(h_local, self.dropout, self.training))
        h_attention = self.norm_attention(x + F.dropout(self.attend(x, context), self.dropout, self.training))
        h = h_local + h_attention
        return self.norm_ffn(h + F.dropout(self.ffn(h), self.dropout, self.training))

    def __repr__(self) -> str:
        bias = f", attention_bias={self.bias_config.pair!r}" if self.bias_config is not None else ""
        return (f"GPSLayer({self.dim}, local={self.local}, heads={self.heads}, "
                f"max_attention_nodes={self.max_attention_nodes}{bias})")


@register_conv("gps")
def gps_layer(in_channels: int, out_channels: int, *, edge_dim: int | None = None, activation: str = "relu",
              train_eps: bool = False, dropout: float = 0.0, norm: str = "batch", gps_local: str = "gine",
              gps_heads: int = 4, gps_attn_dropout: float = 0.0, attention_bias: AttentionBiasConfig | None = None,
              max_attention_nodes: int = ATTENTION_MAX_NODES) -> GPSLayer:
    """A :class:`GPSLayer` around the registered conv ``gps_local`` (the encoder's ``conv: gps``)."""
    if in_channels != out_channels:
        raise ConfigError(f"conv 'gps' keeps its width; got in_channels={in_channels}, out_channels={out_channels}")
    if gps_local == "gps":
        raise ConfigError("encoder.gps_local: a GPS block needs a local message-passing layer, not 'gps'")
    local = build_registered_conv(gps_local, in_channels, out_channels,
                                  {"edge_dim": edge_dim, "activation": activation, "train_eps": train_eps})
    return GPSLayer(in_channels, local, heads=gps_heads, dropout=dropout, attn_dropout=gps_attn_dropout, norm=norm,
                    activation=activation, attention_bias=attention_bias, max_attention_nodes=max_attention_nodes)
