"""The JEPA predictor of GraSPNet: context states plus positioned mask tokens, a few core conv layers, a linear map.

As in I-JEPA (Assran et al., CVPR 2023, https://arxiv.org/abs/2301.08243),
the predictor gets the context encoder's states of the visible items and, at
each masked item, a shared mask token plus that item's structural encoding
(where it sits, not what it is); GraSPNet (Wu et al., arXiv 2602.20344)
applies this to atoms and to fragments. Here "where it sits" is a learned
embedding of categorical structural codes (an atom's degree; a fragment's
size and its degree in the fragment graph), and the tokens exchange messages
over the item graph with core conv layers (:data:`graphssl.nn.CONVS`).
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn
from torch_geometric.utils import degree

from graphssl.nn.conv import build_conv
from graphssl.nn.embedding import CategoricalEmbedding

#: Degrees at or above this share the last structural category.
MAX_DEGREE = 7


def degree_codes(edge_index: Tensor, num_items: int) -> Tensor:
    """In-degree of every item, capped at :data:`MAX_DEGREE`, int64 ``[n]``."""
    return degree(edge_index[1], num_items, dtype=torch.long).clamp(max=MAX_DEGREE)


class MaskedPredictor(nn.Module):
    """``tokens = where(mask, m + P(codes), W_in c)``, ``num_layers`` convs, ``W_out``: a prediction per item.

    Args:
        dim: width of the context states and of the predictions.
        hidden_dim: width inside the predictor (default ``128``).
        position_categories: categories of each structural code column (default ``(MAX_DEGREE + 1,)``).
        num_layers: conv layers (default ``2``).
        conv: a registered conv without edge features (default ``"gin"``).

    Shapes:
        context ``[n, dim]``, mask bool ``[n]``, codes int64 ``[n, k]``,
        edge_index ``[2, e]`` -> ``[n, dim]`` (rows of unmasked items are not trained).
    """

    def __init__(self, dim: int, hidden_dim: int = 128, position_categories: Sequence[int] = (MAX_DEGREE + 1,),
                 num_layers: int = 2, conv: str = "gin") -> None:
        super().__init__()
        self.dim, self.hidden_dim, self.num_layers, self.conv_name = dim, hidden_dim, num_layers, conv
        self.input = nn.Linear(dim, hidden_dim)
        self.mask_token = nn.Parameter(torch.empty(hidden_dim))
        self.position = CategoricalEmbedding(position_categories, hidden_dim)
        self.layers = nn.ModuleList(build_conv(conv, hidden_dim, hidden_dim) for _ in range(num_layers))
        self.output = nn.Linear(hidden_dim, dim)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.normal_(self.mask_token, std=0.02)
        for module in (self.input, self.position, *self.layers, self.output):
            module.reset_parameters()

    def forward(self, context: Tensor, mask: Tensor, codes: Tensor, edge_index: Tensor) -> Tensor:
        tokens = torch.where(mask[:, None], (self.mask_token + self.position(codes)).to(context.dtype),
                             self.input(context))
        for layer in self.layers:
            tokens = tokens + torch.relu(layer(tokens, edge_index))
        return self.output(tokens)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(dim={self.dim}, hidden_dim={self.hidden_dim}, "
                f"position={self.position.cardinalities}, num_layers={self.num_layers}, conv={self.conv_name!r})")
