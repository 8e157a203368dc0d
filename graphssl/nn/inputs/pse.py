"""The ``pse`` input: positional/structural encodings as node features, through :class:`~graphssl.nn.PSEEncoder`."""

from __future__ import annotations

from typing import Any

from torch import Tensor

from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.pse_encoder import PSEConfig, PSEEncoder
from graphssl.nn.registry import register_input


@register_input("pse")
class PSEInput(PSEEncoder):
    """:class:`~graphssl.nn.PSEEncoder` as a node input module; it is structure, so masking keeps it.

    Args:
        spec: unused (inputs share one signature).
        level: must be ``"node"``.
        dim: output width.
        inputs: attribute name -> width, e.g. ``{"rwse": 20}``.
        **options: the other fields of :class:`~graphssl.nn.PSEConfig`
            (``hidden_dim``, ``norm``, ``dropout``, ``activation``).

    Shapes:
        -> ``[N, dim]``.
    """

    structural = True

    def __init__(self, spec: GraphSpec, level: str, dim: int, inputs: dict[str, int], hidden_dim: int = 64,
                 norm: str = "batch", dropout: float = 0.0, activation: str = "relu") -> None:
        if level != "node":
            raise ConfigError(f"input 'pse' embeds node encodings; it cannot fill the {level} slot")
        super().__init__(PSEConfig(inputs=dict(inputs), dim=dim, hidden_dim=hidden_dim, norm=norm, dropout=dropout,
                                   activation=activation))

    @staticmethod
    def params_of(config: PSEConfig) -> dict[str, Any]:
        """The module parameters equal to ``config`` (its ``dim`` goes to the slot)."""
        return dict(inputs=dict(config.inputs), hidden_dim=config.hidden_dim, norm=config.norm,
                    dropout=config.dropout, activation=config.activation)

    def forward(self, batch, node_mask: Tensor | None = None) -> Tensor:
        return super().forward(batch)
