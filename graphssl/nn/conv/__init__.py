"""Message-passing layers of the core, and a builder by name."""

from __future__ import annotations

from typing import Sequence

from torch import nn

from graphssl.nn.conv.gcn import GCNConv
from graphssl.nn.conv.gine import GINEConv
from graphssl.nn.conv.gps import GPSLayer

LOCAL_CONVS = ("gine", "gin", "gcn")


def build_conv(name: str, in_channels: int, out_channels: int, *, edge_categorical: Sequence[int] = (),
               edge_continuous: int = 0, activation: str = "relu", train_eps: bool = False) -> nn.Module:
    """A local message-passing layer by name.

    ``"gine"`` uses edge features when the layout has any, ``"gin"`` ignores
    them, ``"gcn"`` uses them when present.
    """
    if name == "gine":
        return GINEConv(in_channels, out_channels, edge_categorical=edge_categorical, edge_continuous=edge_continuous,
                        activation=activation, train_eps=train_eps)
    if name == "gin":
        return GINEConv(in_channels, out_channels, activation=activation, train_eps=train_eps)
    if name == "gcn":
        return GCNConv(in_channels, out_channels, edge_categorical=edge_categorical, edge_continuous=edge_continuous)
    raise ValueError(f"unknown conv {name!r}; choose one of {', '.join(LOCAL_CONVS)} (or 'gps' in the encoder)")


__all__ = ["GCNConv", "GINEConv", "GPSLayer", "LOCAL_CONVS", "build_conv"]
