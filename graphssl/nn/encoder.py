"""The shared graph encoder every graphssl model is assembled from (registered as encoder ``"gnn"``).

Node input slot (feature embedding, PSE, any registered input) and edge
input slot (embedded once per forward, shared by every layer) ->
``num_layers`` registered conv layers (GINE, GIN, GCN or GPS blocks) with
normalization, activation, dropout and optional residuals -> Jumping
Knowledge combination (Xu et al., "Representation Learning on Graphs with
Jumping Knowledge Networks", ICML 2018) -> node embeddings and a graph readout.

Any module registered with :func:`~graphssl.nn.register_encoder` that takes
``(batch, node_mask=None)``, returns :class:`~graphssl.nn.EncoderOutput` and
has ``out_dim`` and ``config`` attributes can stand in for it: objectives only
rely on that protocol.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch_geometric.nn.resolver import activation_resolver

from graphssl.data.validate import check_edge_index, validate_graph
from graphssl.errors import ConfigError
from graphssl.nn.config import EncoderConfig
from graphssl.nn.context import BatchContext, batch_vector_of, num_graphs_of
from graphssl.nn.conv import build_registered_conv
from graphssl.nn.conv.build import offered
from graphssl.nn.inputs import build_input_slot, slot_inputs
from graphssl.nn.norm import build_norm
from graphssl.nn.output import EncoderOutput
from graphssl.nn.readout import Readout
from graphssl.nn.registry import CONVS, register_encoder

__all__ = ["EncoderOutput", "GraphEncoder", "batch_vector_of", "num_graphs_of"]


@register_encoder("gnn", EncoderConfig)
class GraphEncoder(nn.Module):
    """Message-passing encoder built from an :class:`EncoderConfig`.

    Args:
        config: the encoder configuration, with its feature layout filled in.

    ``forward(batch, node_mask=None)`` takes a PyG ``Data``/``Batch``; nodes
    where ``node_mask`` (bool ``[N]``) is True have their feature inputs
    replaced by a learned mask token (structural inputs such as PSE are kept).

    Shapes:
        returns :class:`EncoderOutput` with ``node`` ``[N, out_dim]`` and
        ``graph`` ``[num_graphs, out_dim]``; ``out_dim`` is ``hidden_dim``, or
        ``hidden_dim * num_layers`` with ``jk="cat"``.

    Example::

        encoder = GraphEncoder(EncoderConfig(hidden_dim=64, num_layers=3).with_spec(dataset_spec))
        out = encoder(batch)
        out.node, out.graph
    """

    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.config = config
        hidden = config.hidden_dim
        self.node_input = build_input_slot(config, "node")
        has_edges = bool(slot_inputs(config, "edge"))
        options = dict(edge_dim=hidden if has_edges else None, activation=config.activation, train_eps=config.train_eps,
                       dropout=config.dropout, norm=config.norm, gps_local=config.gps_local, gps_heads=config.gps_heads,
                       gps_attn_dropout=config.gps_attn_dropout, attention_bias=config.attention_bias)
        if config.attention_bias is not None and "attention_bias" not in offered(CONVS.get(config.conv), options):
            raise ConfigError(f"encoder.attention_bias: conv {config.conv!r} has no attention to bias; use conv: gps")
        self.layers = nn.ModuleList()
        self.norms = nn.ModuleList()
        for _ in range(config.num_layers):
            layer = build_registered_conv(config.conv, hidden, hidden, options, config.conv_params)
            self.layers.append(layer)
            # Blocks (GPS) carry their own residuals and norms.
            self.norms.append(nn.Identity() if getattr(layer, "is_block", False) else build_norm(config.norm, hidden))
        uses_edges = any(getattr(layer, "uses_edges", False) for layer in self.layers)
        if config.edge_inputs and not uses_edges:
            raise ConfigError(f"encoder.edge_inputs: conv {config.conv!r} uses no edge features; remove edge_inputs "
                              "or choose a conv that uses them (gine, gcn)")
        self.edge_input = build_input_slot(config, "edge") if uses_edges else None
        self.activation = activation_resolver(config.activation)
        self.readout = Readout(config.readout, config.out_dim)
        self.reset_parameters()

    @property
    def out_dim(self) -> int:
        return self.config.out_dim

    def reset_parameters(self) -> None:
        for module in (self.node_input, self.edge_input, self.readout, *self.layers, *self.norms):
            if module is not None and hasattr(module, "reset_parameters"):
                module.reset_parameters()

    def embed_inputs(self, batch, node_mask: Tensor | None = None) -> Tensor:
        """Layer-0 node states ``[N, hidden_dim]``: the node input slot, masked nodes' features replaced."""
        num_nodes = batch.num_nodes
        if node_mask is not None and (node_mask.shape != (num_nodes,) or node_mask.dtype != torch.bool):
            raise ValueError(f"node_mask must be a bool tensor of shape [{num_nodes}], got {node_mask.dtype} {tuple(node_mask.shape)}")
        return self.node_input(batch, node_mask)

    def forward(self, batch, node_mask: Tensor | None = None) -> EncoderOutput:
        config = self.config
        edge_index = check_edge_index(getattr(batch, "edge_index", None))
        if config.validate:
            structure = config.structure_only
            validate_graph(batch, () if structure else config.node_categorical, () if structure else config.edge_categorical,
                           node_continuous=0 if structure else config.node_continuous,
                           edge_continuous=0 if structure else config.edge_continuous)
        context = BatchContext.of(batch)
        h = self.embed_inputs(batch, node_mask)
        # One edge embedding per forward, shared by every layer. Edge inputs get the node mask too,
        # so a module whose edge features describe their end nodes can hide what a masked node shows.
        edge_attr = self.edge_input(batch, node_mask) if self.edge_input is not None else None
        outputs = []
        last = len(self.layers) - 1
        for i, (layer, norm) in enumerate(zip(self.layers, self.norms)):
            layer_edges = edge_attr if getattr(layer, "uses_edges", False) else None
            if getattr(layer, "is_block", False):
                h_new = layer(h, edge_index, layer_edges, context)
            else:
                h_new = norm(layer(h, edge_index, layer_edges))
                # No activation after the last layer, as in Hu et al. (2020): embeddings keep their sign.
                if i < last:
                    h_new = self.activation(h_new)
                h_new = F.dropout(h_new, config.dropout, self.training)
            if config.residual:
                h_new = h_new + h
            h = h_new
            outputs.append(h)
        node = self._jumping_knowledge(outputs)
        return EncoderOutput(node=node, graph=self.readout(node, context.batch, context.num_graphs))

    def _jumping_knowledge(self, outputs: list[Tensor]) -> Tensor:
        mode = self.config.jk
        if mode == "last":
            return outputs[-1]
        if mode == "cat":
            return torch.cat(outputs, dim=1)
        stacked = torch.stack(outputs, dim=0)
        return stacked.sum(dim=0) if mode == "sum" else stacked.max(dim=0).values
