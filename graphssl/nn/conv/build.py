"""Building a registered conv layer from the options an encoder offers.

A conv registered with :func:`~graphssl.nn.register_conv` is called
``factory(in_channels, out_channels, **options)``. The encoder *offers* the
options it knows (``edge_dim``, ``activation``, ``train_eps``, ``dropout``,
``norm``, ``gps_local``, ``gps_heads``, ``gps_attn_dropout``,
``attention_bias``); a factory receives those its signature names (all of
them if it takes ``**kwargs``), so a plugin conv declares only what it uses.
Explicit ``params`` (the config's ``conv_params``) are passed as given and
checked against the signature, with suggestions.

A conv that consumes edge features sets ``uses_edges = True``; it is then
called ``conv(x, edge_index, edge_attr)`` with the encoder's shared edge
embedding ``[E, edge_dim]``, otherwise ``conv(x, edge_index, None)``.
"""

from __future__ import annotations

import inspect
from typing import Any, Sequence

from torch import nn

from graphssl.nn.registry import CONVS


def offered(factory, options: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``options`` that ``factory``'s signature takes."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return dict(options)
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return dict(options)
    return {key: value for key, value in options.items() if key in parameters}


def build_registered_conv(name: str, in_channels: int, out_channels: int, options: dict[str, Any],
                          params: dict[str, Any] | None = None) -> nn.Module:
    """The conv ``name`` with the ``options`` it takes and ``params`` (which win over options)."""
    factory = CONVS.get(name)
    return CONVS.build(name, {**offered(factory, options), **(params or {})}, in_channels, out_channels)


def build_conv(name: str, in_channels: int, out_channels: int, *, edge_categorical: Sequence[int] = (),
               edge_continuous: int = 0, edge_dim: int | None = None, activation: str = "relu",
               train_eps: bool = False, **params: Any) -> nn.Module:
    """A registered conv layer by name, standalone or inside an encoder.

    Args:
        name: registered conv (``"gine"``, ``"gin"``, ``"gcn"``, ...).
        in_channels, out_channels: widths.
        edge_categorical, edge_continuous: a raw ``edge_attr`` layout the layer
            embeds itself (default none), as a standalone layer (a decoder) does.
        edge_dim: width of an already-embedded edge tensor (default ``None``).
        activation: activation name (default ``"relu"``).
        train_eps: learn GIN's epsilon (default ``False``).
        **params: further keyword parameters of that conv.

    ``"gine"`` and ``"gcn"`` use edge features when given; ``"gin"`` ignores them.
    """
    options = dict(edge_categorical=list(edge_categorical), edge_continuous=edge_continuous, edge_dim=edge_dim,
                   activation=activation, train_eps=train_eps)
    return build_registered_conv(name, in_channels, out_channels, options, params)
