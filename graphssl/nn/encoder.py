"""The shared graph encoder every graphssl model is assembled from.

Input embedding (categorical or continuous features, plus optional PSE) ->
``num_layers`` message-passing layers (GINE, GIN, GCN or GPS blocks) with
normalization, activation, dropout and optional residuals -> Jumping
Knowledge combination (Xu et al., "Representation Learning on Graphs with
Jumping Knowledge Networks", ICML 2018) -> node embeddings and a graph readout.

Any module with the same call signature and an ``out_dim`` attribute can stand
in for it: objectives only rely on that protocol.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch_geometric.nn.resolver import activation_resolver

from graphssl.data.validate import validate_graph
from graphssl.nn.config import EncoderConfig
from graphssl.nn.conv import GPSLayer, build_conv
from graphssl.nn.embedding import feature_embedding
from graphssl.nn.norm import build_norm
from graphssl.nn.pse_encoder import PSEEncoder
from graphssl.nn.readout import Readout


class EncoderOutput(NamedTuple):
    """Node embeddings ``[N, out_dim]`` and graph embeddings ``[num_graphs, out_dim]``."""

    node: Tensor
    graph: Tensor


def num_graphs_of(batch) -> int:
    """Number of graphs in a ``Batch`` (or 1 for a single ``Data``), empty graphs included."""
    count = getattr(batch, "num_graphs", None)
    if count is not None:
        return int(count)
    vector = getattr(batch, "batch", None)
    return int(vector.max()) + 1 if vector is not None and vector.numel() else 1


def batch_vector_of(batch) -> Tensor:
    vector = getattr(batch, "batch", None)
    if vector is not None:
        return vector
    return torch.zeros(batch.num_nodes, dtype=torch.long, device=batch.edge_index.device)


class GraphEncoder(nn.Module):
    """Message-passing encoder built from an :class:`EncoderConfig`.

    Args:
        config: the encoder configuration, with its feature layout filled in.

    ``forward(batch, node_mask=None)`` takes a PyG ``Data``/``Batch``; nodes
    where ``node_mask`` (bool ``[N]``) is True have their input features
    replaced by a learned mask token (their PSE, being structure, is kept).

    Shapes:
        returns :class:`EncoderOutput` with ``node`` ``[N, out_dim]`` and
        ``graph`` ``[num_graphs, out_dim]``; ``out_dim`` is ``hidden_dim``, or
        ``hidden_dim * num_layers`` with ``jk="cat"``.

    Example::

        encoder = GraphEncoder(EncoderConfig(hidden_dim=64, num_layers=3).with_spec(dataset_spec))
        node, graph = encoder(batch)
    """

    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.config = config
        hidden = config.hidden_dim
        self.pse_encoder = PSEEncoder(config.pse) if config.pse is not None else None
        feature_dim = hidden - (self.pse_encoder.dim if self.pse_encoder is not None else 0)
        self.node_embedding = feature_embedding(config.node_categorical, config.node_continuous, feature_dim)
        # Graphs without node features (structure only) start from one learned vector.
        self.constant = nn.Parameter(torch.empty(feature_dim)) if self.node_embedding is None else None
        self.mask_token = nn.Parameter(torch.empty(feature_dim))
        edge_layout = dict(edge_categorical=config.edge_categorical, edge_continuous=config.edge_continuous)
        self.layers = nn.ModuleList()
        self.norms = nn.ModuleList()
        for _ in range(config.num_layers):
            if config.conv == "gps":
                local = build_conv(config.gps_local, hidden, hidden, activation=config.activation, train_eps=config.train_eps, **edge_layout)
                self.layers.append(GPSLayer(hidden, local, heads=config.gps_heads, dropout=config.dropout,
                                            attn_dropout=config.gps_attn_dropout, norm=config.norm, activation=config.activation))
                self.norms.append(nn.Identity())
            else:
                self.layers.append(build_conv(config.conv, hidden, hidden, activation=config.activation, train_eps=config.train_eps, **edge_layout))
                self.norms.append(build_norm(config.norm, hidden))
        self.activation = activation_resolver(config.activation)
        self.readout = Readout(config.readout, config.out_dim)
        self.reset_parameters()

    @property
    def out_dim(self) -> int:
        return self.config.out_dim

    def reset_parameters(self) -> None:
        for module in (self.node_embedding, self.pse_encoder, self.readout, *self.layers, *self.norms):
            if module is not None and hasattr(module, "reset_parameters"):
                module.reset_parameters()
        if self.constant is not None:
            nn.init.normal_(self.constant, std=0.1)
        nn.init.normal_(self.mask_token, std=0.1)

    def embed_inputs(self, batch, node_mask: Tensor | None = None) -> Tensor:
        """Layer-0 node states ``[N, hidden_dim]``: feature embedding (masked) plus PSE."""
        num_nodes = batch.num_nodes
        if self.node_embedding is not None:
            h = self.node_embedding(batch.x)
        else:
            h = self.constant.expand(num_nodes, -1)
        if node_mask is not None:
            if node_mask.shape != (num_nodes,) or node_mask.dtype != torch.bool:
                raise ValueError(f"node_mask must be a bool tensor of shape [{num_nodes}], got {node_mask.dtype} {tuple(node_mask.shape)}")
            h = torch.where(node_mask.unsqueeze(1), self.mask_token.to(h.dtype), h)
        if self.pse_encoder is not None:
            h = torch.cat([h, self.pse_encoder(batch).to(h.dtype)], dim=1)
        return h

    def forward(self, batch, node_mask: Tensor | None = None) -> EncoderOutput:
        config = self.config
        if config.validate:
            validate_graph(batch, config.node_categorical, config.edge_categorical)
        num_graphs = num_graphs_of(batch)
        batch_vector = batch_vector_of(batch)
        edge_index, edge_attr = batch.edge_index, getattr(batch, "edge_attr", None)
        h = self.embed_inputs(batch, node_mask)
        outputs = []
        last = len(self.layers) - 1
        for i, (layer, norm) in enumerate(zip(self.layers, self.norms)):
            if isinstance(layer, GPSLayer):
                h_new = layer(h, edge_index, edge_attr, batch_vector, num_graphs)
            else:
                h_new = norm(layer(h, edge_index, edge_attr))
                # No activation after the last layer, as in Hu et al. (2020): embeddings keep their sign.
                if i < last:
                    h_new = self.activation(h_new)
                h_new = F.dropout(h_new, config.dropout, self.training)
            if config.residual:
                h_new = h_new + h
            h = h_new
            outputs.append(h)
        node = self._jumping_knowledge(outputs)
        return EncoderOutput(node=node, graph=self.readout(node, batch_vector, num_graphs))

    def _jumping_knowledge(self, outputs: list[Tensor]) -> Tensor:
        mode = self.config.jk
        if mode == "last":
            return outputs[-1]
        if mode == "cat":
            return torch.cat(outputs, dim=1)
        stacked = torch.stack(outputs, dim=0)
        return stacked.sum(dim=0) if mode == "sum" else stacked.max(dim=0).values
