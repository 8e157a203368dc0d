r"""GraphMAE: masked feature reconstruction with re-masking and a GNN decoder.

Hou et al., "GraphMAE: Self-Supervised Masked Graph Autoencoders", KDD 2022
(https://arxiv.org/abs/2205.10803). Masked nodes' features are replaced by the
encoder's mask token; the encoder output is mapped to the decoder space, the
masked nodes are masked again (set to zero), and a single message-passing
layer from :mod:`graphssl.nn` reconstructs the features. The loss is the
scaled cosine error over masked nodes:

.. math::
    \mathcal{L} = \frac{1}{|M|}\sum_{i \in M}\big(1 - \cos(\hat{\mathbf{x}}_i, \mathbf{x}_i)\big)^{\alpha}

Categorical features are reconstructed as concatenated one-hot vectors.
"""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.conv import build_conv
from graphssl.objectives.attr_mask import categorical_columns
from graphssl.objectives.base import Objective, register_objective
from graphssl.objectives.context import StepContext
from graphssl.objectives.targets import zero_loss


def scaled_cosine_error(prediction: Tensor, target: Tensor, alpha: float) -> Tensor:
    """``mean((1 - cos(prediction, target)) ** alpha)`` over rows."""
    cosine = F.cosine_similarity(prediction, target.to(prediction.dtype), dim=-1)
    return (1.0 - cosine).pow(alpha).mean()


@register_objective("graphmae")
class GraphMAE(Objective):
    """GraphMAE: masked feature reconstruction with re-masking, GNN decoder, scaled cosine error (Hou et al., KDD 2022).

    Args:
        mask_ratio: fraction of each graph's nodes to mask (default ``0.25``).
        alpha: scaling exponent of the cosine error (default ``2.0``).
        decoder_conv: decoder layer, ``"gin"``, ``"gine"`` or ``"gcn"`` (default ``"gin"``).
        columns: categorical ``x`` columns to reconstruct (default ``[0]``).
        mask_groups: batch attribute of groups to mask whole (a membership map
            ``[2, M]`` such as ``atom2frag``, or a per-node group id ``[N]``);
            ``mask_ratio`` is then a fraction of each graph's groups (default
            ``None``: mask nodes).
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, mask_ratio: float = 0.25, alpha: float = 2.0,
                 decoder_conv: str = "gin", columns: Sequence[int] | None = None,
                 mask_groups: str | None = None) -> None:
        super().__init__(encoder, spec)
        if not spec.has_node_features:
            raise ConfigError("objectives.graphmae: needs node features; this dataset has none")
        self.mask_ratio = self.check_fraction("mask_ratio", mask_ratio)
        self.alpha = self.check_positive("alpha", float(alpha))
        self.mask_groups = mask_groups
        if spec.node_categorical:
            self.columns = categorical_columns(spec, columns, "graphmae")
            target_dim = sum(spec.node_categorical[c] for c in self.columns)
        else:
            self.columns = []
            target_dim = spec.node_continuous
        dim = self.encoder_dim
        self.encoder_to_decoder = nn.Linear(dim, dim, bias=False)
        self.decoder = build_conv(decoder_conv, dim, target_dim, edge_categorical=spec.edge_categorical,
                                  edge_continuous=spec.edge_continuous)

    def target(self, x: Tensor) -> Tensor:
        if not self.columns:
            return x.view(x.shape[0], -1)
        x = x.view(x.shape[0], -1)
        return torch.cat([F.one_hot(x[:, c], self.spec.node_categorical[c]) for c in self.columns], dim=1).float()

    def forward(self, step: StepContext) -> dict[str, Tensor]:
        batch = step.batch
        mask = step.draw_node_mask(self.mask_ratio, self.mask_groups)
        node = step.masked(mask).node
        if not bool(mask.any()):  # group masking in a batch without groups
            return {"loss": zero_loss(node), "node_mask": mask}
        # Re-mask: the decoder must rebuild masked nodes from their neighbours, not from their own code.
        hidden = self.encoder_to_decoder(node).masked_fill(mask.unsqueeze(1), 0.0)
        reconstruction = self.decoder(hidden, batch.edge_index, getattr(batch, "edge_attr", None))
        loss = scaled_cosine_error(reconstruction[mask], self.target(batch.x[mask]), self.alpha)
        return {"loss": loss, "node_mask": mask}
