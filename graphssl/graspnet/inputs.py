"""Edge input ``masked_bond``: bond embeddings with a bond mask token inside masked regions (GraSPNet's default).

The core's node mask hides masked atoms' features but not the bonds between
them, so a masked aromatic ring would still show its aromatic bonds. GraSPNet
(Wu et al., arXiv 2602.20344, 2026) hides whole fragments; this input replaces
the embedding of every bond whose two atoms are both masked with a learned
token. Bonds from a masked atom to a visible one stay visible: they describe
the visible atom's surroundings too.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.inputs.features import CategoricalInput
from graphssl.nn.registry import register_input


@register_input("masked_bond")
class MaskedBondInput(CategoricalInput):
    """The core ``categorical`` edge input, with a bond mask token on bonds between two masked atoms.

    Args:
        spec: the layout (``edge_categorical`` gives the category counts).
        level: must be ``"edge"``.
        dim: output width.
        attribute: edge attribute to read (default ``None``: ``edge_attr``).

    Shapes:
        reads ``edge_attr`` ``[E, C]`` and ``node_mask`` ``[N]`` -> ``[E, dim]``.
    """

    def __init__(self, spec: GraphSpec, level: str, dim: int, attribute: str | None = None) -> None:
        if level != "edge":
            raise ConfigError("input 'masked_bond' embeds bonds; list it under encoder.edge_inputs")
        self.bond_mask_token = None
        super().__init__(spec, level, dim, attribute)
        self.bond_mask_token = nn.Parameter(torch.empty(dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        super().reset_parameters()
        if self.bond_mask_token is not None:
            nn.init.normal_(self.bond_mask_token, std=0.1)

    def forward(self, batch, node_mask: Tensor | None = None) -> Tensor:
        h = super().forward(batch)
        if node_mask is None:
            return h
        hidden = node_mask[batch.edge_index[0]] & node_mask[batch.edge_index[1]]
        return torch.where(hidden[:, None], self.bond_mask_token.to(h.dtype), h)

    def __repr__(self) -> str:
        return f"MaskedBondInput({self.attribute!r}, categories={self.categories}, dim={self.dim})"
