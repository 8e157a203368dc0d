"""Input module that turns positional/structural encodings (PSE) into node features.

Follows the PE encoders of GraphGPS (Rampášek et al., NeurIPS 2022,
https://arxiv.org/abs/2205.12454): each encoding is read from the batch,
padded columns are zeroed and flagged, then normalized, dropped out and passed
through an MLP; the result is concatenated to the node feature embedding.
Any PSE works: the classic ones of :mod:`graphssl.pe` or learned ones.

An encoding named ``rwse`` is read from ``batch.rwse`` (float ``[N, width]``),
with an optional ``batch.rwse_mask`` (bool ``[N, width]``, True where the
column holds a value, False where it is padding, e.g. LapPE with k >= n).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor, nn
from torch_geometric.nn.resolver import activation_resolver

from graphssl.data.validate import first_graph_of, locate
from graphssl.errors import InvalidGraphError
from graphssl.nn.norm import build_norm


@dataclass
class PSEConfig:
    """Which encodings to read and how wide their embedding is.

    Args:
        inputs: attribute name -> width, e.g. ``{"rwse": 20, "lap": 8}``.
        dim: output width, concatenated to the node embedding (default ``16``).
        hidden_dim: MLP hidden width (default ``64``).
        norm: ``"batch"``, ``"layer"`` or ``"none"`` (default ``"batch"``).
        dropout: dropout before the MLP (default ``0.0``).
        activation: MLP activation (default ``"relu"``).
    """

    inputs: dict[str, int] = field(default_factory=dict)
    dim: int = 16
    hidden_dim: int = 64
    norm: str = "batch"
    dropout: float = 0.0
    activation: str = "relu"


class PSEEncoder(nn.Module):
    """Embed the encodings named in a :class:`PSEConfig`.

    Every encoding contributes its values (padding zeroed) and its mask as a
    0/1 channel, so the MLP can tell padding from a real zero.

    Shapes:
        reads ``batch.<name>`` ``[N, width]`` for each input -> ``[N, dim]``.
    """

    def __init__(self, config: PSEConfig) -> None:
        super().__init__()
        if not config.inputs:
            raise ValueError("PSEConfig.inputs is empty; name at least one encoding, e.g. {'rwse': 20}")
        self.config = config
        width = sum(config.inputs.values())
        self.norm = build_norm(config.norm, width)
        self.dropout = nn.Dropout(config.dropout)
        self.mlp = nn.Sequential(nn.Linear(2 * width, config.hidden_dim), activation_resolver(config.activation),
                                 nn.Linear(config.hidden_dim, config.dim))
        self.reset_parameters()

    @property
    def dim(self) -> int:
        return self.config.dim

    def reset_parameters(self) -> None:
        for module in (self.norm, *self.mlp):
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()

    def forward(self, batch) -> Tensor:
        values, masks = [], []
        for name, width in self.config.inputs.items():
            value = getattr(batch, name, None)
            if value is None:
                raise InvalidGraphError(f"graph {first_graph_of(batch)}: has no PSE attribute {name!r}; add it with a "
                                        "graphssl.pe transform or drop it from the encoder's pse inputs")
            value = value.reshape(value.shape[0], -1) if value.numel() else value.reshape(value.shape[0], width)
            if value.shape != (batch.num_nodes, width):
                raise InvalidGraphError(f"graph {first_graph_of(batch)}: PSE {name!r} has shape {tuple(value.shape)}, "
                                        f"expected [{batch.num_nodes}, {width}]")
            mask = getattr(batch, f"{name}_mask", None)
            mask = torch.ones_like(value, dtype=torch.bool) if mask is None else mask.view_as(value).bool()
            value = value.float().masked_fill(~mask, 0.0)
            if not bool(torch.isfinite(value).all()):
                graph, node = locate(batch, "node", int((~torch.isfinite(value)).any(dim=1).nonzero()[0, 0]))
                raise InvalidGraphError(f"graph {graph}: PSE {name!r} contains NaN or inf outside its mask (node {node})")
            values.append(value)
            masks.append(mask)
        mask = torch.cat(masks, dim=1)
        value = self.norm(torch.cat(values, dim=1)).masked_fill(~mask, 0.0)
        return self.mlp(self.dropout(torch.cat([value, mask.float()], dim=1)))

    def __repr__(self) -> str:
        return f"PSEEncoder(inputs={self.config.inputs}, dim={self.config.dim})"
