"""Small MLP heads (projection, prediction, decoding) used by objectives and evaluation."""

from __future__ import annotations

from torch import nn
from torch_geometric.nn.resolver import activation_resolver


def mlp(in_dim: int, hidden_dim: int, out_dim: int, *, num_layers: int = 2, activation: str = "relu") -> nn.Sequential:
    """``Linear -> act -> ... -> Linear`` with ``num_layers`` linear layers (default 2; 1 gives a linear map)."""
    if num_layers < 1:
        raise ValueError(f"mlp needs at least one layer, got num_layers={num_layers}")
    dims = [in_dim] + [hidden_dim] * (num_layers - 1) + [out_dim]
    layers: list[nn.Module] = []
    for i in range(num_layers):
        layers.append(nn.Linear(dims[i], dims[i + 1]))
        if i < num_layers - 1:
            layers.append(activation_resolver(activation))
    return nn.Sequential(*layers)
