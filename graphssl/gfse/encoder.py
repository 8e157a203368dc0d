r"""The GFSE encoder: a GPS transformer over structure alone (registered as encoder ``"gfse"``).

Chen et al., "Towards A Universal Graph Structural Encoder", WWW 2026
(https://arxiv.org/abs/2504.10917), assembled from :mod:`graphssl.nn` parts:

.. math::
    h^0_i = W_n\,\mathrm{RWSE}_i, \quad e_{ij} = W_e P_{ij}, \quad
    h^{l+1} = \mathrm{GPS}\big(h^l;\ \mathrm{GINE}(h^l, e),\
              \mathrm{MHA}(h^l) + b(P_{ij})\big)

with :math:`P_{ij}` the RRWP of the pair (:mod:`graphssl.gfse.inputs`). The
inputs are read from the batch when the ``gfse_inputs`` transform stored them
and they still match its structure, else computed from ``edge_index`` inside
``forward`` (no gradient flows into them), so augmented views, downstream
graphs and checkpoints need no transform. Graphs above ``max_attention_nodes`` nodes get no attention and no
pair attribute: local message passing over RRWP-carrying edges only.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from graphssl.config import check_positive, check_range
from graphssl.errors import ConfigError
from graphssl.gfse.inputs import PAIR_NAME, precomputed_inputs, structural_inputs
from graphssl.nn import (ATTENTION_MAX_NODES, AttentionBiasConfig, BatchContext, EncoderOutput, GINEConv, GPSLayer,
                         Readout, register_encoder)
from graphssl.nn.norm import NORMS


@dataclass
class GFSEConfig:
    """Configuration of :class:`GFSEEncoder`.

    Args:
        hidden_dim: width ``d`` of every layer and of the output (default ``64``).
        num_layers: GPS layers (default ``4``).
        heads: attention heads; must divide ``hidden_dim`` (default ``4``).
        rwse_k: RWSE steps on nodes (default ``16``).
        rrwp_k: RRWP powers on pairs and edges (default ``8``).
        dropout: dropout inside GPS blocks (default ``0.0``).
        attn_dropout: attention-weight dropout (default ``0.0``).
        norm: ``"layer"`` (default), ``"batch"`` or ``"none"``.
        readout: graph pooling, ``"mean"`` (default), ``"sum"``, ``"max"``, ``"attention"``.
        max_attention_nodes: larger graphs get edges only (default :data:`ATTENTION_MAX_NODES`).
    """

    hidden_dim: int = 64
    num_layers: int = 4
    heads: int = 4
    rwse_k: int = 16
    rrwp_k: int = 8
    dropout: float = 0.0
    attn_dropout: float = 0.0
    norm: str = "layer"
    readout: str = "mean"
    max_attention_nodes: int = ATTENTION_MAX_NODES

    def __post_init__(self) -> None:
        for key in ("hidden_dim", "num_layers", "heads", "rwse_k", "rrwp_k", "max_attention_nodes"):
            check_positive(f"encoder.{key}", getattr(self, key))
        if self.hidden_dim % self.heads:
            raise ConfigError(f"encoder.heads: {self.heads} does not divide encoder.hidden_dim {self.hidden_dim}")
        check_range("encoder.dropout", self.dropout, low=0.0, high=1.0, high_inclusive=False)
        check_range("encoder.attn_dropout", self.attn_dropout, low=0.0, high=1.0, high_inclusive=False)
        if self.norm not in NORMS:
            raise ConfigError(f"encoder.norm: unknown value {self.norm!r}; choose one of {', '.join(NORMS)}")

    @property
    def out_dim(self) -> int:
        return self.hidden_dim


@register_encoder("gfse", GFSEConfig)
class GFSEEncoder(nn.Module):
    """Structure-only GPS encoder; see the module docstring.

    Args:
        config: a :class:`GFSEConfig`.

    ``forward(batch, node_mask=None)``: nodes where ``node_mask`` is True get a
    learned mask token added to their input (their structure is kept).

    Shapes:
        -> :class:`~graphssl.nn.EncoderOutput` with ``node`` ``[N, hidden_dim]``
        and ``graph`` ``[num_graphs, hidden_dim]``.

    Example::

        encoder = GFSEEncoder(GFSEConfig(hidden_dim=32, num_layers=2))
        out = encoder(batch)     # only batch.edge_index and the node counts are read
    """

    def __init__(self, config: GFSEConfig) -> None:
        super().__init__()
        self.config = config
        d = config.hidden_dim
        self.node_encoder = nn.Linear(config.rwse_k, d)
        self.edge_encoder = nn.Linear(config.rrwp_k, d)
        self.mask_token = nn.Parameter(torch.empty(d))
        bias = AttentionBiasConfig(pair=PAIR_NAME, continuous=config.rrwp_k)
        self.layers = nn.ModuleList(
            GPSLayer(d, GINEConv(d, d, edge_dim=d), heads=config.heads, dropout=config.dropout,
                     attn_dropout=config.attn_dropout, norm=config.norm, attention_bias=bias,
                     max_attention_nodes=config.max_attention_nodes)
            for _ in range(config.num_layers))
        self.readout = Readout(config.readout, d)
        self.reset_parameters()

    @property
    def out_dim(self) -> int:
        return self.config.out_dim

    def reset_parameters(self) -> None:
        self.node_encoder.reset_parameters()
        self.edge_encoder.reset_parameters()
        nn.init.normal_(self.mask_token, std=0.02)
        for module in (*self.layers, self.readout):
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()

    def forward(self, batch, node_mask: Tensor | None = None) -> EncoderOutput:
        config = self.config
        inputs = precomputed_inputs(batch, config.rwse_k, config.rrwp_k, config.max_attention_nodes)
        if inputs is None:
            with torch.no_grad():
                inputs = structural_inputs(batch, config.rwse_k, config.rrwp_k, config.max_attention_nodes)
        # A shallow copy carries the pair attribute the attention bias reads; the caller's batch is left alone.
        view = copy.copy(batch)
        view[f"{PAIR_NAME}_pair_index"], view[f"{PAIR_NAME}_pair_value"] = inputs.pair_index, inputs.pair_value
        context = BatchContext.of(view)
        h = self.node_encoder(inputs.node)
        if node_mask is not None:
            h = h + node_mask.unsqueeze(1).to(h.dtype) * self.mask_token
        edge_attr = self.edge_encoder(inputs.edge)
        for layer in self.layers:
            h = layer(h, batch.edge_index, edge_attr, context)
        return EncoderOutput(node=h, graph=self.readout(h, context.batch, context.num_graphs))

    def __repr__(self) -> str:
        c = self.config
        return (f"GFSEEncoder(hidden_dim={c.hidden_dim}, num_layers={c.num_layers}, heads={c.heads}, rwse_k={c.rwse_k}, "
                f"rrwp_k={c.rrwp_k}, norm={c.norm!r}, readout={c.readout!r}, max_attention_nodes={c.max_attention_nodes})")
