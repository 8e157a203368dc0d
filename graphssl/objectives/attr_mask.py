"""Attribute masking.

Hu et al., "Strategies for Pre-training Graph Neural Networks", ICLR 2020
(https://arxiv.org/abs/1905.12265): mask a fraction of each graph's nodes,
encode, and predict the masked nodes' attributes from their embeddings with a
linear head (cross-entropy per categorical column, MSE for continuous
features).
"""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.objectives.base import Objective, register_objective
from graphssl.objectives.context import StepContext
from graphssl.objectives.targets import zero_loss


def categorical_columns(spec: GraphSpec, columns: Sequence[int] | None, objective: str) -> list[int]:
    """Validated column indices of a categorical ``x`` to reconstruct (default: column 0)."""
    chosen = [0] if columns is None else [int(c) for c in columns]
    bad = [c for c in chosen if not 0 <= c < len(spec.node_categorical)]
    if bad or not chosen:
        raise ConfigError(f"objectives.{objective}.columns: {chosen} out of range for {len(spec.node_categorical)} categorical node columns")
    return chosen


@register_objective("attr_mask")
class AttributeMasking(Objective):
    """Attribute masking: predict masked nodes' features from context (Hu et al., ICLR 2020).

    Args:
        mask_ratio: fraction of each graph's nodes to mask (default ``0.15``).
        columns: categorical ``x`` columns to predict (default ``[0]``, the
            atom type for OGB features); ignored for continuous ``x``.
        mask_groups: batch attribute of groups to mask whole (a membership map
            ``[2, M]`` such as ``atom2frag``, or a per-node group id ``[N]``);
            ``mask_ratio`` is then a fraction of each graph's groups (default
            ``None``: mask nodes).
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, mask_ratio: float = 0.15, columns: Sequence[int] | None = None,
                 mask_groups: str | None = None) -> None:
        super().__init__(encoder, spec)
        if not spec.has_node_features:
            raise ConfigError("objectives.attr_mask: needs node features; this dataset has none")
        self.mask_ratio = self.check_fraction("mask_ratio", mask_ratio)
        self.mask_groups = mask_groups
        if spec.node_categorical:
            self.columns = categorical_columns(spec, columns, "attr_mask")
            self.heads = nn.ModuleList(nn.Linear(self.encoder_dim, spec.node_categorical[c]) for c in self.columns)
        else:
            self.columns = []
            self.heads = nn.ModuleList([nn.Linear(self.encoder_dim, spec.node_continuous)])

    def forward(self, step: StepContext) -> dict[str, Tensor]:
        mask = step.draw_node_mask(self.mask_ratio, self.mask_groups)
        # The encoder replaces masked nodes' features by its mask token, so their labels never reach it.
        node = step.masked(mask).node
        if not bool(mask.any()):  # group masking in a batch without groups
            return {"loss": zero_loss(node), "node_mask": mask}
        hidden = node[mask]
        x = step.batch.x[mask]
        if not self.columns:
            loss = F.mse_loss(self.heads[0](hidden), x.view(x.shape[0], -1).to(hidden.dtype))
            return {"loss": loss, "node_mask": mask}
        x = x.view(x.shape[0], -1)
        losses, correct = [], []
        for column, head in zip(self.columns, self.heads):
            logits = head(hidden)
            losses.append(F.cross_entropy(logits, x[:, column]))
            correct.append((logits.argmax(dim=1) == x[:, column]).float().mean())
        return {"loss": torch.stack(losses).mean(), "accuracy": torch.stack(correct).mean().detach(), "node_mask": mask}
